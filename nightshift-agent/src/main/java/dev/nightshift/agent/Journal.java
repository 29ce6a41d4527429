package dev.nightshift.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ModelListener;
import dev.nightshift.agent.model.ModelRef;
import dev.nightshift.agent.model.ModelResponse;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.agent.model.Usage;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.event.EventType;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.port.EventStore;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Turn;
import java.util.ArrayList;
import java.util.List;

/**
 * How an {@link AgentLoop} writes itself into the session log. A turn's loop writes top-level
 * events, streams its text and records compactions, so the turn can be rebuilt from the log
 * ({@link Conversation}) and resumed. A subagent's loop writes its answers and tool calls nested
 * under the {@code task} call that started it ({@code parentCallId}, {@code kind}), streams no
 * text and is not resumable. Both write {@code step_finish} with the usage and cost of every
 * model answer and the turn's and session's running totals: the one usage event that the budgets
 * and the session's totals are computed from. Used on the turn's thread.
 */
final class Journal {
    private static final int LOG_PAGE = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Turn turn;
    private final EventStore events;
    private final String parentCallId;
    private final String kind;

    private Journal(Turn turn, EventStore events, String parentCallId, String kind) {
        this.turn = turn;
        this.events = events;
        this.parentCallId = parentCallId;
        this.kind = kind;
    }

    /** The journal of a turn (or, later, of a child session's turn): top-level and resumable. */
    static Journal of(Turn turn, EventStore events) {
        return new Journal(turn, events, null, null);
    }

    /** The journal of a subagent started by the {@code task} call {@code parentCallId}. */
    static Journal nested(Turn turn, String parentCallId, String kind) {
        return new Journal(turn, null, parentCallId, kind);
    }

    private boolean nested() {
        return parentCallId != null;
    }

    /** Whether the loop writing here can be rebuilt from the log and go on later: a turn's, not a subagent's. */
    boolean resumable() {
        return !nested();
    }

    void stepStarted(int step, ModelRef model) {
        if (!nested()) {
            turn.emit(new EventPayload.StepStart(step, model.toString()));
        }
    }

    /** Receives the model's text as it streams (a turn's only) and records a switch of model. */
    Streamer streamer() {
        return new Streamer();
    }

    void answered(int step, ModelResponse r, double costUsd) {
        List<EventPayload.RequestedCall> calls = new ArrayList<>();
        for (ToolCall c : r.toolCalls()) {
            calls.add(new EventPayload.RequestedCall(c.id(), c.name(), arguments(c)));
        }
        turn.emit(
                nested()
                        ? new EventPayload.SubagentMessage(
                                step,
                                r.model().toString(),
                                r.text(),
                                calls,
                                r.finishReason(),
                                usage(r.usage()),
                                costUsd,
                                parentCallId,
                                kind)
                        : new EventPayload.AssistantMessage(
                                step,
                                r.model().toString(),
                                r.text(),
                                calls,
                                r.finishReason(),
                                usage(r.usage()),
                                costUsd));
    }

    void stepFinished(int step, Usage usage, double costUsd, BudgetAccount account) {
        turn.emit(new EventPayload.StepFinish(
                step, usage(usage), costUsd, account.turnCostUsd(), account.sessionCostUsd(), parentCallId, kind));
    }

    void toolCalled(ToolCall call) {
        turn.emit(
                nested()
                        ? new EventPayload.SubagentToolCall(parentCallId, call.id(), call.name(), arguments(call), kind)
                        : new EventPayload.ToolCall(call.id(), call.name(), arguments(call)));
    }

    void toolAnswered(ToolCall call, ToolResult result) {
        turn.emit(
                nested()
                        ? new EventPayload.SubagentToolResult(
                                parentCallId, call.id(), call.name(), result.content(), result.error(), kind)
                        : new EventPayload.ToolResult(
                                call.id(), call.name(), result.content(), result.error(), mediaRefs(result)));
    }

    /** The screenshots and videos a call kept, as its {@code tool_result} names them; null when none. */
    static List<EventPayload.MediaRef> mediaRefs(ToolResult result) {
        if (result.media().isEmpty()) {
            return null;
        }
        List<EventPayload.MediaRef> refs = new ArrayList<>();
        for (dev.nightshift.core.model.Artifact a : result.media()) {
            com.fasterxml.jackson.databind.JsonNode data;
            try {
                data = JSON.readTree(a.data() == null ? "{}" : a.data());
            } catch (Exception e) {
                data = JSON.createObjectNode();
            }
            String label = data.path("label").asText("");
            String caption = data.path("caption").asText("");
            refs.add(new EventPayload.MediaRef(
                    a.id(),
                    a.type(),
                    a.url(),
                    data.path("mediaType").asText(null),
                    data.path("name").asText(null),
                    data.path("bytes").asLong(),
                    data.path("width").asInt(),
                    data.path("height").asInt(),
                    data.path("durationMillis").asLong(),
                    caption.isEmpty() ? null : caption,
                    label.isEmpty() ? null : label));
        }
        return refs;
    }

    /**
     * The conversation continues from a summary alone. A turn records it (everything logged so far
     * is replaced by the summary in the model's view) and rebuilds its view from the log; a
     * subagent keeps it in memory.
     */
    List<ChatMessage> compacted(String summary) {
        if (nested()) {
            return new ArrayList<>(List.of(new ChatMessage.User(Conversation.SUMMARY_PREFIX + summary)));
        }
        List<Event> log = readLog(events, turn.session().id());
        long through = log.isEmpty() ? 0 : log.getLast().seq();
        turn.emit(new EventPayload.ContextCompacted(summary, through));
        return new ArrayList<>(Conversation.rebuild(
                        withInherited(events, readLog(events, turn.session().id())))
                .messages());
    }

    /** A session's whole log, page by page. */
    static List<Event> readLog(EventStore events, String sessionId) {
        return readLog(events, sessionId, Long.MAX_VALUE);
    }

    /** A session's log up to {@code throughSeq} included, page by page. */
    private static List<Event> readLog(EventStore events, String sessionId, long throughSeq) {
        List<Event> all = new ArrayList<>();
        long after = 0;
        Page<Event> page;
        do {
            page = events.after(sessionId, after, LOG_PAGE);
            for (Event e : page.items()) {
                if (e.seq() > throughSeq) {
                    return all;
                }
                all.add(e);
            }
            if (!page.items().isEmpty()) {
                after = page.items().getLast().seq();
            }
        } while (page.hasMore());
        return all;
    }

    /** Forks of forks deeper than this are refused rather than followed (a damaged log could loop). */
    static final int MAX_FORK_DEPTH = 100;

    /**
     * What the model's view of a session is rebuilt from: its own log and, for a fork (whose log starts
     * with {@code forked_from}), first the conversation it inherited, that is its parent's log up to the
     * fork point, itself a fork's perhaps. The parent's log is read, never copied or changed.
     */
    static List<Event> withInherited(EventStore events, List<Event> own) {
        List<Event> all = new ArrayList<>(own);
        List<Event> current = own;
        for (int depth = 0; forkPoint(current) != null; depth++) {
            if (depth >= MAX_FORK_DEPTH) {
                throw new AgentExecutor.TurnEnded("the session is a fork of a fork more than " + MAX_FORK_DEPTH
                        + " levels deep; start a new session from its work branch instead");
            }
            EventPayload.ForkedFrom point = forkPoint(current);
            current = readLog(events, point.parentId(), point.atSeq());
            all.addAll(0, current);
        }
        return all;
    }

    /** The {@code forked_from} a fork's log starts with; null for a log that does not start with one. */
    private static EventPayload.ForkedFrom forkPoint(List<Event> log) {
        if (log.isEmpty() || !log.getFirst().type().equals(EventType.FORKED_FROM.wire())) {
            return null;
        }
        try {
            JsonNode data = JSON.readTree(log.getFirst().data());
            String parent = data.path("parentId").asText("");
            long at = data.path("atSeq").asLong(0);
            return parent.isEmpty() || at <= 0 ? null : new EventPayload.ForkedFrom(parent, at, null, null, null);
        } catch (Exception unreadable) {
            return null;
        }
    }

    private static String arguments(ToolCall call) {
        return call.argumentsJson() == null ? "" : call.argumentsJson();
    }

    private static EventPayload.Usage usage(Usage u) {
        return new EventPayload.Usage(u.inputTokens(), u.cachedInputTokens(), u.outputTokens());
    }

    /** Streams a turn's text to the session in chunks: live enough to watch, few enough writes to the log. */
    final class Streamer implements ModelListener {
        private static final int FLUSH_CHARS = 400;
        private static final long FLUSH_NANOS = 250_000_000L;
        private final StringBuilder pending = new StringBuilder();
        private long lastFlush = System.nanoTime();

        @Override
        public synchronized void text(String delta) {
            if (nested()) {
                return; // a subagent's text reaches the log with its answer
            }
            pending.append(delta);
            if (pending.length() >= FLUSH_CHARS || System.nanoTime() - lastFlush > FLUSH_NANOS) {
                flush();
            }
        }

        @Override
        public void fallback(ModelRef from, ModelRef to, String reason) {
            turn.emit(new EventPayload.ModelFallback(from.toString(), to.toString(), reason));
        }

        synchronized void flush() {
            if (pending.length() > 0) {
                turn.emit(new EventPayload.Token(pending.toString()));
                pending.setLength(0);
            }
            lastFlush = System.nanoTime();
        }
    }
}

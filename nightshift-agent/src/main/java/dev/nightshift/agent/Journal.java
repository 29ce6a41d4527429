package dev.nightshift.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ModelListener;
import dev.nightshift.agent.model.ModelRef;
import dev.nightshift.agent.model.ModelResponse;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.agent.model.Usage;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.port.EventStore;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Turn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOG_PAGE = 500;

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

    void stepStarted(int step, ModelRef model) {
        if (!nested()) {
            emit(AgentEvents.STEP_START, Map.of("step", step, "model", model.toString()));
        }
    }

    /** Receives the model's text as it streams (a turn's only) and records a switch of model. */
    Streamer streamer() {
        return new Streamer();
    }

    void answered(int step, ModelResponse r, double costUsd) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("step", step);
        data.put("model", r.model().toString());
        data.put("text", r.text());
        List<Map<String, String>> calls = new ArrayList<>();
        for (ToolCall c : r.toolCalls()) {
            calls.add(Map.of("id", c.id(), "name", c.name(), "arguments", arguments(c)));
        }
        data.put("toolCalls", calls);
        data.put("finishReason", r.finishReason());
        data.put("usage", usage(r.usage()));
        data.put("costUsd", costUsd);
        emit(nested() ? AgentExecutor.SUBAGENT_MESSAGE : AgentEvents.ASSISTANT_MESSAGE, data);
    }

    void stepFinished(int step, Usage usage, double costUsd, BudgetAccount account) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("step", step);
        data.put("usage", usage(usage));
        data.put("costUsd", costUsd);
        data.put("turnCostUsd", account.turnCostUsd());
        data.put("sessionCostUsd", account.sessionCostUsd());
        emit(AgentEvents.STEP_FINISH, data);
    }

    void toolCalled(ToolCall call) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("callId", call.id());
        data.put("name", call.name());
        data.put("arguments", arguments(call));
        emit(nested() ? AgentExecutor.SUBAGENT_TOOL_CALL : AgentEvents.TOOL_CALL, data);
    }

    void toolAnswered(ToolCall call, ToolResult result) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("callId", call.id());
        data.put("name", call.name());
        data.put("content", result.content());
        data.put("error", result.error());
        emit(nested() ? AgentExecutor.SUBAGENT_TOOL_RESULT : AgentEvents.TOOL_RESULT, data);
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
        emit(AgentEvents.CONTEXT_COMPACTED, Map.of("summary", summary, "throughSeq", through));
        return new ArrayList<>(Conversation.rebuild(readLog(events, turn.session().id())).messages());
    }

    /** A turn's whole log, page by page. */
    static List<Event> readLog(EventStore events, String sessionId) {
        List<Event> all = new ArrayList<>();
        long after = 0;
        Page<Event> page;
        do {
            page = events.after(sessionId, after, LOG_PAGE);
            all.addAll(page.items());
            if (!page.items().isEmpty()) {
                after = page.items().getLast().seq();
            }
        } while (page.hasMore());
        return all;
    }

    /** Appends one event; a subagent's carry the call that started it. */
    private void emit(String type, Map<String, ?> data) {
        Map<String, Object> all = new LinkedHashMap<>(data);
        if (nested()) {
            all.put("parentCallId", parentCallId);
            all.put("kind", kind);
        }
        try {
            turn.emit(type, JSON.writeValueAsString(all));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String arguments(ToolCall call) {
        return call.argumentsJson() == null ? "" : call.argumentsJson();
    }

    private static Map<String, Long> usage(Usage u) {
        return Map.of("input", u.inputTokens(), "cached", u.cachedInputTokens(), "output", u.outputTokens());
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
            emit(AgentEvents.MODEL_FALLBACK, Map.of("from", from.toString(), "to", to.toString(), "reason", reason));
        }

        synchronized void flush() {
            if (pending.length() > 0) {
                emit(AgentEvents.TOKEN, Map.of("text", pending.toString()));
                pending.setLength(0);
            }
            lastFlush = System.nanoTime();
        }
    }
}

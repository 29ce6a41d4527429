package dev.nightshift.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ModelException;
import dev.nightshift.agent.model.ModelGateway;
import dev.nightshift.agent.model.ModelListener;
import dev.nightshift.agent.model.ModelRef;
import dev.nightshift.agent.model.ModelRequest;
import dev.nightshift.agent.model.ModelResponse;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.agent.model.ToolSpec;
import dev.nightshift.agent.model.Usage;
import dev.nightshift.agent.tools.Tool;
import dev.nightshift.agent.tools.ToolContext;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.event.EventType;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.port.EventStore;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.port.TurnExecutor;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent loop, durable: every model answer and every tool call and result is in the session log
 * before the next step, and a turn taken over after a crash is rebuilt from the log and goes on.
 * A tool call that started without a recorded result is never re-run: the model is told its
 * outcome is unknown.
 */
public final class AgentExecutor implements TurnExecutor {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOG_PAGE = 500;
    /** Tool outputs kept whole when the context overflows; older ones are masked first. */
    static final int KEEP_RECENT_TOOL_OUTPUTS = 6;
    private static final java.time.Duration INSTRUCTIONS_TIMEOUT = java.time.Duration.ofSeconds(10);
    static final String MASKED = "[older tool output elided to fit the context window]";
    static final String SUMMARY_REQUEST = "Summarise this conversation for yourself so you can continue the work: "
            + "the task, decisions made, files changed, the current state, and the next steps. Be concise and specific.";

    /** The subagent tool: handled by the loop itself, since a subagent is a loop of its own. */
    static final String TASK = "task";
    public static final int SUBAGENT_MAX_STEPS = 100;
    static final ToolSpec TASK_SPEC = new ToolSpec(TASK, "Delegate a self-contained piece of work to a subagent and get "
            + "its final summary back (not its transcript). kind=explorer: read-only research (search, read, run "
            + "read-only commands) — it cannot change anything. kind=executor: a full-powered helper for a well-defined "
            + "change. Give it everything it needs in the prompt.",
            "{\"type\":\"object\",\"properties\":{\"kind\":{\"type\":\"string\",\"enum\":[\"explorer\",\"executor\"]},"
                    + "\"prompt\":{\"type\":\"string\",\"description\":\"The task, with all the context it needs\"}},"
                    + "\"required\":[\"kind\",\"prompt\"],\"additionalProperties\":false}");

    private final ModelGateway gateway;
    private final EventStore events;
    private final List<Tool> tools;
    private final AgentSettings settings;

    public AgentExecutor(ModelGateway gateway, EventStore events, List<Tool> tools, AgentSettings settings) {
        this.gateway = gateway;
        this.events = events;
        this.tools = List.copyOf(tools);
        this.settings = settings;
    }

    /** The turn ended early on purpose (a limit, a loop): the message says why. */
    public static final class TurnEnded extends RuntimeException {
        public TurnEnded(String message) {
            super(message);
        }
    }

    @Override
    public void execute(Turn turn) throws Exception {
        ModelRef model = model(turn);
        List<Event> log = readLog(turn.session().id());
        Conversation.Rebuilt rebuilt = Conversation.rebuild(log);
        List<ChatMessage> messages = new ArrayList<>(rebuilt.messages());
        for (ToolCall call : rebuilt.interrupted()) {
            // the open calls are the log's last entries, so their answers simply follow
            turn.emit(new EventPayload.ToolResult(call.id(), call.name(), Conversation.INTERRUPTED, true));
            messages.add(new ChatMessage.ToolResult(call.id(), call.name(), Conversation.INTERRUPTED, true));
        }
        double sessionCost = sessionCost(log);
        String system = SystemPrompt.build(turn.session(), instructions(turn));
        StuckDetector stuck = new StuckDetector(settings.stuckRepeats());
        Usage turnUsage = Usage.NONE;
        double turnCost = 0;
        int step = rebuilt.steps();
        int masking = 0;
        while (!turn.stopRequested()) {
            if (step >= settings.maxSteps()) {
                throw new TurnEnded("stopped after " + settings.maxSteps() + " steps (the per-turn step limit)");
            }
            turn.emit(new EventPayload.StepStart(step + 1, model.toString()));
            ModelResponse response;
            Streamer streamer = new Streamer(turn);
            try {
                response = gateway.stream(new ModelRequest(model, withSystem(system, masked(messages, masking)),
                        specs(), settings.maxOutputTokens()), streamer, turn::stopRequested);
            } catch (ModelException e) {
                streamer.flush();
                if (e.kind() == ModelException.Kind.CONTEXT_OVERFLOW && masking == 0) {
                    masking = 1; // first mask old tool outputs; the log itself is never rewritten
                    continue;
                }
                if (e.kind() == ModelException.Kind.CONTEXT_OVERFLOW) {
                    messages = condense(turn, model, system, messages);
                    masking = 0;
                    continue;
                }
                if (e.kind() == ModelException.Kind.CANCELLED) {
                    return;
                }
                throw new TurnEnded("the model call failed (" + e.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + "): " + e.getMessage());
            }
            streamer.flush();
            step++;
            double cost = gateway.costUsd(response.model(), response.usage());
            turnUsage = turnUsage.plus(response.usage());
            turnCost += cost;
            sessionCost += cost;
            turn.emit(new EventPayload.AssistantMessage(step, response.model().toString(), response.text(),
                    calls(response), response.finishReason(), usage(response.usage()), cost));
            turn.emit(new EventPayload.StepFinish(step, usage(response.usage()), cost, turnCost, sessionCost));
            messages.add(new ChatMessage.Assistant(response.text(), response.toolCalls()));
            if (response.toolCalls().isEmpty()) {
                return; // a natural finish
            }
            for (ToolCall call : response.toolCalls()) {
                if (turn.stopRequested()) {
                    return;
                }
                turn.emit(new EventPayload.ToolCall(call.id(), call.name(), call.argumentsJson()));
                ToolResult result = run(call, turn);
                turn.emit(new EventPayload.ToolResult(call.id(), call.name(), result.content(), result.error()));
                messages.add(new ChatMessage.ToolResult(call.id(), call.name(), result.content(), result.error()));
                String loop = stuck.record(call.name(), call.argumentsJson(), result.content(), result.error());
                if (loop != null) {
                    throw new TurnEnded("stopped a loop: " + loop);
                }
            }
            checkBudgets(turnUsage, turnCost, sessionCost);
        }
    }

    private void checkBudgets(Usage usage, double turnCost, double sessionCost) {
        long tokens = usage.inputTokens() + usage.outputTokens();
        if (settings.maxTurnTokens() > 0 && tokens > settings.maxTurnTokens()) {
            throw new TurnEnded("stopped at " + tokens + " tokens (the per-turn budget is " + settings.maxTurnTokens() + ")");
        }
        if (settings.maxTurnCostUsd() > 0 && turnCost > settings.maxTurnCostUsd()) {
            throw new TurnEnded(String.format(java.util.Locale.ROOT, "stopped at $%.4f (the per-turn budget is $%.4f)",
                    turnCost, settings.maxTurnCostUsd()));
        }
        if (settings.maxSessionCostUsd() > 0 && sessionCost > settings.maxSessionCostUsd()) {
            throw new TurnEnded(String.format(java.util.Locale.ROOT, "stopped at $%.4f for the session (its budget is $%.4f)",
                    sessionCost, settings.maxSessionCostUsd()));
        }
    }

    private ModelRef model(Turn turn) {
        String id = turn.message().model() != null ? turn.message().model() : turn.session().model();
        if (id != null) {
            try {
                return ModelRef.parse(id);
            } catch (IllegalArgumentException e) {
                throw new TurnEnded(e.getMessage());
            }
        }
        ModelRef fallback = gateway.defaultModel();
        if (fallback == null) {
            throw new TurnEnded("no model is configured: set NIGHTSHIFT_MODEL (e.g. openai-compatible/<model> with "
                    + "OPENAI_COMPATIBLE_BASE_URL, or anthropic/<model> with ANTHROPIC_API_KEY) and restart the server");
        }
        return fallback;
    }

    private ToolResult run(ToolCall call, Turn turn) throws InterruptedException {
        return run(call, turn, tools, false);
    }

    private ToolResult run(ToolCall call, Turn turn, List<Tool> available, boolean readOnly) throws InterruptedException {
        Tool tool = available.stream().filter(t -> t.spec().name().equals(call.name())).findFirst().orElse(null);
        if (tool == null && !(call.name().equals(TASK) && available == tools)) {
            return ToolResult.error("there is no tool '" + call.name() + "'; the tools are: "
                    + available.stream().map(t -> t.spec().name()).toList());
        }
        JsonNode arguments;
        try {
            arguments = call.argumentsJson() == null || call.argumentsJson().isBlank()
                    ? JSON.createObjectNode() : JSON.readTree(call.argumentsJson());
        } catch (Exception e) {
            return ToolResult.error("the arguments are not valid JSON (" + e.getMessage().split("\n")[0]
                    + "); send one JSON object matching the tool's schema");
        }
        if (!arguments.isObject()) {
            return ToolResult.error("the arguments must be a JSON object, got " + arguments.getNodeType());
        }
        if (tool == null) {
            return subagent(call, arguments, turn);
        }
        try {
            return tool.run(arguments, new ToolContext() {
                private Sandbox sandbox;

                @Override
                public Sandbox sandbox() {
                    if (sandbox == null) {
                        sandbox = readOnly ? new ReadOnlySandbox(turn.sandbox()) : turn.sandbox();
                    }
                    return sandbox;
                }

                @Override
                public void emit(EventPayload payload) {
                    turn.emit(payload);
                }

                @Override
                public boolean readOnly() {
                    return readOnly;
                }

                @Override
                public boolean stopRequested() {
                    return turn.stopRequested();
                }
            });
        } catch (InterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            return ToolResult.error("the tool failed: " + e.getMessage());
        }
    }

    /**
     * Runs a subagent: a loop of its own with a fresh conversation, the explorer's read-only tools
     * (on a read-only view of the sandbox) or the executor's full set, at most
     * {@link #SUBAGENT_MAX_STEPS} steps. Its steps go to the log as nested events; the parent gets
     * only its final answer. Subagents do not start subagents.
     */
    private ToolResult subagent(ToolCall parent, JsonNode arguments, Turn turn) throws InterruptedException {
        String kind = arguments.path("kind").asText("");
        String prompt = arguments.path("prompt").asText("");
        if (!kind.equals("explorer") && !kind.equals("executor")) {
            return ToolResult.error("'kind' must be explorer or executor");
        }
        if (prompt.isBlank()) {
            return ToolResult.error("'prompt' is required: the task with all the context the subagent needs");
        }
        boolean explorer = kind.equals("explorer");
        List<Tool> available = explorer ? tools.stream().filter(Tool::readOnly).toList() : tools;
        ModelRef model = model(turn);
        String system = SystemPrompt.build(turn.session(), null) + "\nYou are a " + kind + " subagent. "
                + (explorer ? "You can read and search but not change anything; the workspace is read-only to you. " : "")
                + "Work on the task you are given and finish with a concise report of what you found or did.";
        List<ChatMessage> messages = new ArrayList<>(List.of(new ChatMessage.System(system), new ChatMessage.User(prompt)));
        for (int step = 1; step <= SUBAGENT_MAX_STEPS && !turn.stopRequested(); step++) {
            ModelResponse response;
            try {
                response = gateway.stream(new ModelRequest(model, messages,
                        available.stream().map(Tool::spec).toList(), settings.maxOutputTokens()), ModelListener.IGNORE,
                        turn::stopRequested);
            } catch (ModelException e) {
                return ToolResult.error("the " + kind + " subagent's model call failed: " + e.getMessage());
            }
            turn.emit(new EventPayload.SubagentMessage(step, response.model().toString(), response.text(), calls(response),
                    response.finishReason(), usage(response.usage()), gateway.costUsd(response.model(), response.usage()),
                    parent.id(), kind));
            messages.add(new ChatMessage.Assistant(response.text(), response.toolCalls()));
            if (response.toolCalls().isEmpty()) {
                return ToolResult.ok(response.text());
            }
            for (ToolCall call : response.toolCalls()) {
                turn.emit(new EventPayload.SubagentToolCall(parent.id(), call.id(), call.name(),
                        call.argumentsJson() == null ? "" : call.argumentsJson()));
                ToolResult result = run(call, turn, available, explorer);
                turn.emit(new EventPayload.SubagentToolResult(parent.id(), call.id(), call.name(), result.content(),
                        result.error()));
                messages.add(new ChatMessage.ToolResult(call.id(), call.name(), result.content(), result.error()));
            }
        }
        return ToolResult.error("the " + kind + " subagent did not finish within " + SUBAGENT_MAX_STEPS + " steps");
    }

    /** Asks the model for a summary, records it, and continues from the summary alone. */
    private List<ChatMessage> condense(Turn turn, ModelRef model, String system, List<ChatMessage> messages) {
        List<ChatMessage> request = new ArrayList<>(masked(messages, 1));
        request.add(new ChatMessage.User(SUMMARY_REQUEST));
        ModelResponse summary;
        try {
            summary = gateway.stream(new ModelRequest(model, withSystem(system, request), List.of(), settings.maxOutputTokens()),
                    ModelListener.IGNORE, turn::stopRequested);
        } catch (ModelException e) {
            throw new TurnEnded("the conversation no longer fits the model's context window and could not be condensed: "
                    + e.getMessage());
        }
        List<Event> log = readLog(turn.session().id());
        long through = log.isEmpty() ? 0 : log.getLast().seq();
        turn.emit(new EventPayload.ContextCompacted(summary.text(), through));
        return new ArrayList<>(Conversation.rebuild(readLog(turn.session().id())).messages());
    }

    private static List<ChatMessage> masked(List<ChatMessage> messages, int level) {
        if (level == 0) {
            return messages;
        }
        int results = (int) messages.stream().filter(m -> m instanceof ChatMessage.ToolResult).count();
        int toMask = Math.max(0, results - KEEP_RECENT_TOOL_OUTPUTS);
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            if (m instanceof ChatMessage.ToolResult r && toMask > 0) {
                out.add(new ChatMessage.ToolResult(r.callId(), r.toolName(), MASKED, r.error()));
                toMask--;
            } else {
                out.add(m);
            }
        }
        return out;
    }

    private static List<ChatMessage> withSystem(String system, List<ChatMessage> messages) {
        List<ChatMessage> all = new ArrayList<>(messages.size() + 1);
        all.add(new ChatMessage.System(system));
        all.addAll(messages);
        return all;
    }

    private List<ToolSpec> specs() {
        List<ToolSpec> all = new ArrayList<>(tools.stream().map(Tool::spec).toList());
        all.add(TASK_SPEC);
        return all;
    }

    /** The repository's AGENTS.md, else CLAUDE.md: one command in the sandbox, whichever exists. */
    private static String instructions(Turn turn) {
        try {
            ExecResult found = turn.sandbox().exec(new ExecRequest(List.of("/bin/sh", "-c",
                    "for f in AGENTS.md CLAUDE.md; do [ -f \"$f\" ] && exec head -c " + SystemPrompt.MAX_INSTRUCTIONS_CHARS * 4
                            + " -- \"$f\"; done; exit 3"), "", Map.of(), INSTRUCTIONS_TIMEOUT), OutputListener.IGNORE);
            return found.exitCode() == 0 ? found.stdout() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            return null; // no sandbox: the prompt goes without the repository's instructions
        }
    }

    private List<Event> readLog(String sessionId) {
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

    private static double sessionCost(List<Event> log) {
        double total = 0;
        for (Event e : log) {
            if (e.type().equals(EventType.STEP_FINISH.wire())) {
                total += parse(e.data()).path("costUsd").asDouble();
            }
        }
        return total;
    }

    private static List<EventPayload.RequestedCall> calls(ModelResponse r) {
        List<EventPayload.RequestedCall> calls = new ArrayList<>();
        for (ToolCall c : r.toolCalls()) {
            calls.add(new EventPayload.RequestedCall(c.id(), c.name(), c.argumentsJson() == null ? "" : c.argumentsJson()));
        }
        return calls;
    }

    private static EventPayload.Usage usage(Usage u) {
        return new EventPayload.Usage(u.inputTokens(), u.cachedInputTokens(), u.outputTokens());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** Streams text to the session in chunks: live enough to watch, few enough writes to the log. */
    private static final class Streamer implements ModelListener {
        private static final int FLUSH_CHARS = 400;
        private static final long FLUSH_NANOS = 250_000_000L;
        private final Turn turn;
        private final StringBuilder pending = new StringBuilder();
        private long lastFlush = System.nanoTime();

        Streamer(Turn turn) {
            this.turn = turn;
        }

        @Override
        public synchronized void text(String delta) {
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

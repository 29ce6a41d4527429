package dev.nightshift.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.AgentLoop.Delegate;
import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ModelGateway;
import dev.nightshift.agent.model.ModelRef;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.agent.model.ToolSpec;
import dev.nightshift.agent.tools.ProposePlanTool;
import dev.nightshift.agent.tools.SessionTools;
import dev.nightshift.agent.tools.Tool;
import dev.nightshift.agent.tools.ToolContext;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.agent.tools.Tools;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.port.ChildSessions;
import dev.nightshift.core.port.EventStore;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.port.TurnExecutor;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's turn, durable: every model answer and every tool call and result is in the session
 * log before the next step, and a turn taken over after a crash is rebuilt from the log and goes
 * on. A tool call that started without a recorded result is never re-run: the model is told its
 * outcome is unknown. The steps themselves are {@link AgentLoop}'s, the same loop a subagent (the
 * {@code task} tool) runs, charged to the turn's {@link BudgetAccount}. Its tools are the agent's
 * own and the turn's ({@link TurnTools}: the session's MCP servers), opened when the turn starts
 * and closed when it ends. Runs on the turn's thread.
 */
public final class AgentExecutor implements TurnExecutor {
    private static final Duration INSTRUCTIONS_TIMEOUT = Duration.ofSeconds(10);

    /** The subagent tool: handed to the loop whole, since a subagent is a loop of its own. */
    static final String TASK = "task";

    public static final int SUBAGENT_MAX_STEPS = 100;
    static final ToolSpec TASK_SPEC = new ToolSpec(
            TASK,
            "Delegate a self-contained piece of work to a subagent and get "
                    + "its final summary back (not its transcript). kind=explorer: read-only research (search, read, run "
                    + "read-only commands) — it cannot change anything. kind=executor: a full-powered helper for a well-defined "
                    + "change. Give it everything it needs in the prompt.",
            "{\"type\":\"object\",\"properties\":{\"kind\":{\"type\":\"string\",\"enum\":[\"explorer\",\"executor\"]},"
                    + "\"prompt\":{\"type\":\"string\",\"description\":\"The task, with all the context it needs\"}},"
                    + "\"required\":[\"kind\",\"prompt\"],\"additionalProperties\":false}");

    private final ModelGateway gateway;
    private final EventStore events;
    private final List<Tool> tools;
    private final TurnTools turnTools;
    private final AgentSettings settings;
    private final ChildSessions childSessions;

    public AgentExecutor(ModelGateway gateway, EventStore events, List<Tool> tools, AgentSettings settings) {
        this(gateway, events, tools, TurnTools.NONE, settings, null);
    }

    /** @param turnTools the tools a turn gets besides {@code tools}, per session (the MCP servers') */
    public AgentExecutor(
            ModelGateway gateway, EventStore events, List<Tool> tools, TurnTools turnTools, AgentSettings settings) {
        this(gateway, events, tools, turnTools, settings, null);
    }

    /**
     * @param childSessions what the session tools ({@code spawn_session} …) act through; null: no such tools
     */
    public AgentExecutor(
            ModelGateway gateway,
            EventStore events,
            List<Tool> tools,
            AgentSettings settings,
            ChildSessions childSessions) {
        this(gateway, events, tools, TurnTools.NONE, settings, childSessions);
    }

    /**
     * @param turnTools the tools a turn gets besides {@code tools}, per session (the MCP servers')
     * @param childSessions what the session tools ({@code spawn_session} …) act through; null: no such tools
     */
    public AgentExecutor(
            ModelGateway gateway,
            EventStore events,
            List<Tool> tools,
            TurnTools turnTools,
            AgentSettings settings,
            ChildSessions childSessions) {
        this.gateway = gateway;
        this.events = events;
        this.tools = List.copyOf(tools);
        this.turnTools = turnTools;
        this.settings = settings;
        this.childSessions = childSessions;
    }

    /** The turn ended early on purpose (a limit, a loop): the message says why. */
    public static class TurnEnded extends RuntimeException {
        public TurnEnded(String message) {
            super(message);
        }
    }

    @Override
    public void execute(Turn turn) throws Exception {
        ModelRef model = model(turn);
        // a read-only session (an automatic review) calls no tool that acts outside its sandbox
        try (TurnTools.Opened extra =
                turn.session().settings().readOnly() ? TurnTools.NONE.open(turn) : turnTools.open(turn)) {
            List<Tool> all = new ArrayList<>(tools);
            extra.tools().stream()
                    .filter(t -> all.stream()
                            .noneMatch(own -> own.spec().name().equals(t.spec().name())))
                    .forEach(all::add);
            execute(turn, model, List.copyOf(all));
        }
    }

    private void execute(Turn turn, ModelRef model, List<Tool> tools) throws InterruptedException {
        List<Event> log = Journal.readLog(events, turn.session().id());
        // a fork's model sees its parent's conversation up to the fork point; its spending is its own
        Conversation.Rebuilt rebuilt = Conversation.rebuild(Journal.withInherited(events, log));
        List<ChatMessage> messages = new ArrayList<>(rebuilt.messages());
        Journal journal = Journal.of(turn, events);
        // a read-only session (an automatic review) gets the explorer's tools on a read-only workspace
        boolean readOnly = turn.session().settings().readOnly();
        List<Tool> available =
                new ArrayList<>(readOnly ? tools.stream().filter(Tool::readOnly).toList() : tools);
        if (childSessions != null && !readOnly) {
            available.addAll(SessionTools.forTurn(turn, childSessions));
        }
        for (ToolCall call : rebuilt.interrupted()) {
            // the open calls are the log's last entries, so their answers simply follow: what people
            // answered to a question or plan; a call that parked the turn until other sessions were done runs
            // again (it may park the turn again); any other is never re-run: why there is no result
            ToolResult answer = rebuilt.answers().containsKey(call.id())
                    ? ToolResult.ok(rebuilt.resultOf(call))
                    : resumable(call, available);
            if (answer == null) {
                answer = ToolResult.error(rebuilt.resultOf(call));
            }
            journal.toolAnswered(call, answer);
            messages.add(new ChatMessage.ToolResult(call.id(), call.name(), answer.content(), answer.error()));
        }
        // screenshots of the last calls follow every result of their step
        rebuilt.pendingMedia().ifPresent(messages::add);
        messages = new ArrayList<>(PromptAttachments.resolve(messages, turn::attachment, turn::media));
        // a family of sessions (started by one another's agents) shares one session budget
        double spent =
                BudgetAccount.spentIn(log) + (childSessions == null ? 0 : childSessions.spentByFamily(turn.session()));
        BudgetAccount account = new BudgetAccount(settings, spent);
        String system = SystemPrompt.build(turn.session(), instructions(turn));
        // a plan-first session changes nothing until a member approves its plan: the tool layer enforces it
        boolean planPending = turn.session().settings().planFirst() && !rebuilt.planApproved();
        Delegate task = new Delegate() {
            @Override
            public ToolSpec spec() {
                return TASK_SPEC;
            }

            @Override
            public ToolResult run(ToolCall call, JsonNode arguments) throws InterruptedException {
                if (planPending && !"explorer".equals(arguments.path("kind").asText())) {
                    return ToolResult.error(
                            AgentLoop.ReadOnly.UNTIL_PLAN_APPROVED.refusal().formatted("an executor subagent"));
                }
                return subagent(turn, model, tools, account, call, arguments);
            }
        };
        // the tools that pause the turn for people are the turn's own loop's, never a subagent's
        for (Tool asking : Tools.interactive()) {
            if (!asking.spec().name().equals(ProposePlanTool.NAME) || planPending) {
                available.add(asking);
            }
        }
        String scoped = readOnly
                ? system + "\nThis session is read-only: you can read, search and run read-only commands, but not "
                        + "change anything."
                : planPending ? system + PLAN_FIRST : system;
        new AgentLoop(
                        gateway,
                        settings,
                        turn,
                        journal,
                        account,
                        new AgentLoop.Scope(
                                model,
                                scoped,
                                available,
                                readOnly ? null : task,
                                readOnly
                                        ? AgentLoop.ReadOnly.EXPLORER
                                        : planPending ? AgentLoop.ReadOnly.UNTIL_PLAN_APPROVED : null,
                                settings.maxSteps(),
                                "the per-turn step limit"))
                .run(messages, rebuilt.steps());
        // a loop that paused for a question has returned: the turn holds nothing while it waits
    }

    static final String PLAN_FIRST = "\nThis session plans first: before anything changes, a member approves your "
            + "plan. Investigate with the read-only tools (commands run on a read-only view of the workspace), then "
            + "propose a concrete plan with propose_plan. Tools that change anything are refused until the plan is "
            + "approved.";

    /**
     * The answer of an open call that may run again after a restart or a wake-up ({@code wait_sessions},
     * which parked the turn); null for any other call.
     */
    private static ToolResult resumable(ToolCall call, List<Tool> available) throws InterruptedException {
        if (!call.name().equals(SessionTools.WAIT)) {
            return null;
        }
        Tool tool = available.stream()
                .filter(t -> t.spec().name().equals(call.name()))
                .findFirst()
                .orElse(null);
        if (tool == null) {
            return null;
        }
        JsonNode arguments;
        try {
            arguments = call.argumentsJson() == null || call.argumentsJson().isBlank()
                    ? JSON.createObjectNode()
                    : JSON.readTree(call.argumentsJson());
        } catch (Exception e) {
            return null;
        }
        return tool.run(arguments, NO_CONTEXT);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** The context of a call run again on resume: the session tools use none of it. */
    private static final ToolContext NO_CONTEXT = new ToolContext() {
        @Override
        public dev.nightshift.core.sandbox.Sandbox sandbox() {
            throw new IllegalStateException("no sandbox while resuming");
        }

        @Override
        public void emit(dev.nightshift.core.event.EventPayload payload) {
            throw new IllegalStateException("nothing is written while resuming");
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public boolean stopRequested() {
            return false;
        }
    };

    /**
     * Runs a subagent: the same loop with a fresh conversation, the explorer's read-only tools (on a
     * read-only view of the sandbox) or the executor's full set, at most {@link #SUBAGENT_MAX_STEPS}
     * steps, charged to the turn's account. Its steps go to the log nested under the {@code task}
     * call; the parent gets only its final answer. A budget running out ends the whole turn; any
     * other guard ends the subagent, and the parent is told why. Subagents do not start subagents.
     */
    private ToolResult subagent(
            Turn turn, ModelRef model, List<Tool> tools, BudgetAccount account, ToolCall parent, JsonNode arguments)
            throws InterruptedException {
        String kind = arguments.path("kind").asText("");
        String prompt = arguments.path("prompt").asText("");
        if (!kind.equals("explorer") && !kind.equals("executor")) {
            return ToolResult.error("'kind' must be explorer or executor");
        }
        if (prompt.isBlank()) {
            return ToolResult.error("'prompt' is required: the task with all the context the subagent needs");
        }
        boolean explorer = kind.equals("explorer");
        List<Tool> available = (explorer ? tools.stream().filter(Tool::readOnly) : tools.stream())
                .filter(t -> !t.pausesTurn())
                .toList();
        String system = SystemPrompt.build(turn.session(), null) + "\nYou are a " + kind + " subagent. "
                + (explorer
                        ? "You can read and search but not change anything; the workspace is read-only to you. "
                        : "")
                + "Work on the task you are given and finish with a concise report of what you found or did.";
        AgentLoop loop = new AgentLoop(
                gateway,
                settings,
                turn,
                Journal.nested(turn, parent.id(), kind),
                account,
                new AgentLoop.Scope(
                        model,
                        system,
                        available,
                        null,
                        explorer ? AgentLoop.ReadOnly.EXPLORER : null,
                        SUBAGENT_MAX_STEPS,
                        "a subagent's step limit"));
        try {
            String report = loop.run(List.of(new ChatMessage.User(prompt)), 0);
            return report != null ? ToolResult.ok(report) : ToolResult.error("the " + kind + " subagent was stopped");
        } catch (BudgetAccount.Exceeded e) {
            throw e;
        } catch (TurnEnded e) {
            return ToolResult.error("the " + kind + " subagent ended early: " + e.getMessage());
        }
    }

    private ModelRef model(Turn turn) {
        String id = turn.message().model() != null
                ? turn.message().model()
                : turn.session().model();
        if (id != null) {
            try {
                return ModelRef.parse(id);
            } catch (IllegalArgumentException e) {
                throw new TurnEnded(e.getMessage());
            }
        }
        ModelRef fallback = gateway.defaultModel();
        if (fallback == null) {
            throw new TurnEnded(
                    "no model is configured: set NIGHTSHIFT_MODEL (e.g. openai-compatible/<model> with "
                            + "OPENAI_COMPATIBLE_BASE_URL, or anthropic/<model> with ANTHROPIC_API_KEY) and restart the server");
        }
        return fallback;
    }

    /** The repository's AGENTS.md, else CLAUDE.md: one command in the sandbox, whichever exists. */
    private static String instructions(Turn turn) {
        try {
            ExecResult found = turn.sandbox()
                    .exec(
                            new ExecRequest(
                                    List.of(
                                            "/bin/sh",
                                            "-c",
                                            "for f in AGENTS.md CLAUDE.md; do [ -f \"$f\" ] && exec head -c "
                                                    + SystemPrompt.MAX_INSTRUCTIONS_CHARS * 4
                                                    + " -- \"$f\"; done; exit 3"),
                                    "",
                                    Map.of(),
                                    INSTRUCTIONS_TIMEOUT),
                            OutputListener.IGNORE);
            return found.exitCode() == 0 ? found.stdout() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            return null; // no sandbox: the prompt goes without the repository's instructions
        }
    }
}

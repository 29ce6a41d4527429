package dev.nightshift.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.AgentExecutor.TurnEnded;
import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ModelException;
import dev.nightshift.agent.model.ModelGateway;
import dev.nightshift.agent.model.ModelListener;
import dev.nightshift.agent.model.ModelRef;
import dev.nightshift.agent.model.ModelRequest;
import dev.nightshift.agent.model.ModelResponse;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.agent.model.ToolSpec;
import dev.nightshift.agent.tools.Tool;
import dev.nightshift.agent.tools.ToolContext;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.port.TurnSuspended;
import dev.nightshift.core.sandbox.Sandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The agent loop, one for a turn and for a subagent alike: ask the model, record its answer and
 * the step's cost, run the tools it called, until it answers without tool calls. On the way it
 * keeps the guards: the step limit, the budgets (charged to one {@link BudgetAccount} per turn,
 * which a subagent's steps roll up into), stuck-loop detection, and a context overflow handled by
 * masking old tool outputs, then by condensing the conversation into a summary. What differs
 * between a turn and a subagent is its {@link Scope} and its {@link Journal}.
 *
 * <p>Runs on the turn's thread; a subagent's loop runs inside its parent's {@code task} call.
 */
final class AgentLoop {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tool outputs kept whole when the context overflows; older ones are masked first. */
    static final int KEEP_RECENT_TOOL_OUTPUTS = 6;

    static final String MASKED = "[older tool output elided to fit the context window]";
    static final String SUMMARY_REQUEST = "Summarise this conversation for yourself so you can continue the work: "
            + "the task, decisions made, files changed, the current state, and the next steps. Be concise and specific.";

    /** A tool the loop hands a call to whole (the call's id included): the {@code task} tool. */
    interface Delegate {
        ToolSpec spec();

        ToolResult run(ToolCall call, JsonNode arguments) throws InterruptedException;
    }

    /**
     * What a loop may do.
     *
     * @param tools the tools it may call
     * @param delegate a tool that starts a loop of its own, or null (subagents start no subagents)
     * @param readOnly how the loop's tools are kept from changing anything (they see a read-only view
     *     of the sandbox and writing tools refuse), or null when they may change things
     * @param maxSteps model answers before the loop is ended
     * @param stepLimit what the limit is called, in the message that ends the loop
     */
    record Scope(
            ModelRef model,
            String system,
            List<Tool> tools,
            Delegate delegate,
            ReadOnly readOnly,
            int maxSteps,
            String stepLimit) {}

    /**
     * Why a loop may not change anything, in the words its refusals use.
     *
     * @param refusal what a refused writing tool answers ({@code %s}: the tool); null: the explorer's words
     * @param note the line before a command's output on the read-only view; null: the explorer's
     * @param sandbox what a refused change of the sandbox says
     */
    record ReadOnly(String refusal, String note, String sandbox) {
        static final ReadOnly EXPLORER = new ReadOnly(null, null, ReadOnlySandbox.EXPLORER);
        static final ReadOnly UNTIL_PLAN_APPROVED = new ReadOnly(
                "%s is refused: nothing may change in this session before a member approves your plan. Investigate "
                        + "with the read-only tools, then propose the plan with propose_plan and wait for the review",
                "[read-only until your plan is approved: the workspace is read-only here and commands that write fail]\n",
                "nothing may change before the plan is approved");
    }

    private final ModelGateway gateway;
    private final AgentSettings settings;
    private final Turn turn;
    private final Journal journal;
    private final BudgetAccount account;
    private final Scope scope;
    /** The question this loop's turn paused for; set on the turn's thread by {@code ask}. */
    private String pausedFor;

    AgentLoop(
            ModelGateway gateway,
            AgentSettings settings,
            Turn turn,
            Journal journal,
            BudgetAccount account,
            Scope scope) {
        this.gateway = gateway;
        this.settings = settings;
        this.turn = turn;
        this.journal = journal;
        this.account = account;
        this.scope = scope;
    }

    /**
     * Runs from {@code messages} (without the system prompt), of which {@code steps} answers were
     * already taken in this turn, until the model finishes.
     *
     * @return the model's final text, or null when the turn was stopped or paused for an answer
     *     ({@link #paused()})
     * @throws TurnEnded when a guard ends the loop ({@link BudgetAccount.Exceeded} for a budget)
     */
    String run(List<ChatMessage> messages, int steps) throws InterruptedException {
        List<ChatMessage> conversation = new ArrayList<>(messages);
        StuckDetector stuck = new StuckDetector(settings.stuckRepeats());
        int step = steps;
        int masking = 0;
        while (!turn.stopRequested()) {
            if (step >= scope.maxSteps()) {
                throw new TurnEnded("stopped after " + scope.maxSteps() + " steps (" + scope.stepLimit() + ")");
            }
            journal.stepStarted(step + 1, scope.model());
            ModelResponse response;
            Journal.Streamer streamer = journal.streamer();
            try {
                response = gateway.stream(
                        new ModelRequest(
                                scope.model(),
                                withSystem(masked(conversation, masking)),
                                specs(),
                                settings.maxOutputTokens()),
                        streamer,
                        turn::stopRequested);
            } catch (ModelException e) {
                streamer.flush();
                if (e.kind() == ModelException.Kind.CONTEXT_OVERFLOW && masking == 0) {
                    masking = 1; // first mask old tool outputs; the log itself is never rewritten
                    continue;
                }
                if (e.kind() == ModelException.Kind.CONTEXT_OVERFLOW) {
                    conversation = condense(conversation);
                    masking = 0;
                    continue;
                }
                if (e.kind() == ModelException.Kind.CANCELLED) {
                    return null;
                }
                throw new TurnEnded(
                        "the model call failed (" + e.kind().name().toLowerCase(Locale.ROOT) + "): " + e.getMessage());
            }
            streamer.flush();
            step++;
            double cost = gateway.costUsd(response.model(), response.usage());
            account.charge(response.usage(), cost);
            journal.answered(step, response, cost);
            journal.stepFinished(step, response.usage(), cost, account);
            conversation.add(new ChatMessage.Assistant(response.text(), response.toolCalls()));
            if (response.toolCalls().isEmpty()) {
                return response.text(); // a natural finish
            }
            List<ChatMessage.Attachment> shots = new ArrayList<>();
            for (ToolCall call : response.toolCalls()) {
                if (turn.stopRequested()) {
                    return null;
                }
                journal.toolCalled(call);
                ToolResult result = dispatch(call);
                if (pausedFor != null) {
                    // the turn waits for a person: its result is the answer, written when the turn goes on
                    return null;
                }
                journal.toolAnswered(call, result);
                conversation.add(new ChatMessage.ToolResult(call.id(), call.name(), result.content(), result.error()));
                shots.addAll(Conversation.screenshots(Journal.mediaRefs(result)));
                String loop = stuck.record(call.name(), call.argumentsJson(), result.content(), result.error());
                if (loop != null) {
                    throw new TurnEnded("stopped a loop: " + loop);
                }
            }
            if (!shots.isEmpty()) {
                // the model sees the screenshots its calls took (if it sees images), after all the step's results
                conversation.add(ChatMessage.User.media(shots));
                conversation = new ArrayList<>(PromptAttachments.resolve(conversation, turn::attachment, turn::media));
            }
            account.check();
        }
        return null;
    }

    private ToolResult dispatch(ToolCall call) throws InterruptedException {
        Tool tool = scope.tools().stream()
                .filter(t -> t.spec().name().equals(call.name()))
                .findFirst()
                .orElse(null);
        boolean delegated = tool == null
                && scope.delegate() != null
                && scope.delegate().spec().name().equals(call.name());
        if (tool == null && !delegated) {
            return ToolResult.error("there is no tool '" + call.name() + "'; the tools are: "
                    + specs().stream().map(ToolSpec::name).toList());
        }
        JsonNode arguments;
        try {
            arguments = call.argumentsJson() == null || call.argumentsJson().isBlank()
                    ? JSON.createObjectNode()
                    : JSON.readTree(call.argumentsJson());
        } catch (Exception e) {
            return ToolResult.error("the arguments are not valid JSON ("
                    + e.getMessage().split("\n")[0] + "); send one JSON object matching the tool's schema");
        }
        if (!arguments.isObject()) {
            return ToolResult.error("the arguments must be a JSON object, got " + arguments.getNodeType());
        }
        if (delegated) {
            return scope.delegate().run(call, arguments);
        }
        Context context = new Context(call);
        if (!tool.readOnly() && context.readOnly()) {
            return ToolResult.error(context.writeRefused(call.name())); // whatever the tool itself checks
        }
        try {
            return tool.run(arguments, context);
        } catch (InterruptedException | TurnSuspended e) {
            throw e; // a stop, or a turn parked until other sessions are done: not the tool's failure
        } catch (RuntimeException e) {
            return ToolResult.error("the tool failed: " + e.getMessage());
        }
    }

    /** Asks the model for a summary, records it, and continues from the summary alone. */
    private List<ChatMessage> condense(List<ChatMessage> conversation) {
        List<ChatMessage> request = new ArrayList<>(masked(conversation, 1));
        request.add(new ChatMessage.User(SUMMARY_REQUEST));
        ModelResponse summary;
        try {
            summary = gateway.stream(
                    new ModelRequest(scope.model(), withSystem(request), List.of(), settings.maxOutputTokens()),
                    ModelListener.IGNORE,
                    turn::stopRequested);
        } catch (ModelException e) {
            throw new TurnEnded(
                    "the conversation no longer fits the model's context window and could not be condensed: "
                            + e.getMessage());
        }
        return journal.compacted(summary.text());
    }

    private static List<ChatMessage> masked(List<ChatMessage> messages, int level) {
        if (level == 0) {
            return messages;
        }
        int results = (int) messages.stream()
                .filter(m -> m instanceof ChatMessage.ToolResult)
                .count();
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

    private List<ChatMessage> withSystem(List<ChatMessage> messages) {
        List<ChatMessage> all = new ArrayList<>(messages.size() + 1);
        all.add(new ChatMessage.System(scope.system()));
        all.addAll(messages);
        return all;
    }

    /** The id of the question the turn paused for in this loop, or null when it did not pause. */
    String paused() {
        return pausedFor;
    }

    private List<ToolSpec> specs() {
        List<ToolSpec> all =
                new ArrayList<>(scope.tools().stream().map(Tool::spec).toList());
        if (scope.delegate() != null) {
            all.add(scope.delegate().spec());
        }
        return all;
    }

    /**
     * What one tool call of this loop may use: the sandbox (a read-only view when the scope is
     * read-only), the log, the stop signal, and the people (a turn's own loop only).
     */
    private final class Context implements ToolContext {
        private final ToolCall call;
        private Sandbox sandbox;

        Context(ToolCall call) {
            this.call = call;
        }

        @Override
        public Sandbox sandbox() {
            if (sandbox == null) {
                sandbox = scope.readOnly() != null
                        ? new ReadOnlySandbox(turn.sandbox(), scope.readOnly().sandbox())
                        : turn.sandbox();
            }
            return sandbox;
        }

        @Override
        public void emit(EventPayload payload) {
            turn.emit(payload);
        }

        @Override
        public boolean readOnly() {
            return scope.readOnly() != null;
        }

        @Override
        public String writeRefused(String tool) {
            return scope.readOnly() != null && scope.readOnly().refusal() != null
                    ? scope.readOnly().refusal().formatted(tool)
                    : ToolContext.super.writeRefused(tool);
        }

        @Override
        public String readOnlyNote() {
            return scope.readOnly() != null && scope.readOnly().note() != null
                    ? scope.readOnly().note()
                    : ToolContext.super.readOnlyNote();
        }

        @Override
        public dev.nightshift.core.model.Artifact keepMedia(
                dev.nightshift.core.port.Media media, java.io.InputStream content) throws java.io.IOException {
            return turn.keepMedia(media, content);
        }

        @Override
        public java.util.Optional<String> ask(dev.nightshift.core.port.Ask ask) {
            if (!journal.resumable()) {
                return java.util.Optional.empty(); // a subagent's call cannot become a turn's answer
            }
            java.util.Optional<String> asked =
                    turn.ask(new dev.nightshift.core.port.Ask(call.id(), ask.kind(), ask.questions(), ask.plan()));
            asked.ifPresent(id -> pausedFor = id);
            return asked;
        }

        @Override
        public boolean stopRequested() {
            return turn.stopRequested();
        }
    }
}

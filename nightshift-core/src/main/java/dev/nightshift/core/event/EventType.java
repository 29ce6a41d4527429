package dev.nightshift.core.event;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The catalogue of the event types the platform writes to a session's log: each with its wire
 * name (the {@code type} clients see) and the record that is its payload ({@code data}). Clients
 * (the CLI's printer, the web UI's timeline) render every one of them; {@code openapi.json}
 * documents each payload as the schema {@code EventData.<wire name>}, and tests keep both in step
 * with this enum. The store itself takes any type name, so an executor may still log its own.
 */
public enum EventType {
    /** A prompt's turn started: the prompt as written. */
    USER_MESSAGE("user_message", EventPayload.UserMessage.class),
    /** Streamed model text, for live display only. */
    TOKEN("token", EventPayload.Token.class),
    /** A model call starts. */
    STEP_START("step_start", EventPayload.StepStart.class),
    /** A model call ended: its usage and cost, and the turn's and session's running costs. */
    STEP_FINISH("step_finish", EventPayload.StepFinish.class),
    /** One whole model answer; the conversation is rebuilt from these. */
    ASSISTANT_MESSAGE("assistant_message", EventPayload.AssistantMessage.class),
    /** A tool is about to run. */
    TOOL_CALL("tool_call", EventPayload.ToolCall.class),
    /** A tool has run. */
    TOOL_RESULT("tool_result", EventPayload.ToolResult.class),
    /** One model answer of a subagent started by the {@code task} tool call {@code parentCallId}. */
    SUBAGENT_MESSAGE("subagent_message", EventPayload.SubagentMessage.class),
    /** A subagent's tool is about to run. */
    SUBAGENT_TOOL_CALL("subagent_tool_call", EventPayload.SubagentToolCall.class),
    /** A subagent's tool has run. */
    SUBAGENT_TOOL_RESULT("subagent_tool_result", EventPayload.SubagentToolResult.class),
    /** The agent replaced the session's todo list. */
    TODO("todo", EventPayload.Todo.class),
    /** Everything up to {@code throughSeq} is replaced by a summary in the model's view. */
    CONTEXT_COMPACTED("context_compacted", EventPayload.ContextCompacted.class),
    /** The model gateway switched to a fallback model. */
    MODEL_FALLBACK("model_fallback", EventPayload.ModelFallback.class),
    /** The agent asked the session's members one to four questions; its turn waits for the answer. */
    QUESTION("question", EventPayload.Question.class),
    /** A member answered the agent's question, or it timed out; the turn goes on. */
    ANSWER("answer", EventPayload.Answer.class),
    /** The agent proposed its plan (a plan-first session); its turn waits for a member's approval. */
    PLAN("plan", EventPayload.Plan.class),
    /** A member approved the plan (perhaps edited) or asked for changes, or the wait timed out. */
    PLAN_REVIEW("plan_review", EventPayload.PlanReview.class),
    /** Something failed, saying what. */
    ERROR("error", EventPayload.Error.class),
    /** A turn ended. */
    TURN_COMPLETE("turn_complete", EventPayload.TurnComplete.class),
    /** A turn was taken over by another node after the one running it died. */
    TURN_RESUMED("turn_resumed", EventPayload.TurnResumed.class),
    /** An artifact (branch, pull request, preview URL) was added or changed. */
    ARTIFACT("artifact", EventPayload.Artifact.class),
    /** A git step of the control plane: checkout, commit, push, pull request, or its failure. */
    GIT("git", EventPayload.Git.class),
    /** The session's sandbox changed state. */
    SANDBOX_STATUS("sandbox_status", EventPayload.SandboxStatus.class),
    /** A repository hook ({@code .nightshift/setup.sh}, {@code start.sh}) ran in the sandbox. */
    SANDBOX_HOOK("sandbox_hook", EventPayload.SandboxHook.class),
    /** The sandbox's egress proxy refused a connection. */
    SANDBOX_NETWORK("sandbox_network", EventPayload.SandboxNetwork.class),
    /**
     * The first event of a fork: the session it branched from, at which of its turns' ends, and what its
     * workspace started from. The model's view begins with the parent's conversation up to there.
     */
    FORKED_FROM("forked_from", EventPayload.ForkedFrom.class),
    /** A child session this session's agent started, when it started and each time one of its turns ends. */
    CHILD_SESSION("child_session", EventPayload.ChildSession.class),
    /** What a member typed in the session's terminal, a line (or a pause's worth) at a time. */
    TERMINAL_INPUT("terminal_input", EventPayload.TerminalInput.class);

    private static final Map<String, EventType> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::wire, Function.identity()));
    private static final Map<Class<?>, EventType> BY_PAYLOAD =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::payload, Function.identity()));

    private final String wire;
    private final Class<? extends EventPayload> payload;

    EventType(String wire, Class<? extends EventPayload> payload) {
        this.wire = wire;
        this.payload = payload;
    }

    /** The name in the log and on the wire. */
    public String wire() {
        return wire;
    }

    /** The record that is this type's {@code data}. */
    public Class<? extends EventPayload> payload() {
        return payload;
    }

    /** The catalogue's type of this wire name; empty for a type an executor made up. */
    public static Optional<EventType> fromWire(String wire) {
        return Optional.ofNullable(wire == null ? null : BY_WIRE.get(wire));
    }

    static EventType of(Class<? extends EventPayload> payload) {
        EventType type = BY_PAYLOAD.get(payload);
        if (type == null) {
            throw new IllegalStateException(payload.getName() + " is not in the event catalogue");
        }
        return type;
    }
}

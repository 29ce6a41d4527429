package dev.nightshift.agent;

/** The event types the agent writes, and what their data holds. */
public final class AgentEvents {
    private AgentEvents() {}

    /** {@code {step, model, text, toolCalls:[{id,name,arguments}], finishReason, usage, costUsd}}: one model answer. */
    public static final String ASSISTANT_MESSAGE = "assistant_message";
    /** {@code {text}}: streamed text, coarse-grained, for live display only (never read back). */
    public static final String TOKEN = "token";
    /** {@code {step, model}}. */
    public static final String STEP_START = "step_start";
    /**
     * {@code {step, usage, costUsd, turnCostUsd, sessionCostUsd}}: one model answer's usage and the
     * running totals, a subagent's too (with {@code parentCallId, kind}); the session's spending is
     * the sum of their {@code costUsd}.
     */
    public static final String STEP_FINISH = "step_finish";
    /** {@code {callId, name, arguments}}: written before the tool runs. */
    public static final String TOOL_CALL = "tool_call";
    /** {@code {callId, name, content, error}}: written when it has run. */
    public static final String TOOL_RESULT = "tool_result";
    /** {@code {summary, throughSeq}}: everything up to throughSeq is replaced by the summary in the model's view. */
    public static final String CONTEXT_COMPACTED = "context_compacted";
    /** {@code {from, to, reason}}: the gateway switched models. */
    public static final String MODEL_FALLBACK = "model_fallback";
    /** {@code {message}}: the turn ended early (limit, loop, model failure), saying why. */
    public static final String ERROR = "error";
    public static final String USER_MESSAGE = "user_message";
}

package dev.nightshift.core.model;

/** The event types the platform itself writes; executors may add their own. */
public final class EventTypes {
    private EventTypes() {}

    public static final String USER_MESSAGE = "user_message";
    public static final String TOKEN = "token";
    public static final String STEP_START = "step_start";
    public static final String STEP_FINISH = "step_finish";
    public static final String TOOL_CALL = "tool_call";
    public static final String TOOL_RESULT = "tool_result";
    public static final String TODO = "todo";
    public static final String ARTIFACT = "artifact";
    public static final String GIT = "git";
    public static final String SANDBOX_STATUS = "sandbox_status";
    public static final String ERROR = "error";
    public static final String TURN_COMPLETE = "turn_complete";
    public static final String CONTEXT_COMPACTED = "context_compacted";
}

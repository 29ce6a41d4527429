package dev.nightshift.agent.tools;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.sandbox.Sandbox;

/** What a running tool may use: the sandbox, the session log, and the stop signal. */
public interface ToolContext {
    Sandbox sandbox();

    /** Appends an event to the session log (e.g. the todo list), durably. */
    void emit(EventPayload payload);

    /** True for an explorer subagent: nothing may be written. */
    boolean readOnly();

    boolean stopRequested();
}

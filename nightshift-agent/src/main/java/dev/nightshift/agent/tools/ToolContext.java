package dev.nightshift.agent.tools;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.port.Ask;
import dev.nightshift.core.sandbox.Sandbox;
import java.util.Optional;

/** What a running tool may use: the sandbox, the session log, the stop signal, and the people. */
public interface ToolContext {
    Sandbox sandbox();

    /** Appends an event to the session log (e.g. the todo list), durably. */
    void emit(EventPayload payload);

    /**
     * True when nothing may be written: an explorer subagent, a read-only session, or a plan-first
     * session whose plan is not approved yet.
     */
    boolean readOnly();

    boolean stopRequested();

    /** What the model reads when {@code tool}, which writes, is refused because {@link #readOnly()}. */
    default String writeRefused(String tool) {
        return BaseTool.READ_ONLY_REFUSAL.formatted(tool);
    }

    /** The line before a command's output when it ran on the read-only view of the workspace. */
    default String readOnlyNote() {
        return BashTool.READ_ONLY_NOTE;
    }

    /**
     * Asks the session's members and pauses the turn (the ask's call id is filled in by the loop):
     * once this returns an id the turn has ended for now, and the loop returns without the call's
     * result, which the answer becomes when the turn goes on. Empty when this loop cannot ask (a
     * subagent) or the turn was stopped first.
     */
    default Optional<String> ask(Ask ask) {
        return Optional.empty();
    }

    /**
     * Keeps a screenshot or video as one of the session's artifacts (see {@link
     * dev.nightshift.core.port.Turn#keepMedia}).
     *
     * @throws dev.nightshift.core.port.Media.Refused past a limit, with the limit in the message
     */
    default dev.nightshift.core.model.Artifact keepMedia(
            dev.nightshift.core.port.Media media, java.io.InputStream content) throws java.io.IOException {
        throw new java.io.IOException("this tool call cannot keep screenshots or videos");
    }
}

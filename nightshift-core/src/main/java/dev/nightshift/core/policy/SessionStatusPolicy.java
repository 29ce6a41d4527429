package dev.nightshift.core.policy;

import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.core.model.SessionStatus;

/** How a session's status follows its prompts. */
public final class SessionStatusPolicy {
    private SessionStatusPolicy() {}

    public static boolean acceptsPrompts(SessionStatus status) {
        return status != SessionStatus.ARCHIVED;
    }

    /** Status once a turn ended: still active while prompts wait, else the outcome of the last turn. */
    public static SessionStatus afterTurn(MessageStatus outcome, boolean morePromptsWaiting) {
        if (morePromptsWaiting) {
            return SessionStatus.ACTIVE;
        }
        return outcome == MessageStatus.COMPLETED ? SessionStatus.COMPLETED : SessionStatus.FAILED;
    }
}

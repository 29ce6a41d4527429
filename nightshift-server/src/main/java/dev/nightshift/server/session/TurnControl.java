package dev.nightshift.server.session;

import dev.nightshift.core.model.Message;
import java.util.Optional;

/**
 * What the session service asks of the turn dispatcher: run what was just queued, stop what runs.
 * Declared here rather than naming the dispatcher, so sessions do not depend on the turn machinery
 * (which depends on the live log, whose endpoints ask sessions who may watch). Both methods are
 * called on the request thread and return at once.
 */
public interface TurnControl {
    /** A prompt was queued for this session: make sure a runner on this node looks at it. */
    void kick(String sessionId);

    /** Stops the session's running turn, if any (also one waiting for an answer); returns the stopped message. */
    Optional<Message> stop(String sessionId);

    /**
     * An answer (or a question's timeout) made this waiting prompt processing again, claimed by this
     * node ({@link #nodeId()}): run it as a resumed turn.
     */
    default void resume(Message message) {
        throw new UnsupportedOperationException("this node runs no turns");
    }

    /** The node that claims what it resumes; the store records it as the prompt's owner. */
    default String nodeId() {
        throw new UnsupportedOperationException("this node runs no turns");
    }

    /** How long a claimed prompt stays this node's before another may take it over. */
    default java.time.Duration lease() {
        throw new UnsupportedOperationException("this node runs no turns");
    }
}

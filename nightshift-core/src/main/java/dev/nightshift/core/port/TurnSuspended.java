package dev.nightshift.core.port;

import java.util.List;

/**
 * Thrown by an executor to park its turn until other sessions have finished their work, without a
 * thread waiting: the prompt stays processing (its queue stays blocked, it can be stopped) but no node
 * holds it, and the dispatcher resumes it, as a resumed turn, once every session named here is idle.
 * The executor then rebuilds the turn from the log and goes on from the call that waited.
 */
public final class TurnSuspended extends RuntimeException {
    private final List<String> sessionIds;

    /** @param sessionIds the sessions the turn waits for; at least one */
    public TurnSuspended(List<String> sessionIds) {
        super(
                "waiting for " + sessionIds.size() + (sessionIds.size() == 1 ? " session" : " sessions"),
                null,
                false,
                false);
        if (sessionIds.isEmpty()) {
            throw new IllegalArgumentException("a suspended turn waits for at least one session");
        }
        this.sessionIds = List.copyOf(sessionIds);
    }

    public List<String> sessionIds() {
        return sessionIds;
    }
}

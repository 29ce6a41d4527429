package dev.nightshift.server.turn;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The turns running on this node, one per session at most. The dispatcher adds and removes them
 * on its runner threads; the sandbox manager asks {@link #isRunning} from its idle timer (it never
 * hibernates a sandbox under a turn). Built before both, so neither needs the other to exist
 * first. Thread-safe.
 */
public final class RunningTurns {
    private final Map<String, ActiveTurn> turns = new ConcurrentHashMap<>();

    /** Whether a turn of this session runs on this node right now. */
    public boolean isRunning(String sessionId) {
        return turns.containsKey(sessionId);
    }

    public int count() {
        return turns.size();
    }

    ActiveTurn get(String sessionId) {
        return turns.get(sessionId);
    }

    void add(ActiveTurn turn) {
        turns.put(turn.session().id(), turn);
    }

    void remove(ActiveTurn turn) {
        turns.remove(turn.session().id(), turn);
    }

    /** A copy: the turns running when asked. */
    Collection<ActiveTurn> all() {
        return List.copyOf(turns.values());
    }
}

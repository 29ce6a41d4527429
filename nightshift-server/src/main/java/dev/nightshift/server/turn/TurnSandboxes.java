package dev.nightshift.server.turn;

import dev.nightshift.core.sandbox.Sandbox;

/** What the dispatcher asks of the sandbox manager during a turn. */
public interface TurnSandboxes {
    TurnSandboxes NONE = new TurnSandboxes() {
        @Override
        public Sandbox acquire(String sessionId) {
            throw new dev.nightshift.core.sandbox.SandboxException("no sandboxes on this server");
        }

        @Override
        public void killAll(String sessionId) {}

        @Override
        public void touch(String sessionId) {}

        @Override
        public boolean available() {
            return false;
        }
    };

    /** Whether this server has sandboxes at all (a server without them runs executors that need none). */
    default boolean available() {
        return true;
    }

    /** The session's sandbox, ready (created or resumed as needed). */
    Sandbox acquire(String sessionId);

    /** Stop: kill everything the turn started. */
    void killAll(String sessionId);

    /** A turn is real activity: it keeps the sandbox from hibernating. */
    void touch(String sessionId);
}

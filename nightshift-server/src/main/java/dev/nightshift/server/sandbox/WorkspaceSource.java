package dev.nightshift.server.sandbox;

import dev.nightshift.core.model.Session;
import dev.nightshift.core.sandbox.Sandbox;

/** Fills a fresh sandbox's workspace with the session's repository (the git integration). */
@FunctionalInterface
public interface WorkspaceSource {
    WorkspaceSource NONE = (session, sandbox) -> null;

    /** Checks the repository out; returns what was checked out, for the log. Throws when it could not. */
    String seed(Session session, Sandbox sandbox) throws Exception;

    /**
     * Makes a fork's sandbox, which holds a copy of its parent's workspace, the fork's own (its own work
     * branch); returns what is checked out, for the log. Throws when it could not.
     */
    default String adopt(Session fork, Sandbox sandbox) throws Exception {
        return null;
    }
}

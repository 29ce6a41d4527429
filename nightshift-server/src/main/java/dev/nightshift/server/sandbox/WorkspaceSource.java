package dev.nightshift.server.sandbox;

import dev.nightshift.core.model.Session;
import dev.nightshift.core.sandbox.Sandbox;

/** Fills a fresh sandbox's workspace with the session's repository (the git integration). */
@FunctionalInterface
public interface WorkspaceSource {
    WorkspaceSource NONE = (session, sandbox) -> null;

    /** Checks the repository out; returns what was checked out, for the log. Throws when it could not. */
    String seed(Session session, Sandbox sandbox) throws Exception;
}

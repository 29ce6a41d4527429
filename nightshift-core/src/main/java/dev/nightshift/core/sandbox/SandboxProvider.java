package dev.nightshift.core.sandbox;

import java.io.InputStream;
import java.util.List;

/**
 * Makes sandboxes: bubblewrap on one machine, later Kubernetes pods. The agent, the dispatcher and
 * the lifecycle manager only ever see this interface.
 */
public interface SandboxProvider extends AutoCloseable {
    /** "bubblewrap", "process", "kubernetes". */
    String name();

    /** What isolation and limits are really in force here, for the start-up report. */
    List<String> capabilities();

    /** Creates a fresh, empty sandbox. */
    Sandbox create(SandboxSpec spec);

    /** Creates a sandbox from an archive written by {@link Sandbox#hibernate}. */
    Sandbox restore(SandboxSpec spec, InputStream archive);

    /**
     * Creates a sandbox whose workspace is a copy of {@code source}'s as it is now (its home starts
     * empty), for a fork. The source keeps running and is never paused; what its processes change while
     * the copy is taken may or may not be in it.
     *
     * @throws SandboxException when {@code source} is not one of this provider's live sandboxes, or the
     *     copy failed
     */
    default Sandbox copy(SandboxSpec spec, Sandbox source) {
        throw new SandboxException(name() + " sandboxes cannot be copied");
    }

    /** Removes sandboxes left behind by a control plane that crashed; returns how many. */
    int removeOrphans();

    @Override
    void close();
}

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

    /** Removes sandboxes left behind by a control plane that crashed; returns how many. */
    int removeOrphans();

    @Override
    void close();
}

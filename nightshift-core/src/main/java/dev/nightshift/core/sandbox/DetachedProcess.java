package dev.nightshift.core.sandbox;

import java.time.Instant;

/**
 * A background process (a dev server, a watcher) that outlives the call that started it.
 *
 * @param exitCode null while it runs
 */
public record DetachedProcess(String id, String command, Instant startedAt, Integer exitCode) {
    public boolean running() {
        return exitCode == null;
    }
}

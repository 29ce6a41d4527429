package dev.nightshift.sandbox;

import java.nio.file.Path;

/** Notices new out-of-memory kills in a cgroup: the kernel's {@code oom_kill} count went up since the last look. */
final class OomCounter {
    private final Path file;
    private long seen;

    /** @param file {@code memory.oom_control} (v1) or {@code memory.events} (v2) */
    OomCounter(Path file) {
        this.file = file;
        this.seen = count();
    }

    synchronized boolean killedSinceLastCheck() {
        long now = count();
        boolean killed = now > seen;
        seen = now;
        return killed;
    }

    private long count() {
        return Cgroups.readLong(file, "oom_kill").orElse(0L);
    }
}

package dev.nightshift.core.sandbox;

import java.time.Duration;

/**
 * How a command ended. The captured output keeps at most the sandbox's output limit: the head
 * and the tail, with {@code truncatedBytes} saying how much of the middle was dropped.
 *
 * @param exitCode the process's exit status (128 + signal when killed)
 * @param timedOut it ran past its timeout and was killed
 * @param cancelled it was killed because the caller was interrupted or the sandbox was stopped
 */
public record ExecResult(
        int exitCode,
        boolean timedOut,
        boolean cancelled,
        Duration elapsed,
        String stdout,
        String stderr,
        long truncatedBytes) {
    public boolean succeeded() {
        return exitCode == 0 && !timedOut && !cancelled;
    }
}

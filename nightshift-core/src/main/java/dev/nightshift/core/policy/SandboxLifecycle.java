package dev.nightshift.core.policy;

import dev.nightshift.core.sandbox.SandboxState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Pure decisions about a sandbox's life; the manager that acts on them is separate and thin. */
public final class SandboxLifecycle {
    private SandboxLifecycle() {}

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int BREAKER_FAILURES = 3;
    public static final Duration BREAKER_WINDOW = Duration.ofMinutes(5);

    /** What to do about an idle sandbox now. */
    public sealed interface Hibernation {
        record Now() implements Hibernation {}

        /** Not due: check again at {@code at} (a check must always re-arm, or it never hibernates). */
        record Later(Instant at) implements Hibernation {}

        /** Nothing to hibernate (not ready). */
        record Never() implements Hibernation {}
    }

    /**
     * @param lastActivity the last real work: a prompt, a tool call, port traffic — never a status
     *     poll or a reconnect
     * @param turnRunning a turn is in progress: never hibernate under it
     */
    public static Hibernation hibernation(
            SandboxState state, Instant lastActivity, boolean turnRunning, Instant now, Duration idleTimeout) {
        if (state != SandboxState.READY) {
            return new Hibernation.Never();
        }
        Instant due = lastActivity.plus(idleTimeout);
        if (turnRunning) {
            return new Hibernation.Later(now.plus(idleTimeout));
        }
        return now.isBefore(due) ? new Hibernation.Later(due) : new Hibernation.Now();
    }

    /**
     * The spawn circuit breaker: after {@link #BREAKER_FAILURES} failed creations within
     * {@link #BREAKER_WINDOW}, no new attempt until the oldest of them leaves the window.
     */
    public record SpawnBreaker(List<Instant> failures) {
        public SpawnBreaker {
            failures = List.copyOf(failures);
        }

        public static SpawnBreaker closed() {
            return new SpawnBreaker(List.of());
        }

        public boolean allows(Instant now) {
            return recent(now).size() < BREAKER_FAILURES;
        }

        /** When the next attempt is allowed, or {@code now} if it is. */
        public Instant retryAt(Instant now) {
            List<Instant> recent = recent(now);
            return recent.size() < BREAKER_FAILURES ? now : recent.getFirst().plus(BREAKER_WINDOW);
        }

        public SpawnBreaker failed(Instant now) {
            List<Instant> next = new ArrayList<>(recent(now));
            next.add(now);
            return new SpawnBreaker(next);
        }

        public SpawnBreaker succeeded() {
            return closed();
        }

        private List<Instant> recent(Instant now) {
            return failures.stream()
                    .filter(t -> now.isBefore(t.plus(BREAKER_WINDOW)))
                    .sorted()
                    .toList();
        }
    }
}

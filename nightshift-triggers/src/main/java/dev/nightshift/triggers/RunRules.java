package dev.nightshift.triggers;

import dev.nightshift.core.automation.Automation;
import dev.nightshift.core.automation.AutomationRun;
import dev.nightshift.core.automation.AutomationRun.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules every automation's runs follow: one active run at a time (an overlapping fire is
 * recorded as skipped, naming the session still running), a run that outlives its timeout is
 * stopped, and three consecutive failed runs pause the automation with the reason shown. Pure: the
 * caller passes the automation's recent runs (any order) and the time; the store's conditional
 * writes make the decisions stick when two nodes decide at once. Thread-safe.
 */
public final class RunRules {
    /** How long a run may take before it is stopped, unless the operator says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(90);
    /** Consecutive failed runs that pause an automation. */
    public static final int FAILURES_TO_PAUSE = 3;

    private static final Comparator<AutomationRun> NEWEST_FIRST =
            Comparator.comparing(RunRules::finishedOrCreated).reversed();

    private final Duration timeout;

    public RunRules(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a run timeout must be positive, not " + timeout);
        }
        this.timeout = timeout;
    }

    /** What to do with a fire. */
    public sealed interface Fire {
        /** No run is active: start a session. */
        record Start() implements Fire {}

        /** Another run is active: record this one as {@link Status#SKIPPED} with the running session. */
        record Skip(String activeRunId, String sessionId, String reason) implements Fire {}
    }

    /** One active run per automation: start, or skip in favour of the run still active. */
    public Fire onFire(List<AutomationRun> runs) {
        return runs.stream()
                .filter(AutomationRun::active)
                .min(Comparator.comparing(AutomationRun::createdAt))
                .<Fire>map(active -> new Fire.Skip(
                        active.id(),
                        active.sessionId(),
                        "an earlier run (" + active.id() + ") is still "
                                + active.status().wire()
                                + (active.sessionId().isEmpty() ? "" : " in session " + active.sessionId())))
                .orElse(new Fire.Start());
    }

    /**
     * The active runs older than the timeout at {@code now}, to be stopped and marked failed with
     * {@link #timeoutReason()}. A run's age counts from its start, or from its creation while it has
     * none (so a run whose session never came does not block the automation forever).
     */
    public List<AutomationRun> overdue(List<AutomationRun> runs, Instant now) {
        return runs.stream()
                .filter(AutomationRun::active)
                .filter(run -> !Objects.requireNonNullElse(run.startedAt(), run.createdAt())
                        .plus(timeout)
                        .isAfter(now))
                .toList();
    }

    /** Why an overdue run was stopped, as shown in its history. */
    public String timeoutReason() {
        return "stopped after " + words(timeout) + ", the run timeout";
    }

    /**
     * The reason to pause the automation when its last {@value #FAILURES_TO_PAUSE} finished runs all
     * failed, or empty. Only runs that ended after the automation's last change count (a person who
     * resumes or fixes it gets three fresh tries); skipped and unmatched runs never count; a paused
     * automation is not paused again.
     */
    public Optional<String> pauseReason(Automation automation, List<AutomationRun> runs) {
        if (automation.paused()) {
            return Optional.empty();
        }
        List<AutomationRun> finished = runs.stream()
                .filter(run -> run.status() == Status.FAILED || run.status() == Status.SUCCEEDED)
                .filter(run -> finishedOrCreated(run).isAfter(automation.updatedAt()))
                .sorted(NEWEST_FIRST)
                .limit(FAILURES_TO_PAUSE)
                .toList();
        if (finished.size() < FAILURES_TO_PAUSE || finished.stream().anyMatch(run -> run.status() != Status.FAILED)) {
            return Optional.empty();
        }
        String last = finished.getFirst().reason();
        return Optional.of("paused after " + FAILURES_TO_PAUSE + " consecutive failed runs"
                + (last.isEmpty() ? "" : "; the last failed with: " + last)
                + "; resume it once the cause is fixed");
    }

    public Duration timeout() {
        return timeout;
    }

    private static Instant finishedOrCreated(AutomationRun run) {
        return run.endedAt() != null ? run.endedAt() : run.createdAt();
    }

    private static String words(Duration duration) {
        long minutes = duration.toMinutes();
        return minutes >= 1 && duration.equals(Duration.ofMinutes(minutes))
                ? minutes + (minutes == 1 ? " minute" : " minutes")
                : duration.toSeconds() + (duration.toSeconds() == 1 ? " second" : " seconds");
    }
}

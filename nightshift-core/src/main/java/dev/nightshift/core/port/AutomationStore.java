package dev.nightshift.core.port;

import dev.nightshift.core.automation.Automation;
import dev.nightshift.core.automation.AutomationRun;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Automations and their runs. The database keeps the run rules' invariants: one dedupe key per
 * automation, one active (fired or running) run per automation, and one node per schedule slot.
 */
public interface AutomationStore {
    /** Stores a new automation (version 1); its webhook key arrives hashed. */
    Automation create(Automation automation);

    Optional<Automation> find(String id);

    /** Every automation, or only {@code ownerId}'s when it is not null, oldest first. */
    List<Automation> list(String ownerId);

    /**
     * Replaces name, repository, base branch, prompt template, model and trigger (a rotated key
     * included) only if the stored version is still {@code expectedVersion}; the version is then
     * bumped. False when it changed meanwhile or is gone.
     */
    boolean replaceIfVersion(Automation updated, long expectedVersion);

    /** Deletes the automation with its runs. */
    boolean delete(String id);

    /** Pauses with the reason shown (a person, or three failed runs); false when already paused or gone. */
    boolean pause(String id, String reason, Instant now);

    /** False when it was not paused or is gone. */
    boolean resume(String id, Instant now);

    /** A schedule automation and the newest slot a node has taken for it (null: never fired). */
    record Scheduled(Automation automation, Instant lastFiredAt) {}

    /** Every schedule automation that is not paused: what the scheduler computes due slots from. */
    List<Scheduled> schedules();

    /**
     * Takes the schedule slot {@code slot} for this node: true for exactly one caller, however many
     * nodes race, and false for a slot not newer than the last one taken (a missed slot fires once).
     * Refused for a paused or deleted automation.
     */
    boolean claimSlot(String automationId, Instant slot);

    /** The result of adding a run. */
    sealed interface RunAdded {
        record Added(AutomationRun run) implements RunAdded {}

        /** The dedupe key was seen before: the first run, never a second session. */
        record Repeat(AutomationRun first) implements RunAdded {}

        /** The new run was active while another one is: the run still active. */
        record Busy(AutomationRun active) implements RunAdded {}
    }

    /** Adds a run; the database refuses a repeated dedupe key and a second active run. */
    RunAdded addRun(AutomationRun run);

    /**
     * Adds a run and, in the same transaction, the trigger that starts its session: once this returns
     * {@link RunAdded.Added} both are stored or, after a crash, neither is. A repeat or a busy
     * automation stores neither.
     *
     * @param trigger null for a run that starts nothing (skipped, unmatched)
     */
    RunAdded addRun(AutomationRun run, dev.nightshift.core.trigger.NewTrigger trigger, Instant now);

    /**
     * Moves an active run to {@code status}, stamping started (running) or ended (a final status);
     * a null session or reason keeps the stored one. False when the run is no longer active or gone.
     */
    boolean updateRun(String runId, AutomationRun.Status status, String sessionId, String reason, Instant now);

    Optional<AutomationRun> findRun(String runId);

    /** The automation's runs newest first, after {@code beforeRunId} when it is not null. */
    Page<AutomationRun> runs(String automationId, String beforeRunId, int limit);

    Optional<AutomationRun> activeRun(String automationId);

    /** Active runs created before {@code cutoff}, oldest first: those past their timeout. */
    List<AutomationRun> activeRunsCreatedBefore(Instant cutoff);
}

package dev.nightshift.core.automation;

import java.time.Instant;
import java.util.Objects;

/**
 * Something other than a person that starts sessions: a schedule, a webhook or a signed
 * integration ({@link AutomationTrigger}). Its sessions run as its owner, so their commits and pull
 * requests are the owner's.
 *
 * @param promptTemplate the instructions, with {@code {{ $.json.path }}} placeholders filled from a
 *     webhook's payload (always placed after the instructions, fenced as untrusted input)
 * @param paused a paused automation does not fire; {@code pausedReason} says why (set by a person,
 *     or after three consecutive failed runs)
 * @param version bumped on every change: an update writes only over the version it read
 */
public record Automation(
        String id,
        String name,
        String repository,
        String baseBranch,
        String promptTemplate,
        String model,
        String ownerId,
        AutomationTrigger trigger,
        boolean paused,
        String pausedReason,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    public Automation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(trigger, "trigger");
        pausedReason = pausedReason == null ? "" : pausedReason;
    }

    /** A copy paused with a reason (by a person, or by the run rules). */
    public Automation pause(String reason, Instant at) {
        return new Automation(
                id,
                name,
                repository,
                baseBranch,
                promptTemplate,
                model,
                ownerId,
                trigger,
                true,
                reason,
                createdAt,
                at,
                version);
    }

    /** A copy that fires again. */
    public Automation resume(Instant at) {
        return new Automation(
                id,
                name,
                repository,
                baseBranch,
                promptTemplate,
                model,
                ownerId,
                trigger,
                false,
                "",
                createdAt,
                at,
                version);
    }
}

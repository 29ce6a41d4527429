package dev.nightshift.core.trigger;

import java.time.Instant;

/**
 * The durable record of one external start. It is written before the origin is acknowledged, then
 * moves through {@link TriggerStatus}; a node working on it holds a lease ({@code claimedBy} until
 * {@code leaseUntil}) so that another node takes it over only after that node is gone.
 *
 * @param sessionId the session it started or followed up; null until then
 * @param reason why it was refused or failed; null otherwise
 * @param workBranch the branch its session works on (a pull request's head); null: a new one
 */
public record Trigger(
        String id,
        TriggerSource source,
        String actorId,
        String repository,
        String baseBranch,
        String prompt,
        String dedupeKey,
        Origin origin,
        TriggerStatus status,
        String sessionId,
        String reason,
        String claimedBy,
        Instant leaseUntil,
        Instant createdAt,
        Instant updatedAt,
        String workBranch) {}

package dev.nightshift.core.model;

import java.time.Instant;

/**
 * One piece of work: a repository, a conversation with an agent, and what came out of it.
 *
 * @param lastSeq the sequence number of the newest event (0 before the first)
 * @param origin what started it when it was not a person ({@code automation:<id>/<run>}); null otherwise
 */
public record Session(
        String id,
        String repository,
        String baseBranch,
        String workBranch,
        String model,
        String title,
        SessionStatus status,
        String creatorId,
        Source source,
        SessionSettings settings,
        String parentId,
        String sandboxRef,
        String sandboxStatus,
        long lastSeq,
        Instant createdAt,
        Instant updatedAt,
        String origin) {}

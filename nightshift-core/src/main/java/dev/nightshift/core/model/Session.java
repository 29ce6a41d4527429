package dev.nightshift.core.model;

import java.time.Instant;

/**
 * One piece of work: a repository, a conversation with an agent, and what came out of it.
 *
 * @param lastSeq the sequence number of the newest event (0 before the first)
 * @param origin what started it when it was not a person ({@code automation:<id>/<run>}); null otherwise
 * @param parentId the session it came from: the one it was forked from, or the one whose agent started it
 * @param forkedAtSeq for a fork: the parent's event (a turn's end) its conversation and workspace start
 *     from; null for every other session (a child session started by an agent starts afresh)
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
        String origin,
        Long forkedAtSeq) {
    /** A session that is not a fork. */
    public Session(
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
            String origin) {
        this(
                id,
                repository,
                baseBranch,
                workBranch,
                model,
                title,
                status,
                creatorId,
                source,
                settings,
                parentId,
                sandboxRef,
                sandboxStatus,
                lastSeq,
                createdAt,
                updatedAt,
                origin,
                null);
    }

    /** Whether this session is a fork: its conversation starts with its parent's, up to {@link #forkedAtSeq}. */
    public boolean isFork() {
        return forkedAtSeq != null;
    }

    /** Whether this session was started by another session's agent (a child, not a fork). */
    public boolean isChild() {
        return parentId != null && forkedAtSeq == null;
    }
}

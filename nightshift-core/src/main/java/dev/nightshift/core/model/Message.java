package dev.nightshift.core.model;

import java.time.Instant;

/**
 * A prompt in a session's queue.
 *
 * @param position 1-based place among the session's unfinished prompts when it was enqueued
 * @param clientRequestId the sender's idempotency key: a retried send returns this message again
 * @param claimedBy the control-plane node running it while {@code processing}
 */
public record Message(
        String id,
        String sessionId,
        long queueSeq,
        String authorId,
        Source source,
        String content,
        String model,
        String clientRequestId,
        MessageStatus status,
        String error,
        String claimedBy,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {}

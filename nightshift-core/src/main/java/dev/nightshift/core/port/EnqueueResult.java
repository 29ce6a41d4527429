package dev.nightshift.core.port;

import dev.nightshift.core.model.Message;

/** What happened to a prompt sent to a session's queue. */
public sealed interface EnqueueResult {
    /**
     * The prompt is in the queue.
     *
     * @param created false when this is the original message of a retried {@code clientRequestId}
     * @param position 1-based place among the unfinished prompts (1 = running or next)
     */
    record Accepted(Message message, int position, boolean created) implements EnqueueResult {}

    /** The session already has the maximum number of unfinished prompts. */
    record QueueFull(int unfinished) implements EnqueueResult {}

    record UnknownSession() implements EnqueueResult {}
}

package dev.nightshift.core.port;

import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.core.model.NewMessage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The prompt queue. FIFO per session; at most one {@code processing} message per session, and at
 * most {@code maxUnfinished} unfinished ones, both enforced inside the database transaction.
 */
public interface MessageStore {
    EnqueueResult enqueue(NewMessage message, int maxUnfinished, Instant now);

    Optional<Message> get(String id);

    /** Pending, processing and waiting messages, oldest first. */
    List<Message> unfinished(String sessionId);

    /**
     * Atomically moves the session's oldest pending message to {@code processing}, owned by
     * {@code nodeId} until {@code leaseUntil}. Empty when nothing is pending or one is already
     * processing or waiting for an answer.
     */
    Optional<Message> claimNext(String sessionId, String nodeId, Instant leaseUntil, Instant now);

    /** {@code pending → cancelled}; false when the message is not pending in that session. */
    boolean cancel(String sessionId, String messageId, Instant now);

    /**
     * {@code processing | waiting → terminal} (a waiting turn's open question is cancelled with it);
     * false when it was neither (e.g. already stopped).
     */
    boolean finish(String messageId, MessageStatus terminal, String error, Instant now);

    /**
     * {@link #finish} and the turn's closing events (its error, {@code turn_complete}) in one
     * transaction: a crash can never leave a finished prompt without its end in the log, or an end
     * in the log of a prompt still processing. Empty when it was no longer processing or waiting.
     */
    java.util.Optional<java.util.List<dev.nightshift.core.model.Event>> finish(
            String messageId,
            MessageStatus terminal,
            String error,
            java.util.List<dev.nightshift.core.model.NewEvent> endEvents,
            Instant now);

    /** Extends the lease of every message this node is processing. */
    int renewLeases(String nodeId, Instant leaseUntil);

    /** Processing messages whose lease ran out before {@code now}: their node died (parked ones have no lease). */
    List<Message> expiredLeases(Instant now);

    /** Takes over an orphaned message by compare-and-set on its previous claimer. */
    boolean takeOver(String messageId, String previousNodeId, String nodeId, Instant leaseUntil);

    /** Sessions with a pending message and none processing or waiting: work to dispatch at start. */
    List<String> sessionsWaitingForDispatch();

    /**
     * A processing prompt whose turn waits for other sessions without holding a thread.
     *
     * @param sessionIds the sessions it waits for
     */
    record Waiting(Message message, List<String> sessionIds) {
        public Waiting {
            sessionIds = List.copyOf(sessionIds);
        }
    }

    /**
     * Parks {@code nodeId}'s processing prompt: it stays processing (it still blocks its queue and can be
     * stopped) but no node holds it and its lease lapses into nothing, until {@link #wake}. False when it
     * was no longer this node's processing prompt.
     */
    boolean suspend(String messageId, String nodeId, List<String> waitingFor);

    /** The parked prompts of one session (null: of every session). */
    List<Waiting> waiting(String sessionId);

    /** Claims a parked prompt for {@code nodeId}: compare-and-set, so exactly one waker resumes it. */
    boolean wake(String messageId, String nodeId, Instant leaseUntil);
}

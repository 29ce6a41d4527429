package dev.nightshift.core.trigger;

/**
 * How the origin of a trigger hears what became of it: an automation records it on the run, a chat
 * or tracker integration posts back in its thread. One sink per origin kind. Called on the
 * pipeline's worker threads and on the thread that ended the turn, possibly more than once for the
 * same outcome (after a crash, reconciliation tells it again): implementations are idempotent and
 * thread-safe.
 */
public interface TriggerSink {
    /** The trigger started a session, or queued a follow-up prompt on the one bound to its origin. */
    void started(Trigger trigger, String sessionId);

    /** Admission, repository policy or a rate limit refused the trigger, or starting it failed. */
    void refused(Trigger trigger, String reason);

    /** The turn the trigger asked for ended. */
    void turnEnded(Trigger trigger, TurnOutcome outcome);

    /**
     * How a trigger's turn ended.
     *
     * @param error why it failed ("stopped" for a turn someone stopped); empty when it succeeded
     */
    record TurnOutcome(String sessionId, boolean succeeded, String error) {
        public TurnOutcome {
            error = error == null ? "" : error;
        }
    }
}

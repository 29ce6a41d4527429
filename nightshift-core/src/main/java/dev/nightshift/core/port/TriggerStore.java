package dev.nightshift.core.port;

import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.Origin;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable trigger records every non-human start goes through. A unique index keeps one trigger
 * per source and dedupe key, so a repeated delivery never becomes a second trigger.
 */
public interface TriggerStore {
    /** The trigger stored for a request, and whether this call created it (false: a repeat). */
    record Recorded(Trigger trigger, boolean created) {}

    /**
     * Inserts a {@code received} trigger, or returns the one already stored for its source and dedupe
     * key; both in one transaction, so two racing repeats still make one trigger.
     */
    Recorded record(NewTrigger trigger, Instant now);

    /**
     * Triggers not yet finished whose lease is free or expired (nobody works on them: a crash, or
     * never claimed), oldest first: what a worker picks up after a restart.
     */
    List<Trigger> pending(int limit, Instant now);

    /**
     * Takes an unfinished trigger for {@code nodeId} until {@code leaseUntil} if nobody else holds a
     * live lease on it (compare-and-set; the same node may renew). False when another node has it or
     * it is finished or unknown.
     */
    boolean claim(String id, String nodeId, Instant leaseUntil, Instant now);

    /**
     * Moves an unfinished trigger to {@code status} ({@code admitted} or a terminal one) with the
     * session it started or followed up and the reason; a terminal status releases the lease. False
     * when it was already finished or is unknown: a finished trigger never changes again.
     */
    boolean finish(String id, TriggerStatus status, String sessionId, String reason, Instant now);

    Optional<Trigger> find(String id);

    /**
     * Releases every unfinished trigger's lease: called when the only node a store can have (SQLite)
     * starts, since every lease it finds is then a dead process's. Returns how many were released.
     */
    int releaseLeases();

    /**
     * The newest trigger from this origin that started or followed up a session: the session a new
     * trigger from the same thread, issue or automation follows up on.
     */
    Optional<Trigger> forOrigin(Origin origin);
}

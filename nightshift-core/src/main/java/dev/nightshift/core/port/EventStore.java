package dev.nightshift.core.port;

import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.NewEvent;
import java.time.Instant;
import java.util.List;

/**
 * The append-only session log. Sequence numbers are per session, start at 1 and have no gap or
 * duplicate, also under concurrent appenders (unique (session, seq) in the database).
 */
public interface EventStore {
    /**
     * Appends events in one transaction and returns them with their sequence numbers.
     *
     * @throws StoreException when the session does not exist
     */
    List<Event> append(String sessionId, List<NewEvent> events, Instant now);

    default Event append(String sessionId, NewEvent event, Instant now) {
        return append(sessionId, List.of(event), now).getFirst();
    }

    /** Events with {@code seq > afterSeq}, oldest first. */
    Page<Event> after(String sessionId, long afterSeq, int limit);

    /** The newest events with {@code seq < beforeSeq}, returned oldest first. */
    Page<Event> before(String sessionId, long beforeSeq, int limit);

    /**
     * Watches appends made by other nodes sharing this database. A single-node database (SQLite)
     * has none, so the default watches nothing.
     *
     * @return closes the watch
     */
    default AutoCloseable watchOtherNodes(AppendListener listener) {
        return () -> {};
    }

    /** The newest {@code limit} events, oldest first, and whether older ones exist. */
    default Page<Event> latest(String sessionId, int limit) {
        return before(sessionId, Long.MAX_VALUE, limit);
    }
}

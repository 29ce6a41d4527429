package dev.nightshift.store;

import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.port.EventStore;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Sequence numbers come from {@code sessions.last_seq}, bumped in the same transaction as the
 * insert: the bump takes the session's row lock (PostgreSQL) or the write lock (SQLite), so
 * concurrent appenders queue instead of colliding, a rolled-back append leaves no gap, and the
 * primary key (session_id, seq) rejects any duplicate that slipped through.
 */
final class JdbcEvents implements EventStore {
    private static final RowMapper<Event> EVENT = (rs, ctx) -> new Event(
            rs.getString("session_id"),
            rs.getLong("seq"),
            rs.getString("type"),
            rs.getString("message_id"),
            rs.getString("data"),
            Db.instant(rs, "created_at"));

    private final Db db;
    private final StoreConfig config;
    /** Tags this instance's notices so its own watcher can skip them. */
    private final String instanceId = dev.nightshift.core.Ids.newId("store");

    JdbcEvents(Db db, StoreConfig config) {
        this.db = db;
        this.config = config;
    }

    @Override
    public List<Event> append(String sessionId, List<NewEvent> events, Instant now) {
        if (events.isEmpty()) {
            return List.of();
        }
        return db.write(h -> insert(h, sessionId, events, now));
    }

    /** Appends inside the caller's transaction (the handle's): bumps the sequence and inserts. */
    List<Event> insert(org.jdbi.v3.core.Handle h, String sessionId, List<NewEvent> events, Instant now) {
        long at = now.toEpochMilli();
        // one statement bumps the counter, returns it and (PostgreSQL) queues the notice that
        // other nodes get at commit
        String notify = db.sqlite()
                ? ""
                : ", pg_notify('" + PgAppendWatcher.CHANNEL + "', :tag || ' ' || id || ' ' || last_seq)";
        var bump = h.createQuery(
                        "UPDATE sessions SET last_seq = last_seq + :n WHERE id = :id RETURNING last_seq" + notify)
                .bind("n", events.size())
                .bind("id", sessionId);
        if (!db.sqlite()) {
            bump.bind("tag", instanceId);
        }
        long last = bump.map((rs, ctx) -> rs.getLong(1))
                .findOne()
                .orElseThrow(() -> new StoreException("no session " + sessionId));
        long seq = last - events.size();
        List<Event> stored = new ArrayList<>(events.size());
        PreparedBatch batch = h.prepareBatch("""
                INSERT INTO events (session_id, seq, type, message_id, data, created_at)
                VALUES (:sessionId, :seq, :type, :messageId, :data, :createdAt)""");
        for (NewEvent e : events) {
            seq++;
            stored.add(new Event(sessionId, seq, e.type(), e.messageId(), e.data(), Instant.ofEpochMilli(at)));
            batch.bind("sessionId", sessionId)
                    .bind("seq", seq)
                    .bind("type", e.type())
                    .bind("messageId", e.messageId())
                    .bind("data", e.data())
                    .bind("createdAt", at)
                    .add();
        }
        batch.execute();
        return stored;
    }

    @Override
    public AutoCloseable watchOtherNodes(dev.nightshift.core.port.AppendListener listener) {
        if (db.sqlite()) {
            return () -> {};
        }
        return new PgAppendWatcher(config, instanceId, listener);
    }

    @Override
    public Page<Event> after(String sessionId, long afterSeq, int limit) {
        List<Event> rows = db.read(h -> h.createQuery("""
                        SELECT * FROM events WHERE session_id = :sessionId AND seq > :after
                        ORDER BY seq LIMIT :limit""")
                .bind("sessionId", sessionId)
                .bind("after", afterSeq)
                .bind("limit", limit + 1)
                .map(EVENT)
                .list());
        return Page.fromLookAhead(rows, limit);
    }

    @Override
    public Page<Event> before(String sessionId, long beforeSeq, int limit) {
        List<Event> newestFirst = db.read(h -> h.createQuery("""
                        SELECT * FROM events WHERE session_id = :sessionId AND seq < :before
                        ORDER BY seq DESC LIMIT :limit""")
                .bind("sessionId", sessionId)
                .bind("before", beforeSeq)
                .bind("limit", limit + 1)
                .map(EVENT)
                .list());
        Page<Event> page = Page.fromLookAhead(newestFirst, limit);
        List<Event> oldestFirst = new ArrayList<>(page.items());
        Collections.reverse(oldestFirst);
        return new Page<>(oldestFirst, page.hasMore());
    }
}

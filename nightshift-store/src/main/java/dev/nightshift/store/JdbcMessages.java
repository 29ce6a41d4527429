package dev.nightshift.store;

import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.core.model.NewMessage;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.port.EnqueueResult;
import dev.nightshift.core.port.MessageStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * The prompt queue. Every write that depends on the queue's state starts by bumping the
 * session row, which serialises it against every other such write for that session on both
 * databases; the unique indexes (one {@code processing} per session, one message per
 * {@code clientRequestId}) back that up in the schema itself.
 */
final class JdbcMessages implements MessageStore {
    static final RowMapper<Message> MESSAGE = (rs, ctx) -> new Message(
            rs.getString("id"),
            rs.getString("session_id"),
            rs.getLong("queue_seq"),
            rs.getString("author_id"),
            Source.fromWire(rs.getString("source")),
            rs.getString("content"),
            rs.getString("model"),
            rs.getString("client_request_id"),
            MessageStatus.fromWire(rs.getString("status")),
            rs.getString("error"),
            rs.getString("claimed_by"),
            Db.instant(rs, "created_at"),
            Db.instant(rs, "started_at"),
            Db.instant(rs, "finished_at"));

    private final Db db;

    private final JdbcEvents events;

    JdbcMessages(Db db, JdbcEvents events) {
        this.events = events;
        this.db = db;
    }

    @Override
    public EnqueueResult enqueue(NewMessage m, int maxUnfinished, Instant now) {
        return db.write(h -> {
            int locked = h.createUpdate(
                            "UPDATE sessions SET last_message_seq = last_message_seq + 1, updated_at = :now WHERE id = :id")
                    .bind("now", now.toEpochMilli())
                    .bind("id", m.sessionId())
                    .execute();
            if (locked == 0) {
                return new EnqueueResult.UnknownSession();
            }
            if (m.clientRequestId() != null) {
                Optional<Message> original = h.createQuery(
                                "SELECT * FROM messages WHERE session_id = :sessionId AND client_request_id = :crid")
                        .bind("sessionId", m.sessionId())
                        .bind("crid", m.clientRequestId())
                        .map(MESSAGE)
                        .findOne();
                if (original.isPresent()) {
                    h.rollback();
                    return new EnqueueResult.Accepted(original.get(), positionOf(h, original.get()), false);
                }
            }
            int unfinished = countUnfinished(h, m.sessionId());
            if (unfinished >= maxUnfinished) {
                h.rollback();
                return new EnqueueResult.QueueFull(unfinished);
            }
            long queueSeq = h.createQuery("SELECT last_message_seq FROM sessions WHERE id = :id")
                    .bind("id", m.sessionId())
                    .mapTo(Long.class)
                    .one();
            h.createUpdate("""
                            INSERT INTO messages (id, session_id, queue_seq, author_id, source, content, model,
                                client_request_id, status, created_at)
                            VALUES (:id, :sessionId, :queueSeq, :authorId, :source, :content, :model, :crid, 'pending', :now)""")
                    .bind("id", m.id())
                    .bind("sessionId", m.sessionId())
                    .bind("queueSeq", queueSeq)
                    .bind("authorId", m.authorId())
                    .bind("source", m.source().wire())
                    .bind("content", m.content())
                    .bind("model", m.model())
                    .bind("crid", m.clientRequestId())
                    .bind("now", now.toEpochMilli())
                    .execute();
            JdbcAttachments.insert(h, m.sessionId(), m.id(), m.attachments(), now);
            Message stored = byId(h, m.id()).orElseThrow();
            return new EnqueueResult.Accepted(stored, unfinished + 1, true);
        });
    }

    private static int countUnfinished(Handle h, String sessionId) {
        return h.createQuery(
                        "SELECT COUNT(*) FROM messages WHERE session_id = :sessionId AND status IN ('pending', 'processing', 'waiting')")
                .bind("sessionId", sessionId)
                .mapTo(Integer.class)
                .one();
    }

    private static int positionOf(Handle h, Message message) {
        if (!message.status().unfinished()) {
            return 0;
        }
        return h.createQuery("""
                        SELECT COUNT(*) FROM messages WHERE session_id = :sessionId
                        AND status IN ('pending', 'processing', 'waiting') AND queue_seq <= :queueSeq""")
                .bind("sessionId", message.sessionId())
                .bind("queueSeq", message.queueSeq())
                .mapTo(Integer.class)
                .one();
    }

    private static Optional<Message> byId(Handle h, String id) {
        return h.createQuery("SELECT * FROM messages WHERE id = :id")
                .bind("id", id)
                .map(MESSAGE)
                .findOne();
    }

    @Override
    public Optional<Message> get(String id) {
        return db.read(h -> byId(h, id));
    }

    @Override
    public List<Message> unfinished(String sessionId) {
        return db.read(h ->
                h.createQuery("""
                        SELECT * FROM messages WHERE session_id = :sessionId AND status IN ('pending', 'processing', 'waiting')
                        ORDER BY queue_seq""").bind("sessionId", sessionId).map(MESSAGE).list());
    }

    @Override
    public Optional<Message> claimNext(String sessionId, String nodeId, Instant leaseUntil, Instant now) {
        try {
            return db.write(h -> {
                Optional<String> next = h.createQuery("""
                                SELECT id FROM messages WHERE session_id = :sessionId AND status = 'pending'
                                AND NOT EXISTS (SELECT 1 FROM messages p WHERE p.session_id = :sessionId
                                    AND p.status IN ('processing', 'waiting'))
                                ORDER BY queue_seq LIMIT 1""")
                        .bind("sessionId", sessionId)
                        .mapTo(String.class)
                        .findOne();
                if (next.isEmpty()) {
                    return Optional.<Message>empty();
                }
                int claimed = h.createUpdate("""
                                UPDATE messages SET status = 'processing', claimed_by = :node, lease_expires_at = :lease,
                                    started_at = :now
                                WHERE id = :id AND status = 'pending'""")
                        .bind("node", nodeId)
                        .bind("lease", leaseUntil.toEpochMilli())
                        .bind("now", now.toEpochMilli())
                        .bind("id", next.get())
                        .execute();
                return claimed == 1 ? byId(h, next.get()) : Optional.<Message>empty();
            });
        } catch (RuntimeException e) {
            if (Db.isUniqueViolation(e)) {
                return Optional.empty(); // another node claimed one first: the index said no
            }
            throw e;
        }
    }

    @Override
    public boolean cancel(String sessionId, String messageId, Instant now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE messages SET status = 'cancelled', finished_at = :now
                        WHERE id = :id AND session_id = :sessionId AND status = 'pending'""")
                        .bind("now", now.toEpochMilli())
                        .bind("id", messageId)
                        .bind("sessionId", sessionId)
                        .execute())
                == 1;
    }

    @Override
    public boolean finish(String messageId, MessageStatus terminal, String error, Instant now) {
        return finish(messageId, terminal, error, List.of(), now).isPresent();
    }

    @Override
    public java.util.Optional<List<dev.nightshift.core.model.Event>> finish(
            String messageId,
            MessageStatus terminal,
            String error,
            List<dev.nightshift.core.model.NewEvent> endEvents,
            Instant now) {
        if (terminal.unfinished()) {
            throw new IllegalArgumentException("finish needs a terminal status, got " + terminal);
        }
        return db.write(h -> {
            Optional<String> sessionId = h.createQuery("""
                            UPDATE messages SET status = :status, error = :error, finished_at = :now, lease_expires_at = NULL,
                                waiting_for = NULL
                            WHERE id = :id AND status IN ('processing', 'waiting') RETURNING session_id""")
                    .bind("status", terminal.wire())
                    .bind("error", error)
                    .bind("now", now.toEpochMilli())
                    .bind("id", messageId)
                    .mapTo(String.class)
                    .findOne();
            if (sessionId.isPresent()) {
                // a turn stopped while it waited: what it waited for will never be answered
                h.createUpdate("""
                                UPDATE questions SET status = 'cancelled', answered_at = :now
                                WHERE message_id = :id AND status = 'open'""")
                        .bind("now", now.toEpochMilli())
                        .bind("id", messageId)
                        .execute();
            }
            return sessionId.map(session -> endEvents.isEmpty()
                    ? List.<dev.nightshift.core.model.Event>of()
                    : events.insert(h, session, endEvents, now));
        });
    }

    @Override
    public int renewLeases(String nodeId, Instant leaseUntil) {
        return db.write(h -> h.createUpdate("""
                        UPDATE messages SET lease_expires_at = :lease WHERE claimed_by = :node AND status = 'processing'""")
                .bind("lease", leaseUntil.toEpochMilli())
                .bind("node", nodeId)
                .execute());
    }

    @Override
    public List<Message> expiredLeases(Instant now) {
        return db.read(h ->
                h.createQuery("""
                        SELECT * FROM messages WHERE status = 'processing' AND waiting_for IS NULL
                        AND (lease_expires_at IS NULL OR lease_expires_at < :now) ORDER BY started_at""").bind("now", now.toEpochMilli()).map(MESSAGE).list());
    }

    @Override
    public boolean takeOver(String messageId, String previousNodeId, String nodeId, Instant leaseUntil) {
        return db.write(h -> h.createUpdate("""
                        UPDATE messages SET claimed_by = :node, lease_expires_at = :lease
                        WHERE id = :id AND status = 'processing' AND claimed_by = :previous""")
                        .bind("node", nodeId)
                        .bind("lease", leaseUntil.toEpochMilli())
                        .bind("id", messageId)
                        .bind("previous", previousNodeId)
                        .execute())
                == 1;
    }

    @Override
    public List<String> sessionsWaitingForDispatch() {
        return db.read(h -> h.createQuery("""
                        SELECT DISTINCT session_id FROM messages m WHERE status = 'pending'
                        AND NOT EXISTS (SELECT 1 FROM messages p WHERE p.session_id = m.session_id
                            AND p.status IN ('processing', 'waiting'))""").mapTo(String.class).list());
    }

    @Override
    public boolean suspend(String messageId, String nodeId, List<String> waitingFor) {
        if (waitingFor.isEmpty()) {
            throw new IllegalArgumentException("a parked prompt waits for at least one session");
        }
        return db.write(h -> h.createUpdate("""
                        UPDATE messages SET claimed_by = NULL, lease_expires_at = NULL, waiting_for = :waiting
                        WHERE id = :id AND status = 'processing' AND claimed_by = :node""")
                        .bind("waiting", String.join("\n", waitingFor))
                        .bind("id", messageId)
                        .bind("node", nodeId)
                        .execute())
                == 1;
    }

    @Override
    public List<Waiting> waiting(String sessionId) {
        return db.read(h -> {
            Query query = h.createQuery(
                    """
                    SELECT * FROM messages WHERE status = 'processing' AND waiting_for IS NOT NULL
                    """ + (sessionId == null ? "" : "AND session_id = :sessionId ") + "ORDER BY started_at");
            if (sessionId != null) {
                query.bind("sessionId", sessionId);
            }
            return query.map((rs, ctx) -> new Waiting(
                            MESSAGE.map(rs, ctx),
                            java.util.Arrays.stream(rs.getString("waiting_for").split("\n"))
                                    .filter(id -> !id.isEmpty())
                                    .toList()))
                    .list();
        });
    }

    @Override
    public boolean wake(String messageId, String nodeId, Instant leaseUntil) {
        return db.write(h -> h.createUpdate("""
                        UPDATE messages SET claimed_by = :node, lease_expires_at = :lease, waiting_for = NULL
                        WHERE id = :id AND status = 'processing' AND waiting_for IS NOT NULL""")
                        .bind("node", nodeId)
                        .bind("lease", leaseUntil.toEpochMilli())
                        .bind("id", messageId)
                        .execute())
                == 1;
    }
}

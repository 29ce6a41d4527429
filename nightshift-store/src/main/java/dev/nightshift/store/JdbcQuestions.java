package dev.nightshift.store;

import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.model.NewQuestion;
import dev.nightshift.core.model.Question;
import dev.nightshift.core.port.QuestionStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Questions and plans that turns wait on. Every change starts with the conditional update of the
 * prompt's row (the same row {@link JdbcMessages#finish} updates first when a turn is stopped), so
 * an answer, the timeout and a stop serialise on it and exactly one of them wins; the partial unique
 * indexes (one open question, one waiting prompt per session) back that up in the schema.
 */
final class JdbcQuestions implements QuestionStore {
    static final RowMapper<Question> QUESTION = (rs, ctx) -> new Question(
            rs.getString("id"),
            rs.getString("session_id"),
            rs.getString("message_id"),
            rs.getString("call_id"),
            Question.Kind.fromWire(rs.getString("kind")),
            rs.getString("data"),
            Question.Status.fromWire(rs.getString("status")),
            Db.instant(rs, "asked_at"),
            Db.instant(rs, "expires_at"),
            rs.getString("answered_by"),
            Db.instant(rs, "answered_at"));

    private final Db db;
    private final JdbcEvents events;

    JdbcQuestions(Db db, JdbcEvents events) {
        this.db = db;
        this.events = events;
    }

    @Override
    public Optional<List<Event>> ask(NewQuestion q, List<NewEvent> newEvents, Instant now) {
        return db.write(h -> {
            int paused = h.createUpdate("""
                            UPDATE messages SET status = 'waiting', claimed_by = NULL, lease_expires_at = NULL
                            WHERE id = :id AND session_id = :sessionId AND status = 'processing'
                                AND waiting_for IS NULL""")
                    .bind("id", q.messageId())
                    .bind("sessionId", q.sessionId())
                    .execute();
            if (paused == 0) {
                return Optional.<List<Event>>empty();
            }
            h.createUpdate("""
                            INSERT INTO questions (id, session_id, message_id, call_id, kind, data, status, asked_at, expires_at)
                            VALUES (:id, :sessionId, :messageId, :callId, :kind, :data, 'open', :now, :expires)""")
                    .bind("id", q.id())
                    .bind("sessionId", q.sessionId())
                    .bind("messageId", q.messageId())
                    .bind("callId", q.callId())
                    .bind("kind", q.kind().wire())
                    .bind("data", q.data())
                    .bind("now", now.toEpochMilli())
                    .bind("expires", q.expiresAt().toEpochMilli())
                    .execute();
            setStatus(h, q.sessionId(), "waiting", now);
            return Optional.of(events.insert(h, q.sessionId(), newEvents, now));
        });
    }

    private static void setStatus(Handle h, String sessionId, String status, Instant now) {
        h.createUpdate("""
                        UPDATE sessions SET status = :status, updated_at = :now
                        WHERE id = :id AND status <> 'archived'""")
                .bind("status", status)
                .bind("now", now.toEpochMilli())
                .bind("id", sessionId)
                .execute();
    }

    @Override
    public Optional<Question> get(String id) {
        return db.read(h -> byId(h, id));
    }

    private static Optional<Question> byId(Handle h, String id) {
        return h.createQuery("SELECT * FROM questions WHERE id = :id")
                .bind("id", id)
                .map(QUESTION)
                .findOne();
    }

    @Override
    public List<Question> list(String sessionId, int limit) {
        return db.read(h -> h.createQuery("""
                        SELECT * FROM questions WHERE session_id = :sessionId
                        ORDER BY asked_at DESC, id DESC LIMIT :limit""")
                .bind("sessionId", sessionId)
                .bind("limit", limit)
                .map(QUESTION)
                .list());
    }

    @Override
    public AnswerResult answer(
            String questionId,
            Question.Status outcome,
            String answeredBy,
            List<NewEvent> newEvents,
            String nodeId,
            Instant leaseUntil,
            Instant now) {
        if (outcome != Question.Status.ANSWERED && outcome != Question.Status.TIMED_OUT) {
            throw new IllegalArgumentException("a question is answered or times out, not " + outcome);
        }
        return db.write(h -> {
            Optional<Question> found = byId(h, questionId);
            if (found.isEmpty()) {
                return new AnswerResult.Unknown();
            }
            Question question = found.get();
            // the prompt's row first: a stop (JdbcMessages.finish) takes it first too
            int resumed = h.createUpdate("""
                            UPDATE messages SET status = 'processing', claimed_by = :node, lease_expires_at = :lease
                            WHERE id = :id AND status = 'waiting'""")
                    .bind("node", nodeId)
                    .bind("lease", leaseUntil.toEpochMilli())
                    .bind("id", question.messageId())
                    .execute();
            int closed = resumed == 0
                    ? 0
                    : h.createUpdate("""
                                    UPDATE questions SET status = :status, answered_by = :by, answered_at = :now
                                    WHERE id = :id AND status = 'open'""")
                            .bind("status", outcome.wire())
                            .bind("by", answeredBy)
                            .bind("now", now.toEpochMilli())
                            .bind("id", questionId)
                            .execute();
            if (closed == 0) {
                Question current = byId(h, questionId).orElse(question);
                h.rollback();
                return new AnswerResult.Closed(current);
            }
            setStatus(h, question.sessionId(), "active", now);
            List<Event> stored = events.insert(h, question.sessionId(), newEvents, now);
            Message message = h.createQuery("SELECT * FROM messages WHERE id = :id")
                    .bind("id", question.messageId())
                    .map(JdbcMessages.MESSAGE)
                    .one();
            return new AnswerResult.Answered(byId(h, questionId).orElseThrow(), message, stored);
        });
    }

    @Override
    public List<Question> expired(Instant now, int limit) {
        return db.read(h -> h.createQuery("""
                        SELECT * FROM questions WHERE status = 'open' AND expires_at < :now
                        ORDER BY expires_at LIMIT :limit""")
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .map(QUESTION)
                .list());
    }

    @Override
    public int countOpen() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM questions WHERE status = 'open'")
                .mapTo(Integer.class)
                .one());
    }
}

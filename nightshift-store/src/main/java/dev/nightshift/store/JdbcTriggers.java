package dev.nightshift.store;

import dev.nightshift.core.port.TriggerStore;
import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.Origin;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.core.trigger.TriggerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Trigger records. {@link #record} inserts with {@code ON CONFLICT DO NOTHING} and reads back by
 * dedupe key in the same transaction, so two racing repeats make one row (the unique index decides)
 * and both callers get it.
 */
final class JdbcTriggers implements TriggerStore {
    private static final RowMapper<Trigger> TRIGGER = (rs, ctx) -> new Trigger(
            rs.getString("id"),
            TriggerSource.fromWire(rs.getString("source")),
            rs.getString("actor_id"),
            rs.getString("repository"),
            rs.getString("base_branch"),
            rs.getString("prompt"),
            rs.getString("dedupe_key"),
            new Origin(rs.getString("origin_kind"), rs.getString("origin_id")),
            TriggerStatus.fromWire(rs.getString("status")),
            rs.getString("session_id"),
            rs.getString("reason"),
            rs.getString("claimed_by"),
            Db.instant(rs, "lease_until"),
            Db.instant(rs, "created_at"),
            Db.instant(rs, "updated_at"),
            rs.getString("work_branch"));

    private static final String UNFINISHED = "status IN ('received', 'admitted')";

    private final Db db;

    JdbcTriggers(Db db) {
        this.db = db;
    }

    @Override
    public Recorded record(NewTrigger t, Instant now) {
        return db.write(h -> {
            int inserted = insert(h, t, now);
            if (inserted == 1) {
                return new Recorded(byId(h, t.id()).orElseThrow(), true);
            }
            Optional<Trigger> first = t.dedupeKey() == null
                    ? Optional.empty()
                    : h.createQuery("SELECT * FROM triggers WHERE source = :source AND dedupe_key = :key")
                            .bind("source", t.source().wire())
                            .bind("key", t.dedupeKey())
                            .map(TRIGGER)
                            .findOne();
            // no row with that key: the conflict was on the id, which the caller chose twice
            return new Recorded(
                    first.orElseThrow(() -> new IllegalArgumentException("trigger id " + t.id() + " is taken")), false);
        });
    }

    /** Inserts a {@code received} trigger in the caller's transaction; 0 when its id or dedupe key is taken. */
    static int insert(org.jdbi.v3.core.Handle h, NewTrigger t, Instant now) {
        return h.createUpdate("""
                        INSERT INTO triggers (id, source, actor_id, repository, base_branch, work_branch, prompt,
                            dedupe_key, origin_kind, origin_id, status, created_at, updated_at)
                        VALUES (:id, :source, :actorId, :repository, :baseBranch, :workBranch, :prompt,
                            :dedupeKey, :originKind, :originId, 'received', :now, :now)
                        ON CONFLICT DO NOTHING""")
                .bind("id", t.id())
                .bind("source", t.source().wire())
                .bind("actorId", t.actorId())
                .bind("repository", t.repository())
                .bind("baseBranch", t.baseBranch())
                .bind("workBranch", t.workBranch())
                .bind("prompt", t.prompt())
                .bind("dedupeKey", t.dedupeKey())
                .bind("originKind", t.origin().kind())
                .bind("originId", t.origin().id())
                .bind("now", now.toEpochMilli())
                .execute();
    }

    @Override
    public List<Trigger> pending(int limit, Instant now) {
        return db.read(h -> h.createQuery("SELECT * FROM triggers WHERE " + UNFINISHED
                        + " AND (lease_until IS NULL OR lease_until < :now) ORDER BY created_at, id LIMIT :limit")
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .map(TRIGGER)
                .list());
    }

    @Override
    public boolean claim(String id, String nodeId, Instant leaseUntil, Instant now) {
        return db.write(h -> h.createUpdate("UPDATE triggers SET claimed_by = :node, lease_until = :lease,"
                                + " updated_at = :now WHERE id = :id AND " + UNFINISHED
                                + " AND (claimed_by IS NULL OR claimed_by = :node OR lease_until IS NULL"
                                + " OR lease_until < :now)")
                        .bind("node", nodeId)
                        .bind("lease", leaseUntil.toEpochMilli())
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public int releaseLeases() {
        return db.write(
                h -> h.createUpdate("UPDATE triggers SET claimed_by = NULL, lease_until = NULL WHERE " + UNFINISHED)
                        .execute());
    }

    @Override
    public boolean finish(String id, TriggerStatus status, String sessionId, String reason, Instant now) {
        if (status == TriggerStatus.RECEIVED) {
            throw new IllegalArgumentException("a trigger only moves forward from received");
        }
        String release = status.terminal() ? ", claimed_by = NULL, lease_until = NULL" : "";
        return db.write(h -> h.createUpdate("UPDATE triggers SET status = :status,"
                                + " session_id = COALESCE(:sessionId, session_id), reason = :reason,"
                                + " updated_at = :now" + release + " WHERE id = :id AND " + UNFINISHED)
                        .bind("status", status.wire())
                        .bind("sessionId", sessionId)
                        .bind("reason", reason)
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public Optional<Trigger> find(String id) {
        return db.read(h -> byId(h, id));
    }

    @Override
    public Optional<Trigger> forOrigin(Origin origin) {
        return db.read(h -> h.createQuery("""
                        SELECT * FROM triggers WHERE origin_kind = :kind AND origin_id = :id
                        AND session_id IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1""")
                .bind("kind", origin.kind())
                .bind("id", origin.id())
                .map(TRIGGER)
                .findOne());
    }

    private static Optional<Trigger> byId(Handle h, String id) {
        return h.createQuery("SELECT * FROM triggers WHERE id = :id")
                .bind("id", id)
                .map(TRIGGER)
                .findOne();
    }
}

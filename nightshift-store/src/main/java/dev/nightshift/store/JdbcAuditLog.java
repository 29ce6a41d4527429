package dev.nightshift.store;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.AuditEntry;
import dev.nightshift.core.port.AuditLog;
import dev.nightshift.core.port.AuditQuery;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;

final class JdbcAuditLog implements AuditLog {
    private static final RowMapper<AuditEntry> ENTRY = (rs, ctx) -> new AuditEntry(
            rs.getString("id"),
            Db.instant(rs, "at"),
            rs.getString("user_id"),
            rs.getString("session_id"),
            rs.getString("action"),
            rs.getString("target"),
            rs.getString("outcome"),
            rs.getString("detail"));

    private final Db db;

    JdbcAuditLog(Db db) {
        this.db = db;
    }

    @Override
    public AuditEntry record(
            String userId, String sessionId, String action, String target, String outcome, String detail, Instant now) {
        AuditEntry entry = new AuditEntry(
                Ids.newId("aud"),
                Instant.ofEpochMilli(now.toEpochMilli()),
                userId,
                sessionId,
                action,
                target,
                outcome,
                detail);
        db.write(h -> h.createUpdate("""
                        INSERT INTO audit_log (id, at, user_id, session_id, action, target, outcome, detail)
                        VALUES (:id, :at, :userId, :sessionId, :action, :target, :outcome, :detail)""")
                .bind("id", entry.id())
                .bind("at", now.toEpochMilli())
                .bind("userId", userId)
                .bind("sessionId", sessionId)
                .bind("action", action)
                .bind("target", target)
                .bind("outcome", outcome)
                .bind("detail", detail)
                .execute());
        return entry;
    }

    @Override
    public List<AuditEntry> list(AuditQuery q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE 1 = 1");
        if (q.sessionId() != null) {
            sql.append(" AND session_id = :sessionId");
        }
        if (q.userId() != null) {
            sql.append(" AND user_id = :userId");
        }
        if (q.action() != null) {
            sql.append(" AND action = :action");
        }
        if (q.since() != null) {
            sql.append(" AND at >= :since");
        }
        if (q.before() != null) {
            // entries are ordered by (at, id); the cursor is the last entry a page ended with
            sql.append(" AND (at < (SELECT at FROM audit_log WHERE id = :before)"
                    + " OR (at = (SELECT at FROM audit_log WHERE id = :before) AND id < :before))");
        }
        sql.append(" ORDER BY at DESC, id DESC LIMIT :limit");
        return db.read(h -> h.createQuery(sql.toString())
                .bind("sessionId", q.sessionId())
                .bind("userId", q.userId())
                .bind("action", q.action())
                .bind("since", Db.millis(q.since()))
                .bind("before", q.before())
                .bind("limit", q.limit())
                .map(ENTRY)
                .list());
    }
}

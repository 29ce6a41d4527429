package dev.nightshift.store;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.AuditEntry;
import dev.nightshift.core.port.AuditLog;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;

final class JdbcAuditLog implements AuditLog {
    private static final RowMapper<AuditEntry> ENTRY = (rs, ctx) -> new AuditEntry(rs.getString("id"), Db.instant(rs, "at"),
            rs.getString("user_id"), rs.getString("session_id"), rs.getString("action"), rs.getString("target"),
            rs.getString("outcome"), rs.getString("detail"));

    private final Db db;

    JdbcAuditLog(Db db) {
        this.db = db;
    }

    @Override
    public AuditEntry record(String userId, String sessionId, String action, String target, String outcome, String detail, Instant now) {
        AuditEntry entry = new AuditEntry(Ids.newId("aud"), Instant.ofEpochMilli(now.toEpochMilli()), userId, sessionId, action,
                target, outcome, detail);
        db.write(h -> h.createUpdate("""
                        INSERT INTO audit_log (id, at, user_id, session_id, action, target, outcome, detail)
                        VALUES (:id, :at, :userId, :sessionId, :action, :target, :outcome, :detail)""")
                .bind("id", entry.id()).bind("at", now.toEpochMilli()).bind("userId", userId).bind("sessionId", sessionId)
                .bind("action", action).bind("target", target).bind("outcome", outcome).bind("detail", detail).execute());
        return entry;
    }

    @Override
    public List<AuditEntry> list(String sessionId, int limit) {
        String where = sessionId == null ? "" : "WHERE session_id = :sessionId ";
        return db.read(h -> h.createQuery("SELECT * FROM audit_log " + where + "ORDER BY at DESC, id DESC LIMIT :limit")
                .bind("sessionId", sessionId).bind("limit", limit).map(ENTRY).list());
    }
}

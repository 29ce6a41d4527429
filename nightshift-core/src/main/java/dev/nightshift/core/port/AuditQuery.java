package dev.nightshift.core.port;

import java.time.Instant;

/**
 * Filters and a cursor for reading the audit log, newest first. Null fields do not filter.
 *
 * @param before only entries older than this entry id's position (paging: pass the last id seen)
 */
public record AuditQuery(String userId, String sessionId, String action, Instant since, String before, int limit) {
    public static AuditQuery session(String sessionId, int limit) {
        return new AuditQuery(null, sessionId, null, null, null, limit);
    }
}

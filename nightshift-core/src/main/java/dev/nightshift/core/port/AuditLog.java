package dev.nightshift.core.port;

import dev.nightshift.core.model.AuditEntry;
import java.time.Instant;
import java.util.List;

/**
 * The append-only trail of credentialed and security-relevant actions: git fetches and pushes,
 * pull requests, sign-ins and their refusals, tokens, roles, admission, identity links, policy
 * refusals.
 */
public interface AuditLog {
    AuditEntry record(
            String userId, String sessionId, String action, String target, String outcome, String detail, Instant now);

    /** Newest first; {@code sessionId} null for every session. */
    default List<AuditEntry> list(String sessionId, int limit) {
        return list(AuditQuery.session(sessionId, limit));
    }

    /** Newest first, filtered, after the {@code before} cursor. */
    List<AuditEntry> list(AuditQuery query);
}

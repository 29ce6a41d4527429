package dev.nightshift.core.port;

import dev.nightshift.core.model.AuditEntry;
import java.time.Instant;
import java.util.List;

/** The append-only trail of credentialed actions (clone/fetch, push, pull requests, sign-ins). */
public interface AuditLog {
    AuditEntry record(String userId, String sessionId, String action, String target, String outcome, String detail, Instant now);

    /** Newest first; {@code sessionId} null for every session. */
    List<AuditEntry> list(String sessionId, int limit);
}

package dev.nightshift.core.model;

import java.time.Instant;

/**
 * One credentialed action: who acted, what they did to which target, in which session, and how it ended.
 *
 * @param outcome {@code ok}, {@code refused} or {@code failed}
 */
public record AuditEntry(
        String id,
        Instant at,
        String userId,
        String sessionId,
        String action,
        String target,
        String outcome,
        String detail) {}

package dev.nightshift.core.model;

import java.time.Instant;

/**
 * A stored bearer token. Only the hash of the secret is ever stored.
 *
 * @param sessionId the session a {@link TokenKind#LIVE} or {@link TokenKind#SHARE} token is bound to
 */
public record Token(
        String id,
        TokenKind kind,
        String userId,
        String name,
        String sessionId,
        Instant createdAt,
        Instant expiresAt,
        Instant lastUsedAt,
        Instant revokedAt) {

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}

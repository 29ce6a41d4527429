package dev.nightshift.core.model;

import java.time.Instant;
import java.util.Set;

/**
 * A stored bearer token. Only the hash of the secret is ever stored.
 *
 * @param sessionId the session a {@link TokenKind#LIVE} or {@link TokenKind#SHARE} token is bound to
 * @param scopes what the token may do (a live token inherits its parent's)
 * @param parentId the token a live token was minted with: revoking the parent ends the child too
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
        Instant revokedAt,
        Set<Scope> scopes,
        String parentId) {

    public Token {
        scopes = scopes == null ? Scope.ALL : Set.copyOf(scopes);
    }

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }
}

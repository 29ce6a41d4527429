package dev.nightshift.core.port;

import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.TokenKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Bearer tokens, stored by the hash of their secret only. */
public interface TokenStore {
    /** A token with every scope and no parent (share links, the local administrator's login token). */
    default Token create(
            TokenKind kind, String userId, String name, String sessionId, String secretHash, Instant expiresAt) {
        return create(kind, userId, name, sessionId, secretHash, expiresAt, Scope.ALL, null);
    }

    /** @param parentId the token this one was minted with (a live token's API token), or null */
    Token create(
            TokenKind kind,
            String userId,
            String name,
            String sessionId,
            String secretHash,
            Instant expiresAt,
            Set<Scope> scopes,
            String parentId);

    /**
     * The token with this secret hash if it is neither revoked nor expired at {@code now}, and
     * neither is the token it was minted with.
     */
    Optional<Token> findUsable(String secretHash, Instant now);

    /** As {@link #findUsable}, by the token's id: whether what authenticated a caller still holds. */
    Optional<Token> findUsableById(String tokenId, Instant now);

    Optional<Token> byId(String tokenId);

    List<Token> listForUser(String userId, TokenKind kind);

    List<Token> listForSession(String sessionId, TokenKind kind);

    /** Revokes a token; false when there is no such unrevoked token. */
    boolean revoke(String tokenId, Instant now);

    /** Revokes every token of a user (all kinds); returns how many. */
    int revokeAllForUser(String userId, Instant now);

    /** Deletes tokens that expired before {@code now}; returns how many. */
    int deleteExpired(Instant now);
}

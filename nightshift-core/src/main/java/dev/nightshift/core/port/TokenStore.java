package dev.nightshift.core.port;

import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.TokenKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Bearer tokens, stored by the hash of their secret only. */
public interface TokenStore {
    Token create(TokenKind kind, String userId, String name, String sessionId, String secretHash, Instant expiresAt);

    /** The token with this secret hash if it is neither revoked nor expired at {@code now}. */
    Optional<Token> findUsable(String secretHash, Instant now);

    List<Token> listForUser(String userId, TokenKind kind);

    List<Token> listForSession(String sessionId, TokenKind kind);

    /** Revokes a token; false when there is no such unrevoked token. */
    boolean revoke(String tokenId, Instant now);

    /** Deletes tokens that expired before {@code now}; returns how many. */
    int deleteExpired(Instant now);
}

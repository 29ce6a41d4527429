package dev.nightshift.store;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.TokenKind;
import dev.nightshift.core.port.TokenStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;

final class JdbcTokens implements TokenStore {
    private static final RowMapper<Token> TOKEN = (rs, ctx) -> new Token(
            rs.getString("id"),
            TokenKind.valueOf(rs.getString("kind").toUpperCase(java.util.Locale.ROOT)),
            rs.getString("user_id"),
            rs.getString("name"),
            rs.getString("session_id"),
            Db.instant(rs, "created_at"),
            Db.instant(rs, "expires_at"),
            Db.instant(rs, "last_used_at"),
            Db.instant(rs, "revoked_at"),
            Scope.parse(rs.getString("scopes")),
            rs.getString("parent_id"));

    private final Db db;

    JdbcTokens(Db db) {
        this.db = db;
    }

    @Override
    public Token create(
            TokenKind kind,
            String userId,
            String name,
            String sessionId,
            String secretHash,
            Instant expiresAt,
            Set<Scope> scopes,
            String parentId) {
        // the store keeps milliseconds: what is returned is what a later read gives
        Instant expires = expiresAt == null ? null : Instant.ofEpochMilli(expiresAt.toEpochMilli());
        Token token = new Token(
                Ids.newId("tok"), kind, userId, name, sessionId, db.now(), expires, null, null, scopes, parentId);
        db.write(h -> h.createUpdate("""
                        INSERT INTO tokens (id, kind, user_id, name, session_id, secret_hash, created_at, expires_at, scopes, parent_id)
                        VALUES (:id, :kind, :userId, :name, :sessionId, :hash, :createdAt, :expiresAt, :scopes, :parentId)""")
                .bind("id", token.id())
                .bind("kind", kind.wire())
                .bind("userId", userId)
                .bind("name", name)
                .bind("sessionId", sessionId)
                .bind("hash", secretHash)
                .bind("createdAt", Db.millis(token.createdAt()))
                .bind("expiresAt", Db.millis(expires))
                .bind("scopes", Scope.format(token.scopes()))
                .bind("parentId", parentId)
                .execute());
        return token;
    }

    @Override
    public Optional<Token> byId(String tokenId) {
        return db.read(h -> h.createQuery("SELECT * FROM tokens WHERE id = :id")
                .bind("id", tokenId)
                .map(TOKEN)
                .findOne());
    }

    @Override
    public Optional<Token> findUsable(String secretHash, Instant now) {
        return usable("t.secret_hash = :key", secretHash, now);
    }

    @Override
    public Optional<Token> findUsableById(String tokenId, Instant now) {
        return usable("t.id = :key", tokenId, now);
    }

    /** The one definition of usable: neither the token nor the token it was minted with revoked or expired. */
    private Optional<Token> usable(String which, String key, Instant now) {
        return db.read(h -> h.createQuery(
                        "SELECT t.* FROM tokens t LEFT JOIN tokens p ON p.id = t.parent_id WHERE " + which + """
                         AND t.revoked_at IS NULL
                        AND (t.expires_at IS NULL OR t.expires_at > :now)
                        AND (t.parent_id IS NULL OR (p.revoked_at IS NULL AND (p.expires_at IS NULL OR p.expires_at > :now)))""")
                .bind("key", key)
                .bind("now", now.toEpochMilli())
                .map(TOKEN)
                .findOne());
    }

    @Override
    public List<Token> listForUser(String userId, TokenKind kind) {
        return db.read(h -> h.createQuery("""
                        SELECT * FROM tokens WHERE user_id = :userId AND kind = :kind AND revoked_at IS NULL
                        ORDER BY created_at""")
                .bind("userId", userId)
                .bind("kind", kind.wire())
                .map(TOKEN)
                .list());
    }

    @Override
    public List<Token> listForSession(String sessionId, TokenKind kind) {
        return db.read(h -> h.createQuery("""
                        SELECT * FROM tokens WHERE session_id = :sessionId AND kind = :kind AND revoked_at IS NULL
                        ORDER BY created_at""")
                .bind("sessionId", sessionId)
                .bind("kind", kind.wire())
                .map(TOKEN)
                .list());
    }

    @Override
    public boolean revoke(String tokenId, Instant now) {
        return db.write(h -> h.createUpdate("UPDATE tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                        .bind("now", now.toEpochMilli())
                        .bind("id", tokenId)
                        .execute())
                == 1;
    }

    @Override
    public int revokeAllForUser(String userId, Instant now) {
        return db.write(h -> h.createUpdate(
                        "UPDATE tokens SET revoked_at = :now WHERE user_id = :userId AND revoked_at IS NULL")
                .bind("now", now.toEpochMilli())
                .bind("userId", userId)
                .execute());
    }

    @Override
    public int deleteExpired(Instant now) {
        return db.write(h -> h.createUpdate("DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= :now")
                .bind("now", now.toEpochMilli())
                .execute());
    }
}

package dev.nightshift.store;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.Credential;
import dev.nightshift.core.port.CredentialStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

final class JdbcCredentials implements CredentialStore {
    private static final RowMapper<Credential> CREDENTIAL = (rs, ctx) -> new Credential(
            rs.getString("id"),
            rs.getString("user_id"),
            rs.getString("host"),
            rs.getString("kind"),
            rs.getString("username"),
            rs.getString("secret_sealed"),
            rs.getString("refresh_sealed"),
            Db.instant(rs, "expires_at"),
            Db.instant(rs, "refresh_expires_at"),
            rs.getLong("version"),
            Db.instant(rs, "created_at"),
            Db.instant(rs, "updated_at"));

    private final Db db;

    JdbcCredentials(Db db) {
        this.db = db;
    }

    @Override
    public Credential put(
            String userId,
            String host,
            String kind,
            String username,
            String secretSealed,
            String refreshSealed,
            Instant expiresAt,
            Instant refreshExpiresAt,
            Instant now) {
        return db.write(h -> {
            int updated = h.createUpdate("""
                            UPDATE credentials SET kind = :kind, username = :username, secret_sealed = :secret,
                                refresh_sealed = :refresh, expires_at = :expiresAt, refresh_expires_at = :refreshExpiresAt,
                                version = version + 1, updated_at = :now
                            WHERE user_id = :userId AND host = :host""")
                    .bind("kind", kind)
                    .bind("username", username)
                    .bind("secret", secretSealed)
                    .bind("refresh", refreshSealed)
                    .bind("expiresAt", Db.millis(expiresAt))
                    .bind("refreshExpiresAt", Db.millis(refreshExpiresAt))
                    .bind("now", now.toEpochMilli())
                    .bind("userId", userId)
                    .bind("host", host)
                    .execute();
            if (updated == 0) {
                h.createUpdate("""
                                INSERT INTO credentials (id, user_id, host, kind, username, secret_sealed, refresh_sealed,
                                    expires_at, refresh_expires_at, version, created_at, updated_at)
                                VALUES (:id, :userId, :host, :kind, :username, :secret, :refresh, :expiresAt, :refreshExpiresAt,
                                    1, :now, :now)""")
                        .bind("id", Ids.newId("cred"))
                        .bind("userId", userId)
                        .bind("host", host)
                        .bind("kind", kind)
                        .bind("username", username)
                        .bind("secret", secretSealed)
                        .bind("refresh", refreshSealed)
                        .bind("expiresAt", Db.millis(expiresAt))
                        .bind("refreshExpiresAt", Db.millis(refreshExpiresAt))
                        .bind("now", now.toEpochMilli())
                        .execute();
            }
            return h.createQuery("SELECT * FROM credentials WHERE user_id = :userId AND host = :host")
                    .bind("userId", userId)
                    .bind("host", host)
                    .map(CREDENTIAL)
                    .one();
        });
    }

    @Override
    public Optional<Credential> find(String userId, String host) {
        return db.read(h -> h.createQuery("SELECT * FROM credentials WHERE user_id = :userId AND host = :host")
                .bind("userId", userId)
                .bind("host", host)
                .map(CREDENTIAL)
                .findOne());
    }

    @Override
    public List<Credential> list(String userId) {
        return db.read(h -> h.createQuery("SELECT * FROM credentials WHERE user_id = :userId ORDER BY host")
                .bind("userId", userId)
                .map(CREDENTIAL)
                .list());
    }

    @Override
    public boolean delete(String userId, String host) {
        return db.write(h -> h.createUpdate("DELETE FROM credentials WHERE user_id = :userId AND host = :host")
                        .bind("userId", userId)
                        .bind("host", host)
                        .execute())
                > 0;
    }

    @Override
    public boolean replaceIfVersion(
            String id,
            long expectedVersion,
            String secretSealed,
            String refreshSealed,
            Instant expiresAt,
            Instant refreshExpiresAt,
            Instant now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE credentials SET secret_sealed = :secret, refresh_sealed = :refresh, expires_at = :expiresAt,
                            refresh_expires_at = :refreshExpiresAt, version = version + 1, updated_at = :now
                        WHERE id = :id AND version = :version""")
                        .bind("secret", secretSealed)
                        .bind("refresh", refreshSealed)
                        .bind("expiresAt", Db.millis(expiresAt))
                        .bind("refreshExpiresAt", Db.millis(refreshExpiresAt))
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .bind("version", expectedVersion)
                        .execute())
                == 1;
    }
}

package dev.nightshift.store;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.Credential;
import dev.nightshift.core.port.CredentialStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * People's git host credentials, kept in the vault's table: one user-scoped entry per person and
 * host, delivery {@code git}, named {@code git@<host>}. The vault lists them beside the other
 * secrets; only the control plane ever opens them.
 */
final class JdbcCredentials implements CredentialStore {
    private static final String GIT = "git";
    private static final String OF_USER_AND_HOST =
            "scope = 'user' AND delivery = 'git' AND scope_key = :userId AND name = :name";
    private static final RowMapper<Credential> CREDENTIAL = (rs, ctx) -> new Credential(
            rs.getString("id"),
            rs.getString("scope_key"),
            rs.getString("hosts"),
            rs.getString("credential_kind"),
            rs.getString("username"),
            rs.getString("value_sealed"),
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

    /** The vault entry's name for a person's credential on a host. */
    static String name(String host) {
        return "git@" + host;
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
            int updated = h.createUpdate("UPDATE secrets SET credential_kind = :kind, username = :username, "
                            + "value_sealed = :secret, refresh_sealed = :refresh, expires_at = :expiresAt, "
                            + "refresh_expires_at = :refreshExpiresAt, version = version + 1, updated_at = :now, "
                            + "updated_by = :userId WHERE " + OF_USER_AND_HOST)
                    .bind("kind", kind)
                    .bind("username", username)
                    .bind("secret", secretSealed)
                    .bind("refresh", refreshSealed)
                    .bind("expiresAt", Db.millis(expiresAt))
                    .bind("refreshExpiresAt", Db.millis(refreshExpiresAt))
                    .bind("now", now.toEpochMilli())
                    .bind("userId", userId)
                    .bind("name", name(host))
                    .execute();
            if (updated == 0) {
                h.createUpdate("""
                                INSERT INTO secrets (id, name, delivery, hosts, methods, path_prefixes, headers, query_params,
                                    scope, scope_key, value_sealed, created_by, created_at, updated_by, updated_at, version,
                                    credential_kind, username, refresh_sealed, expires_at, refresh_expires_at)
                                VALUES (:id, :name, :delivery, :host, '', '', '', '', 'user', :userId, :secret, :userId, :now,
                                    :userId, :now, 1, :kind, :username, :refresh, :expiresAt, :refreshExpiresAt)""")
                        .bind("id", Ids.newId("cred"))
                        .bind("name", name(host))
                        .bind("delivery", GIT)
                        .bind("host", host)
                        .bind("userId", userId)
                        .bind("secret", secretSealed)
                        .bind("now", now.toEpochMilli())
                        .bind("kind", kind)
                        .bind("username", username)
                        .bind("refresh", refreshSealed)
                        .bind("expiresAt", Db.millis(expiresAt))
                        .bind("refreshExpiresAt", Db.millis(refreshExpiresAt))
                        .execute();
            }
            return h.createQuery("SELECT * FROM secrets WHERE " + OF_USER_AND_HOST)
                    .bind("userId", userId)
                    .bind("name", name(host))
                    .map(CREDENTIAL)
                    .one();
        });
    }

    @Override
    public Optional<Credential> find(String userId, String host) {
        return db.read(h -> h.createQuery("SELECT * FROM secrets WHERE " + OF_USER_AND_HOST)
                .bind("userId", userId)
                .bind("name", name(host))
                .map(CREDENTIAL)
                .findOne());
    }

    @Override
    public List<Credential> list(String userId) {
        return db.read(h -> h.createQuery(
                        "SELECT * FROM secrets WHERE scope = 'user' AND delivery = 'git' AND scope_key = :userId ORDER BY hosts")
                .bind("userId", userId)
                .map(CREDENTIAL)
                .list());
    }

    @Override
    public boolean delete(String userId, String host) {
        return db.write(h -> h.createUpdate("DELETE FROM secrets WHERE " + OF_USER_AND_HOST)
                        .bind("userId", userId)
                        .bind("name", name(host))
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
                        UPDATE secrets SET value_sealed = :secret, refresh_sealed = :refresh, expires_at = :expiresAt,
                            refresh_expires_at = :refreshExpiresAt, version = version + 1, updated_at = :now
                        WHERE id = :id AND version = :version AND delivery = 'git'""")
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

package dev.nightshift.store;

import dev.nightshift.core.port.SecretStore;
import dev.nightshift.core.secret.Delivery;
import dev.nightshift.core.secret.StoredSecret;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;

final class JdbcSecrets implements SecretStore {
    private static final RowMapper<StoredSecret> SECRET = (rs, ctx) -> new StoredSecret(
            rs.getString("id"),
            rs.getString("name"),
            Delivery.fromWire(rs.getString("delivery")),
            lines(rs.getString("hosts")),
            lines(rs.getString("methods")),
            lines(rs.getString("path_prefixes")),
            lines(rs.getString("headers")),
            lines(rs.getString("query_params")),
            StoredSecret.Kind.fromWire(rs.getString("scope")),
            rs.getString("scope_key"),
            rs.getString("value_sealed"),
            rs.getString("created_by"),
            Db.instant(rs, "created_at"),
            rs.getString("updated_by"),
            Db.instant(rs, "updated_at"),
            rs.getLong("version"));

    private final Db db;

    JdbcSecrets(Db db) {
        this.db = db;
    }

    @Override
    public Optional<StoredSecret> create(StoredSecret s) {
        try {
            db.write(h -> bindChangeable(h.createUpdate("""
                                    INSERT INTO secrets (id, name, delivery, hosts, methods, path_prefixes, headers,
                                        query_params, scope, scope_key, value_sealed, created_by, created_at,
                                        updated_by, updated_at, version)
                                    VALUES (:id, :name, :delivery, :hosts, :methods, :pathPrefixes, :headers,
                                        :queryParams, :scope, :scopeKey, :valueSealed, :createdBy, :createdAt,
                                        :updatedBy, :updatedAt, 1)"""), s)
                    .bind("id", s.id())
                    .bind("name", s.name())
                    .bind("scope", s.scope().wire())
                    .bind("scopeKey", s.scopeKey())
                    .bind("createdBy", s.createdBy())
                    .bind("createdAt", Db.millis(s.createdAt()))
                    .execute());
        } catch (RuntimeException e) {
            if (Db.isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw e;
        }
        return find(s.id());
    }

    @Override
    public Optional<StoredSecret> find(String id) {
        return db.read(h -> h.createQuery("SELECT * FROM secrets WHERE id = :id")
                .bind("id", id)
                .map(SECRET)
                .findOne());
    }

    @Override
    public List<StoredSecret> list() {
        return db.read(h -> h.createQuery("SELECT * FROM secrets ORDER BY scope, scope_key, name")
                .map(SECRET)
                .list());
    }

    @Override
    public boolean replaceIfVersion(StoredSecret s, long expectedVersion) {
        return db.write(h -> bindChangeable(h.createUpdate("""
                                        UPDATE secrets SET delivery = :delivery, hosts = :hosts, methods = :methods,
                                            path_prefixes = :pathPrefixes, headers = :headers, query_params = :queryParams,
                                            value_sealed = :valueSealed, updated_by = :updatedBy, updated_at = :updatedAt,
                                            version = version + 1
                                        WHERE id = :id AND version = :version"""), s)
                        .bind("id", s.id())
                        .bind("version", expectedVersion)
                        .execute())
                == 1;
    }

    @Override
    public boolean delete(String id) {
        return db.write(h -> h.createUpdate("DELETE FROM secrets WHERE id = :id")
                        .bind("id", id)
                        .execute())
                > 0;
    }

    private static <S extends SqlStatement<S>> S bindChangeable(S statement, StoredSecret s) {
        return statement
                .bind("delivery", s.delivery().wire())
                .bind("hosts", String.join("\n", s.hosts()))
                .bind("methods", String.join("\n", s.methods()))
                .bind("pathPrefixes", String.join("\n", s.pathPrefixes()))
                .bind("headers", String.join("\n", s.headers()))
                .bind("queryParams", String.join("\n", s.queryParams()))
                .bind("valueSealed", s.valueSealed())
                .bind("updatedBy", s.updatedBy())
                .bind("updatedAt", Db.millis(s.updatedAt()));
    }

    private static List<String> lines(String stored) {
        return stored == null || stored.isEmpty() ? List.of() : Arrays.asList(stored.split("\n"));
    }
}

package dev.nightshift.core.secret;

import dev.nightshift.core.model.Wire;
import java.time.Instant;
import java.util.List;

/**
 * A secret of the vault as stored: everything but the value is in the clear, the value is sealed
 * (AES-GCM, scope and name bound as associated data) and opened only where a session's secrets are
 * resolved. Never shown with its value.
 *
 * @param scopeKey the repository pattern for {@link Kind#REPOSITORY}, the user's id for
 *     {@link Kind#USER}, empty for {@link Kind#DEPLOYMENT}: one name per (kind, key)
 * @param version bumped on every change: an update writes only over the version it read
 */
public record StoredSecret(
        String id,
        String name,
        Delivery delivery,
        List<String> hosts,
        List<String> methods,
        List<String> pathPrefixes,
        List<String> headers,
        List<String> queryParams,
        Kind scope,
        String scopeKey,
        String valueSealed,
        String createdBy,
        Instant createdAt,
        String updatedBy,
        Instant updatedAt,
        long version) {

    /** Whose sessions a secret applies to. */
    public enum Kind {
        /** Every session of the deployment. */
        DEPLOYMENT,
        /** Sessions on a repository matching a pattern. */
        REPOSITORY,
        /** Sessions a user starts. */
        USER;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind fromWire(String value) {
            return Wire.parse(Kind.class, value);
        }
    }

    public StoredSecret {
        hosts = List.copyOf(hosts);
        methods = List.copyOf(methods);
        pathPrefixes = List.copyOf(pathPrefixes);
        headers = List.copyOf(headers);
        queryParams = List.copyOf(queryParams);
        scopeKey = scopeKey == null ? "" : scopeKey;
    }

    /** The associated data its value is sealed with: a sealed value copied to another scope or name does not open. */
    public String sealContext() {
        return sealContext(scope, scopeKey, name);
    }

    public static String sealContext(Kind scope, String scopeKey, String name) {
        return "secret:" + scope.wire() + ":" + (scopeKey == null ? "" : scopeKey) + ":" + name;
    }

    /** A copy with a new sealed value (key rotation). */
    public StoredSecret withValueSealed(String sealed) {
        return new StoredSecret(
                id,
                name,
                delivery,
                hosts,
                methods,
                pathPrefixes,
                headers,
                queryParams,
                scope,
                scopeKey,
                sealed,
                createdBy,
                createdAt,
                updatedBy,
                updatedAt,
                version);
    }

    /** Never the sealed value either. */
    @Override
    public String toString() {
        return "StoredSecret[" + id + ", " + scope.wire() + ":" + scopeKey + ", " + name + ", " + delivery.wire()
                + ", v" + version + "]";
    }
}

package dev.nightshift.core.port;

import dev.nightshift.core.secret.StoredSecret;
import java.util.List;
import java.util.Optional;

/** The vault's secrets, values sealed; at most one name per scope (a unique index keeps it so). */
public interface SecretStore {
    /** Stores a new secret (its version is 1); empty when the scope already has a secret of that name. */
    Optional<StoredSecret> create(StoredSecret secret);

    Optional<StoredSecret> find(String id);

    /** Every secret, by scope, scope key and name: a deployment holds few, and the caller filters. */
    List<StoredSecret> list();

    /**
     * Replaces everything that may change (delivery, hosts, methods, path prefixes, headers, query
     * parameters, sealed value, who and when) only if the stored version is still
     * {@code expectedVersion}; the version is then bumped. False when it changed meanwhile or is gone.
     */
    boolean replaceIfVersion(StoredSecret updated, long expectedVersion);

    boolean delete(String id);
}

package dev.nightshift.core.port;

import dev.nightshift.core.model.Credential;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Sealed credentials per person and host; at most one per (person, host). */
public interface CredentialStore {
    /** Stores (or replaces) the person's credential for a host. */
    Credential put(
            String userId,
            String host,
            String kind,
            String username,
            String secretSealed,
            String refreshSealed,
            Instant expiresAt,
            Instant refreshExpiresAt,
            Instant now);

    Optional<Credential> find(String userId, String host);

    List<Credential> list(String userId);

    boolean delete(String userId, String host);

    /**
     * Replaces the secrets only if the stored version is still {@code expectedVersion}: two nodes
     * refreshing at once never overwrite each other's newer token with an older one.
     */
    boolean replaceIfVersion(
            String id,
            long expectedVersion,
            String secretSealed,
            String refreshSealed,
            Instant expiresAt,
            Instant refreshExpiresAt,
            Instant now);
}

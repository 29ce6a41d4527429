package dev.nightshift.core.model;

import java.time.Instant;

/**
 * A person's credential for one git host, as stored: the secrets are sealed (AES-GCM) by the
 * control plane and opened only in the moment a host-side git or API call needs them.
 *
 * @param kind {@code token} (HTTPS token), {@code ssh_key} or {@code oauth} (expiring, refreshable)
 * @param version bumped on every change: a token refresh writes only over the version it read
 */
public record Credential(
        String id,
        String userId,
        String host,
        String kind,
        String username,
        String secretSealed,
        String refreshSealed,
        Instant expiresAt,
        Instant refreshExpiresAt,
        long version,
        Instant createdAt,
        Instant updatedAt) {
    public static final java.util.Set<String> KINDS = java.util.Set.of("token", "ssh_key", "oauth");

    @Override
    public String toString() {
        return "Credential[" + id + ", " + userId + "@" + host + ", " + kind + ", v" + version + "]";
    }
}

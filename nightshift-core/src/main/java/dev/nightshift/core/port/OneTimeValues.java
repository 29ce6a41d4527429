package dev.nightshift.core.port;

import java.time.Instant;
import java.util.Optional;

/**
 * Single-use values with an expiry (OAuth {@code state}) and webhook delivery ids seen. Both rules
 * live in the database: a value is consumed by one delete, a delivery recorded by one insert.
 */
public interface OneTimeValues {
    void save(String purpose, String valueHash, String payload, Instant expiresAt);

    /** Removes the value and returns its payload if it existed, was for {@code purpose} and had not expired. */
    Optional<String> consume(String purpose, String valueHash, Instant now);

    /** True the first time a delivery id is seen for a provider, false for a redelivery. */
    boolean firstDelivery(String provider, String deliveryId, Instant now);

    /**
     * Forgets a delivery id, so a redelivery of a delivery whose handling failed is handled again;
     * false when it was not recorded.
     */
    boolean forgetDelivery(String provider, String deliveryId);
}

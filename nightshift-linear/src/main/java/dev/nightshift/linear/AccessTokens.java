package dev.nightshift.linear;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where {@link LinearClient} gets the bearer token of the app actor. It is asked before every
 * request, so a token renewed by another thread (or another node sharing the same storage) is used
 * as soon as it exists; and told when Linear refused a token, so an OAuth installation can renew
 * it once instead of failing the call.
 *
 * <p>Called on whichever thread makes the Linear call; implementations must be thread-safe and may
 * block (a renewal is an HTTP request).
 */
public interface AccessTokens {

    /** The token to send now; null or blank when there is none (the call then fails saying so). */
    String current();

    /**
     * Linear refused {@code token} as unauthenticated (expired, revoked, unknown). Returns another
     * token worth one more try — renewed here, or renewed meanwhile by someone else — or null when
     * there is none, and the refusal stands.
     */
    default String refused(String token) {
        return null;
    }

    /** A fixed or externally managed token that cannot be renewed here. */
    static AccessTokens of(Supplier<String> token) {
        Objects.requireNonNull(token, "token");
        return token::get;
    }
}

package dev.nightshift.agent.model;

import java.time.Duration;

/**
 * How long to wait before trying a model again: exponential from {@link #INITIAL}, capped at
 * {@link #MAX}; a provider's Retry-After wins when it sent one, up to {@link #MAX_RETRY_AFTER}.
 * Pure, so the policy is tested without waiting.
 */
public final class Backoff {
    public static final Duration INITIAL = Duration.ofMillis(500);
    public static final Duration MAX = Duration.ofSeconds(8);
    /** The longest Retry-After honoured; a provider asking for more is skipped for the next fallback. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private Backoff() {}

    /**
     * @param attempt the retry about to be made, from 1
     * @param retryAfter the provider's Retry-After, or null
     */
    public static Duration delay(int attempt, Duration retryAfter) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
        }
        if (retryAfter != null && retryAfter.isPositive()) {
            return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
        }
        int doublings = Math.min(attempt - 1, 30);
        long millis = INITIAL.toMillis() << doublings;
        return millis >= MAX.toMillis() || millis <= 0 ? MAX : Duration.ofMillis(millis);
    }

    /** Whether waiting out the provider's Retry-After is reasonable, rather than moving to another model. */
    public static boolean worthWaiting(Duration retryAfter) {
        return retryAfter == null || retryAfter.compareTo(MAX_RETRY_AFTER) <= 0;
    }
}

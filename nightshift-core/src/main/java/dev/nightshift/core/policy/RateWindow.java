package dev.nightshift.core.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * A fixed-window rate limit as an immutable value: {@link #tryAcquire} returns the next state, or
 * null when the request is over the limit. Pure, so the caller owns where the state lives.
 */
public record RateWindow(Instant windowStart, int used) {
    public static RateWindow fresh(Instant now) {
        return new RateWindow(now, 0);
    }

    public RateWindow tryAcquire(Instant now, int maxPerWindow, Duration window) {
        if (!now.isBefore(windowStart.plus(window))) {
            return new RateWindow(now, 1);
        }
        return used < maxPerWindow ? new RateWindow(windowStart, used + 1) : null;
    }
}

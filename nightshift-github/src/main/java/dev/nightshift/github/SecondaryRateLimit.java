package dev.nightshift.github;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * GitHub's secondary rate limit: a 403 or 429 with {@code Retry-After}, or whose message says
 * "secondary rate limit". GitHub asks clients to wait as told, or at least a minute when not
 * told. We wait at most {@link #MAX_WAIT}: a longer wait would hold a user's request for longer
 * than they would wait for it, so it fails instead.
 */
final class SecondaryRateLimit {

    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** GitHub's guidance when a secondary limit comes without {@code Retry-After}. */
    static final Duration WAIT_WITHOUT_RETRY_AFTER = Duration.ofSeconds(60);
    /** Requests, counting the first, before a still-limited request fails. */
    static final int MAX_ATTEMPTS = 3;

    private SecondaryRateLimit() {}

    static boolean applies(int status, String retryAfter, String message) {
        return (status == 403 || status == 429) && (retryAfter != null || mentioned(message));
    }

    static boolean mentioned(String message) {
        return message != null && message.toLowerCase(Locale.ROOT).contains("secondary rate limit");
    }

    /**
     * How long to wait before retrying, or empty when GitHub asks for longer than {@link #MAX_WAIT}.
     * {@code Retry-After} is delta-seconds or an HTTP-date; one we cannot read counts as absent.
     */
    static Optional<Duration> waitFor(String retryAfter, Instant now) {
        Duration wait = parse(retryAfter, now).orElse(WAIT_WITHOUT_RETRY_AFTER);
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return wait.compareTo(MAX_WAIT) <= 0 ? Optional.of(wait) : Optional.empty();
    }

    private static Optional<Duration> parse(String retryAfter, Instant now) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return Optional.empty();
        }
        String v = retryAfter.trim();
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return Optional.of(Duration.between(now, at));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    static String tooLong(String retryAfter) {
        return "GitHub's secondary rate limit asks to wait (Retry-After: " + retryAfter + ") longer than "
                + MAX_WAIT.toSeconds() + " s; try again later";
    }
}

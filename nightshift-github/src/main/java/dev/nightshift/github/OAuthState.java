package dev.nightshift.github;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * The OAuth {@code state} parameter, which ties GitHub's callback to the browser that started the
 * sign-in (against login CSRF). The server stores it, sends {@link #value()} to GitHub and, on the
 * callback, asks {@link #validate} whether the presented value matches and is still fresh; using
 * it once only is the store's job (delete on read).
 *
 * @param value 256 random bits, URL-safe Base64 without padding
 * @param expiresAt after this the state is refused
 */
public record OAuthState(String value, Instant expiresAt) {

    /** How long a user has to finish signing in on GitHub. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public OAuthState {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** A fresh state valid for {@link #DEFAULT_TTL} from {@code now}. */
    public static OAuthState generate(Instant now) {
        return generate(now, DEFAULT_TTL);
    }

    public static OAuthState generate(Instant now, Duration ttl) {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return new OAuthState(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), now.plus(ttl));
    }

    /**
     * Whether {@code presented} is the stored state and it has not expired at {@code now}. The
     * comparison takes the same time wherever the strings differ, so the answer's timing does not
     * reveal how much of a guess was right.
     */
    public static boolean validate(OAuthState stored, String presented, Instant now) {
        if (stored == null || presented == null || now == null) {
            return false;
        }
        boolean same = MessageDigest.isEqual(
                stored.value.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
        boolean fresh = now.isBefore(stored.expiresAt);
        return same & fresh;
    }
}

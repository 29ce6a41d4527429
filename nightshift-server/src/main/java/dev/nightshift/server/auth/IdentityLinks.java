package dev.nightshift.server.auth;

import dev.nightshift.core.Secrets;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.http.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Linking a further outside account to yourself: a signed-in person asks for a link (an API call
 * with their token), and the browser then follows the provider's sign-in with it. The link is a
 * single-use value bound to the person and the provider, stored hashed, valid for a few minutes,
 * so a link leaked from a browser's history is worthless and cannot attach an account to anyone else.
 */
public final class IdentityLinks {
    static final String PURPOSE = "identity-link";
    static final Duration TTL = Duration.ofMinutes(10);

    private IdentityLinks() {}

    /** A new link secret for {@code userId} to sign in to {@code provider} with. */
    public static String create(Store store, String userId, String provider, Clock clock) {
        String secret = Secrets.newSecret("nsi");
        store.oneTimeValues()
                .save(
                        PURPOSE,
                        Secrets.hash(secret),
                        provider + " " + userId,
                        clock.instant().plus(TTL));
        return secret;
    }

    /**
     * The user a link secret was made for, consuming it; null when no link was given.
     *
     * @throws ApiException 401 when the link is unknown, used, expired or for another provider
     */
    public static String consume(Store store, String secret, String provider, Clock clock) {
        if (secret == null || secret.isBlank()) {
            return null;
        }
        Instant now = clock.instant();
        String payload = store.oneTimeValues()
                .consume(PURPOSE, Secrets.hash(secret), now)
                .orElse("");
        int space = payload.indexOf(' ');
        if (space < 0 || !payload.substring(0, space).equals(provider)) {
            store.audit()
                    .record(null, null, "identity.link", provider, "refused", "unknown, used or expired link", now);
            throw ApiException.unauthorized(
                    "this account link is unknown, was already used or expired; start again from your profile");
        }
        return payload.substring(space + 1);
    }
}

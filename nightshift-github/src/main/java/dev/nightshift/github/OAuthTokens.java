package dev.nightshift.github;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's tokens from GitHub App sign-in. With expiring user tokens (GitHub's default for Apps)
 * the access token lives 8 hours and the refresh token about 6 months; with expiration turned off
 * in the App's settings both expiry instants and the refresh token are null.
 *
 * @param accessToken sent as {@code Authorization: Bearer}
 * @param accessExpiresAt when the access token stops working; null when it does not expire
 * @param refreshToken single use, for {@link GitHubOAuth#refresh}; null when tokens do not expire
 * @param refreshExpiresAt when the refresh token stops working; null with no refresh token
 */
public record OAuthTokens(String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt) {

    public OAuthTokens {
        Objects.requireNonNull(accessToken, "accessToken");
    }

    /** Whether the access token has expired at {@code now}; never for non-expiring tokens. */
    public boolean accessExpired(Instant now) {
        return accessExpiresAt != null && !now.isBefore(accessExpiresAt);
    }

    /** Tokens are secrets: they stay out of logs and error messages. */
    @Override
    public String toString() {
        return "OAuthTokens[accessExpiresAt=" + accessExpiresAt + ", refreshToken="
                + (refreshToken == null ? "none" : "present") + ", refreshExpiresAt=" + refreshExpiresAt + "]";
    }
}

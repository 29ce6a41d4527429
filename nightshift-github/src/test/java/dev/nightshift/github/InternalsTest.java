package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The package-private pieces whose edge cases the end-to-end tests do not reach. */
class InternalsTest {

    private static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");
    private static final URI API = URI.create("https://api.github.com");

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertThat(SecondaryRateLimit.waitFor("7", NOW)).contains(Duration.ofSeconds(7));
        assertThat(SecondaryRateLimit.waitFor("Sat, 21 Nov 2026 08:00:30 GMT", NOW))
                .contains(Duration.ofSeconds(30));
        assertThat(SecondaryRateLimit.waitFor("Sat, 21 Nov 2026 07:59:00 GMT", NOW))
                .contains(Duration.ZERO);
    }

    @Test
    void withoutAReadableRetryAfterTheWaitIsAMinute() {
        assertThat(SecondaryRateLimit.waitFor(null, NOW)).contains(Duration.ofSeconds(60));
        assertThat(SecondaryRateLimit.waitFor("soon", NOW)).contains(Duration.ofSeconds(60));
    }

    @Test
    void aWaitBeyondTheBoundIsRefused() {
        assertThat(SecondaryRateLimit.waitFor("60", NOW)).contains(SecondaryRateLimit.MAX_WAIT);
        assertThat(SecondaryRateLimit.waitFor("61", NOW)).isEmpty();
    }

    @Test
    void onlyRateLimitAnswersCountAsSecondaryLimits() {
        assertThat(SecondaryRateLimit.applies(403, "1", "whatever")).isTrue();
        assertThat(SecondaryRateLimit.applies(429, null, "You have exceeded a secondary rate limit."))
                .isTrue();
        assertThat(SecondaryRateLimit.applies(403, null, "Resource not accessible by integration"))
                .isFalse();
        assertThat(SecondaryRateLimit.applies(500, "1", "secondary rate limit")).isFalse();
    }

    @Test
    void theNextLinkIsFoundAmongOthers() {
        String header = "<https://api.github.com/installation/repositories?page=1>; rel=\"prev\", "
                + "<https://api.github.com/installation/repositories?page=3>; rel=\"next\", "
                + "<https://api.github.com/installation/repositories?page=5>; rel=\"last\"";

        assertThat(Links.next(header, API))
                .contains(URI.create("https://api.github.com/installation/repositories?page=3"));
        assertThat(Links.next("<https://api.github.com/x?page=1>; rel=\"first\"", API))
                .isEmpty();
        assertThat(Links.next(null, API)).isEmpty();
    }

    @Test
    void aNextLinkToAnotherHostIsNotFollowed() {
        assertThatThrownBy(() -> Links.next("<https://evil.example/steal?page=2>; rel=\"next\"", API))
                .isInstanceOf(GitHubException.class)
                .hasMessageContaining("evil.example");
    }

    @Test
    void pathsKeepSlashesQueriesDoNot() {
        assertThat(UrlEncoding.path("feat/ä b+c")).isEqualTo("feat/%C3%A4%20b%2Bc");
        assertThat(UrlEncoding.query("a/b c&d=e")).isEqualTo("a%2Fb%20c%26d%3De");
        assertThat(UrlEncoding.query("A-z_0.9~")).isEqualTo("A-z_0.9~");
    }

    @Test
    void readsBothPemFormsAndRefusesOthers() {
        assertThatThrownBy(
                        () -> Pem.rsaPrivateKey("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pem.rsaPrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a readable RSA key");
    }
}

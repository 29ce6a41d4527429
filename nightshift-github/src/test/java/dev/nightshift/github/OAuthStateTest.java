package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OAuthStateTest {

    private static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");

    @Test
    void statesAreUrlSafeLongAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            OAuthState s = OAuthState.generate(NOW);
            assertThat(s.value()).matches("[A-Za-z0-9_-]{43}"); // 256 bits in unpadded Base64
            assertThat(s.expiresAt()).isEqualTo(NOW.plus(OAuthState.DEFAULT_TTL));
            seen.add(s.value());
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void theSameValueBeforeExpiryIsValid() {
        OAuthState s = OAuthState.generate(NOW, Duration.ofMinutes(10));

        assertThat(OAuthState.validate(s, s.value(), NOW)).isTrue();
        assertThat(OAuthState.validate(
                        s, s.value(), NOW.plus(Duration.ofMinutes(10)).minusMillis(1)))
                .isTrue();
    }

    @Test
    void anExpiredStateIsRefused() {
        OAuthState s = OAuthState.generate(NOW, Duration.ofMinutes(10));

        assertThat(OAuthState.validate(s, s.value(), NOW.plus(Duration.ofMinutes(10))))
                .isFalse();
    }

    @Test
    void anyOtherValueIsRefused() {
        OAuthState s = OAuthState.generate(NOW);
        String v = s.value();

        assertThat(OAuthState.validate(s, v.substring(0, v.length() - 1), NOW)).isFalse();
        assertThat(OAuthState.validate(s, v + "x", NOW)).isFalse();
        assertThat(OAuthState.validate(s, v.toUpperCase(), NOW)).isFalse();
        assertThat(OAuthState.validate(s, "", NOW)).isFalse();
        assertThat(OAuthState.validate(s, null, NOW)).isFalse();
        assertThat(OAuthState.validate(null, v, NOW)).isFalse();
    }
}

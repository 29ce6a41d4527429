package dev.nightshift.agent.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromHalfASecondUpToTheCap() {
        assertThat(Backoff.delay(1, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(Backoff.delay(2, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.delay(3, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Backoff.delay(4, null)).isEqualTo(Duration.ofSeconds(4));
        assertThat(Backoff.delay(5, null)).isEqualTo(Backoff.MAX);
        assertThat(Backoff.delay(6, null)).isEqualTo(Backoff.MAX);
        assertThat(Backoff.delay(1000, null)).isEqualTo(Backoff.MAX);
    }

    @Test
    void retryAfterWinsUpToItsCap() {
        assertThat(Backoff.delay(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(Backoff.delay(4, Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(100));
        assertThat(Backoff.delay(1, Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(20));
        assertThat(Backoff.delay(1, Duration.ofMinutes(5))).isEqualTo(Backoff.MAX_RETRY_AFTER);
        assertThat(Backoff.MAX_RETRY_AFTER).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aZeroRetryAfterFallsBackToTheExponentialDelay() {
        assertThat(Backoff.delay(2, Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void waitingIsWorthItOnlyUpToTheCap() {
        assertThat(Backoff.worthWaiting(null)).isTrue();
        assertThat(Backoff.worthWaiting(Duration.ofSeconds(30))).isTrue();
        assertThat(Backoff.worthWaiting(Duration.ofSeconds(31))).isFalse();
    }

    @Test
    void attemptsCountFromOne() {
        assertThatThrownBy(() -> Backoff.delay(0, null)).isInstanceOf(IllegalArgumentException.class);
    }
}

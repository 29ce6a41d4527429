package dev.nightshift.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.core.policy.SandboxLifecycle.Hibernation;
import dev.nightshift.core.policy.SandboxLifecycle.SpawnBreaker;
import dev.nightshift.core.sandbox.SandboxState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SandboxLifecycleTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Duration IDLE = Duration.ofMinutes(30);

    @Test
    void aReadySandboxHibernatesOnceIdleForTheTimeout() {
        assertThat(SandboxLifecycle.hibernation(SandboxState.READY, T0, false, T0.plus(IDLE), IDLE))
                .isEqualTo(new Hibernation.Now());
        assertThat(SandboxLifecycle.hibernation(
                        SandboxState.READY, T0, false, T0.plus(IDLE).plusSeconds(5), IDLE))
                .isEqualTo(new Hibernation.Now());
    }

    @Test
    void notYetDueReArmsForTheExactDueTime() {
        assertThat(SandboxLifecycle.hibernation(SandboxState.READY, T0, false, T0.plusSeconds(60), IDLE))
                .isEqualTo(new Hibernation.Later(T0.plus(IDLE)));
        assertThat(SandboxLifecycle.hibernation(
                        SandboxState.READY, T0, false, T0.plus(IDLE).minusMillis(1), IDLE))
                .isEqualTo(new Hibernation.Later(T0.plus(IDLE)));
    }

    @Test
    void neverUnderARunningTurnButAlwaysReArms() {
        Hibernation decision =
                SandboxLifecycle.hibernation(SandboxState.READY, T0, true, T0.plus(IDLE.multipliedBy(3)), IDLE);
        assertThat(decision).isInstanceOf(Hibernation.Later.class);
        assertThat(((Hibernation.Later) decision).at()).isAfter(T0.plus(IDLE.multipliedBy(3)));
    }

    @ParameterizedTest
    @EnumSource(value = SandboxState.class, names = "READY", mode = EnumSource.Mode.EXCLUDE)
    void onlyAReadySandboxCanHibernate(SandboxState state) {
        assertThat(SandboxLifecycle.hibernation(state, T0, false, T0.plus(IDLE.multipliedBy(2)), IDLE))
                .isEqualTo(new Hibernation.Never());
    }

    @Test
    void theBreakerOpensAfterThreeFailuresInFiveMinutesAndClosesAsTheyAge() {
        SpawnBreaker breaker = SpawnBreaker.closed();
        assertThat(breaker.allows(T0)).isTrue();
        breaker = breaker.failed(T0).failed(T0.plusSeconds(60));
        assertThat(breaker.allows(T0.plusSeconds(61))).isTrue();
        breaker = breaker.failed(T0.plusSeconds(120));
        assertThat(breaker.allows(T0.plusSeconds(121))).isFalse();
        assertThat(breaker.retryAt(T0.plusSeconds(121))).isEqualTo(T0.plus(SandboxLifecycle.BREAKER_WINDOW));
        assertThat(breaker.allows(T0.plus(SandboxLifecycle.BREAKER_WINDOW))).isTrue(); // the oldest aged out
        assertThat(breaker.succeeded().allows(T0.plusSeconds(121))).isTrue();
    }

    @Test
    void oldFailuresDoNotCount() {
        SpawnBreaker breaker = SpawnBreaker.closed().failed(T0).failed(T0.plusSeconds(1));
        breaker = breaker.failed(T0.plus(SandboxLifecycle.BREAKER_WINDOW).plusSeconds(10));
        assertThat(breaker.allows(T0.plus(SandboxLifecycle.BREAKER_WINDOW).plusSeconds(11)))
                .isTrue();
        assertThat(breaker.failures()).hasSize(1); // the aged ones are dropped, so memory stays bounded
        assertThat(breaker.retryAt(T0)).isEqualTo(T0);
    }
}

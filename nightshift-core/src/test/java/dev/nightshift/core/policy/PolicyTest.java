package dev.nightshift.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.core.model.Role;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.port.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyTest {
    private final Limits limits = Limits.DEFAULTS;

    @Test
    void promptCheckRejectsEmptyAndOversizedContent() {
        assertThat(PromptCheck.check(null, limits)).isEqualTo(PromptCheck.Verdict.EMPTY);
        assertThat(PromptCheck.check("  \n", limits)).isEqualTo(PromptCheck.Verdict.EMPTY);
        assertThat(PromptCheck.check("x".repeat(64_000), limits)).isEqualTo(PromptCheck.Verdict.OK);
        assertThat(PromptCheck.check("x".repeat(64_001), limits)).isEqualTo(PromptCheck.Verdict.TOO_LARGE);
    }

    @Test
    void rolesAllowExactlyTheirActions() {
        assertThat(Access.allows(Role.VIEWER, Access.Action.READ)).isTrue();
        assertThat(Access.allows(Role.VIEWER, Access.Action.PROMPT)).isFalse();
        assertThat(Access.allows(Role.VIEWER, Access.Action.MANAGE)).isFalse();
        assertThat(Access.allows(Role.MEMBER, Access.Action.PROMPT)).isTrue();
        assertThat(Access.allows(Role.MEMBER, Access.Action.MANAGE)).isFalse();
        assertThat(Access.allows(Role.OWNER, Access.Action.MANAGE)).isTrue();
        assertThat(Access.allows(null, Access.Action.READ)).isFalse();
        assertThat(Access.effectiveRole(true, Optional.empty())).contains(Role.OWNER);
        assertThat(Access.effectiveRole(false, Optional.empty())).isEmpty();
        assertThat(Access.effectiveRole(false, Optional.of(Role.VIEWER))).contains(Role.VIEWER);
    }

    @Test
    void sessionStatusFollowsTheLastTurnOnceTheQueueIsEmpty() {
        assertThat(SessionStatusPolicy.afterTurn(MessageStatus.COMPLETED, true)).isEqualTo(SessionStatus.ACTIVE);
        assertThat(SessionStatusPolicy.afterTurn(MessageStatus.FAILED, true)).isEqualTo(SessionStatus.ACTIVE);
        assertThat(SessionStatusPolicy.afterTurn(MessageStatus.COMPLETED, false))
                .isEqualTo(SessionStatus.COMPLETED);
        assertThat(SessionStatusPolicy.afterTurn(MessageStatus.FAILED, false)).isEqualTo(SessionStatus.FAILED);
        assertThat(SessionStatusPolicy.acceptsPrompts(SessionStatus.ARCHIVED)).isFalse();
        assertThat(SessionStatusPolicy.acceptsPrompts(SessionStatus.COMPLETED)).isTrue();
    }

    @Test
    void historyLimitDefaultsAndRejectsOutOfRange() {
        assertThat(HistoryPaging.limit(null, limits)).isEqualTo(200);
        assertThat(HistoryPaging.limit(500, limits)).isEqualTo(500);
        assertThatThrownBy(() -> HistoryPaging.limit(501, limits)).hasMessageContaining("between 1 and 500");
        assertThatThrownBy(() -> HistoryPaging.limit(0, limits)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rateWindowAllowsTheQuotaThenRefusesUntilTheWindowRolls() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        RateWindow w = RateWindow.fresh(t0);
        for (int i = 0; i < 3; i++) {
            w = w.tryAcquire(t0.plusSeconds(i), 3, Duration.ofMinutes(1));
            assertThat(w).isNotNull();
        }
        assertThat(w.tryAcquire(t0.plusSeconds(59), 3, Duration.ofMinutes(1))).isNull();
        assertThat(w.tryAcquire(t0.plusSeconds(60), 3, Duration.ofMinutes(1)))
                .isEqualTo(new RateWindow(t0.plusSeconds(60), 1));
    }

    @Test
    void pageFromLookAheadIsExactAtTheBoundary() {
        assertThat(Page.fromLookAhead(List.of(1, 2, 3), 3)).isEqualTo(new Page<>(List.of(1, 2, 3), false));
        assertThat(Page.fromLookAhead(List.of(1, 2, 3, 4), 3)).isEqualTo(new Page<>(List.of(1, 2, 3), true));
        assertThat(Page.fromLookAhead(List.of(), 3).hasMore()).isFalse();
    }
}

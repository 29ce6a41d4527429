package dev.nightshift.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How far agents may go in starting sessions: depth, at work at once, in all; each refusal names its setting. */
class ChildSessionLimitsTest {
    private final ChildSessionLimits limits = new ChildSessionLimits(2, 5, 15, "DEPTH", "RUNNING", "TOTAL");

    @Test
    void withinEveryLimitASessionMayStartAnother() {
        assertThat(limits.refusal(0, 0, 0)).isEmpty();
        assertThat(limits.refusal(1, 4, 14)).isEmpty();
    }

    @Test
    void aSessionAtTheDeepestLevelMayNotStartOne() {
        assertThat(limits.refusal(2, 0, 0)).get().asString().contains("2 deep").contains("DEPTH");
        assertThat(new ChildSessionLimits(0, 5, 15, "DEPTH", "RUNNING", "TOTAL").refusal(0, 0, 0))
                .get()
                .asString()
                .contains("DEPTH");
    }

    @Test
    void tooManyAtWorkOrInAllAreRefusedSayingWhatToDoInstead() {
        assertThat(limits.refusal(0, 5, 5))
                .get()
                .asString()
                .contains("5 of this session's")
                .contains("RUNNING")
                .contains("wait_sessions");
        assertThat(limits.refusal(0, 0, 15))
                .get()
                .asString()
                .contains("started 15")
                .contains("TOTAL")
                .contains("send_prompt");
    }
}

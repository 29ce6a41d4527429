package dev.nightshift.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.automation.Automation;
import dev.nightshift.core.automation.AutomationRun;
import dev.nightshift.core.automation.AutomationRun.Status;
import dev.nightshift.core.automation.AutomationTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunRulesTest {
    static final Instant T0 = Instant.parse("2027-02-01T07:00:00Z");
    final RunRules rules = new RunRules(RunRules.DEFAULT_TIMEOUT);

    static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    static AutomationRun run(String id, Status status, String session, long created, Long started, Long ended) {
        return new AutomationRun(
                id,
                "aut_1",
                status,
                status == Status.FAILED ? "tests failed in " + id : "",
                session,
                "k-" + id,
                "trg_" + id,
                at(created),
                started == null ? null : at(started),
                ended == null ? null : at(ended));
    }

    static Automation automation(boolean paused, Instant updated) {
        return new Automation(
                "aut_1",
                "nightly deps",
                "acme/shop",
                "main",
                "Update the dependencies.",
                "default",
                "usr_1",
                new AutomationTrigger.Schedule("0 3 * * *", "UTC"),
                paused,
                paused ? "paused by a person" : "",
                T0.minus(Duration.ofDays(30)),
                updated,
                1);
    }

    @Test
    void aFireStartsWhenNoRunIsActive() {
        assertThat(rules.onFire(List.of())).isEqualTo(new RunRules.Fire.Start());
        assertThat(rules.onFire(List.of(
                        run("run_1", Status.SUCCEEDED, "ses_1", 0, 0L, 30L),
                        run("run_2", Status.FAILED, "ses_2", 60, 60L, 70L),
                        run("run_3", Status.SKIPPED, "ses_2", 65, null, 65L),
                        run("run_4", Status.UNMATCHED, "", 80, null, 80L))))
                .isInstanceOf(RunRules.Fire.Start.class);
    }

    @Test
    void anOverlappingFireIsSkippedNamingTheRunningSession() {
        RunRules.Fire fire = rules.onFire(List.of(
                run("run_1", Status.SUCCEEDED, "ses_1", 0, 0L, 30L),
                run("run_2", Status.RUNNING, "ses_2", 60, 61L, null)));
        assertThat(fire)
                .isEqualTo(new RunRules.Fire.Skip(
                        "run_2", "ses_2", "an earlier run (run_2) is still running in session ses_2"));
    }

    @Test
    void aFiredRunWithoutASessionYetAlsoBlocks() {
        RunRules.Fire fire = rules.onFire(List.of(run("run_9", Status.FIRED, "", 60, null, null)));
        assertThat(fire).isEqualTo(new RunRules.Fire.Skip("run_9", "", "an earlier run (run_9) is still fired"));
    }

    @Test
    void aRunOlderThanTheTimeoutIsStopped() {
        List<AutomationRun> runs = List.of(
                run("run_1", Status.RUNNING, "ses_1", 0, 1L, null),
                run("run_2", Status.FIRED, "", 10, null, null),
                run("run_3", Status.FAILED, "ses_3", -200, -200L, -100L));
        assertThat(rules.overdue(runs, at(90))).isEmpty();
        assertThat(rules.overdue(runs, at(91))).extracting(AutomationRun::id).containsExactly("run_1");
        assertThat(rules.overdue(runs, at(100))).extracting(AutomationRun::id).containsExactly("run_1", "run_2");
        assertThat(rules.timeoutReason()).isEqualTo("stopped after 90 minutes, the run timeout");
        assertThat(new RunRules(Duration.ofSeconds(90)).timeoutReason())
                .isEqualTo("stopped after 90 seconds, the run timeout");
        assertThat(new RunRules(Duration.ofMinutes(5)).overdue(runs, at(6)))
                .extracting(AutomationRun::id)
                .containsExactly("run_1");
    }

    @Test
    void threeConsecutiveFailuresPauseWithTheReason() {
        List<AutomationRun> runs = List.of(
                run("run_1", Status.SUCCEEDED, "ses_1", 0, 0L, 10L),
                run("run_2", Status.FAILED, "ses_2", 20, 20L, 30L),
                run("run_3", Status.SKIPPED, "ses_2", 25, null, 25L),
                run("run_4", Status.FAILED, "ses_4", 40, 40L, 50L),
                run("run_5", Status.UNMATCHED, "", 55, null, 55L),
                run("run_6", Status.FAILED, "ses_6", 60, 60L, 70L));
        assertThat(rules.pauseReason(automation(false, T0.minusSeconds(60)), runs))
                .contains("paused after 3 consecutive failed runs; the last failed with: tests failed in run_6;"
                        + " resume it once the cause is fixed");
    }

    @Test
    void fewerThanThreeOrASuccessInBetweenDoesNotPause() {
        Automation automation = automation(false, T0.minusSeconds(60));
        assertThat(rules.pauseReason(
                        automation,
                        List.of(
                                run("run_1", Status.FAILED, "s", 0, 0L, 10L),
                                run("run_2", Status.FAILED, "s", 20, 20L, 30L))))
                .isEmpty();
        assertThat(rules.pauseReason(
                        automation,
                        List.of(
                                run("run_1", Status.FAILED, "s", 0, 0L, 10L),
                                run("run_2", Status.FAILED, "s", 20, 20L, 30L),
                                run("run_3", Status.SUCCEEDED, "s", 40, 40L, 50L),
                                run("run_4", Status.FAILED, "s", 60, 60L, 70L),
                                run("run_5", Status.RUNNING, "s", 80, 80L, null))))
                .isEmpty();
        // order is by when runs ended, not by list position
        assertThat(rules.pauseReason(
                        automation,
                        List.of(
                                run("run_3", Status.SUCCEEDED, "s", 40, 40L, 75L),
                                run("run_1", Status.FAILED, "s", 0, 0L, 10L),
                                run("run_2", Status.FAILED, "s", 20, 20L, 30L),
                                run("run_4", Status.FAILED, "s", 60, 60L, 70L))))
                .isEmpty();
    }

    @Test
    void onlyFailuresSinceTheLastChangeCountAndAPausedAutomationIsNotPausedAgain() {
        List<AutomationRun> runs = List.of(
                run("run_1", Status.FAILED, "s", 0, 0L, 10L),
                run("run_2", Status.FAILED, "s", 20, 20L, 30L),
                run("run_3", Status.FAILED, "s", 40, 40L, 50L),
                run("run_4", Status.FAILED, "s", 60, 60L, 70L));
        // resumed at minute 55: only run_4 counts
        assertThat(rules.pauseReason(automation(false, at(55)), runs)).isEmpty();
        assertThat(rules.pauseReason(automation(false, at(15)), runs)).isPresent();
        assertThat(rules.pauseReason(automation(true, at(15)), runs)).isEmpty();
    }

    @Test
    void theTimeoutMustBePositive() {
        assertThatThrownBy(() -> new RunRules(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunRules(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new RunRules(RunRules.DEFAULT_TIMEOUT).timeout()).isEqualTo(Duration.ofMinutes(90));
    }
}

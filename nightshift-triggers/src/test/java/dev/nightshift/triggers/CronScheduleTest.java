package dev.nightshift.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.automation.AutomationTrigger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    static Instant paris(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(PARIS).toInstant();
    }

    /** Drives the schedule the way the scheduler will: a controlled clock ticking each minute. */
    static List<Instant> firesBetween(CronSchedule schedule, Instant from, Instant to) {
        List<Instant> fires = new ArrayList<>();
        Instant last = from;
        for (Instant now = from; !now.isAfter(to); now = now.plusSeconds(60)) {
            Optional<Instant> due = schedule.due(last, now);
            if (due.isPresent()) {
                fires.add(due.get());
                last = due.get();
            }
        }
        return fires;
    }

    @Test
    void weekdayMorningsInParisAreSevenOClockLocalInWinterAndSummer() {
        CronSchedule schedule = CronSchedule.parse("0 7 * * 1-5", "Europe/Paris");
        // Friday 2027-01-08 12:00: next is Monday 07:00 CET (06:00Z)
        assertThat(schedule.nextFires(paris("2027-01-08T12:00"), 3))
                .containsExactly(paris("2027-01-11T07:00"), paris("2027-01-12T07:00"), paris("2027-01-13T07:00"));
        assertThat(schedule.next(paris("2027-01-08T12:00"))).contains(Instant.parse("2027-01-11T06:00:00Z"));
        // in summer 07:00 CEST is 05:00Z
        assertThat(schedule.next(paris("2027-07-01T08:00"))).contains(Instant.parse("2027-07-02T05:00:00Z"));
    }

    @Test
    void nextIsStrictlyAfter() {
        CronSchedule schedule = CronSchedule.parse("30 2 * * *", "UTC");
        Instant at = Instant.parse("2027-03-01T02:30:00Z");
        assertThat(schedule.next(at)).contains(Instant.parse("2027-03-02T02:30:00Z"));
        assertThat(schedule.next(at.minusSeconds(1))).contains(at);
    }

    @Test
    void aDailyJobAtATimeTheSpringChangeSkipsFiresOnceThatDay() {
        // 2027-03-28: Paris clocks jump from 02:00 to 03:00; 02:30 does not exist that day
        CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Paris");
        List<Instant> fires = firesBetween(schedule, paris("2027-03-27T00:00"), paris("2027-03-30T00:00"));
        assertThat(fires).hasSize(3);
        assertThat(fires.get(0)).isEqualTo(paris("2027-03-27T02:30"));
        assertThat(ZonedDateTime.ofInstant(fires.get(1), PARIS).toLocalDate())
                .isEqualTo(java.time.LocalDate.parse("2027-03-28"));
        assertThat(fires.get(2)).isEqualTo(paris("2027-03-29T02:30"));
        // at the jump itself: 03:00 CEST, 01:00Z
        assertThat(fires.get(1)).isEqualTo(Instant.parse("2027-03-28T01:00:00Z"));
        assertThat(schedule.nextFires(paris("2027-03-27T12:00"), 2))
                .containsExactly(Instant.parse("2027-03-28T01:00:00Z"), paris("2027-03-29T02:30"));
    }

    @Test
    void aJobOutsideTheSpringGapIsNotMoved() {
        CronSchedule schedule = CronSchedule.parse("30 3 * * *", "Europe/Paris");
        assertThat(schedule.nextFires(paris("2027-03-27T12:00"), 2))
                .containsExactly(paris("2027-03-28T03:30"), paris("2027-03-29T03:30"));
    }

    @ParameterizedTest
    @CsvSource({"30 1 * * *", "30 2 * * *", "0 2 * * *"})
    void aDailyJobOnTheAutumnChangeFiresOnceThatDay(String cron) {
        // 2027-10-31: Paris clocks go back from 03:00 to 02:00; 02:xx happens twice
        CronSchedule schedule = CronSchedule.parse(cron, "Europe/Paris");
        List<Instant> fires = firesBetween(schedule, paris("2027-10-30T12:00"), paris("2027-11-01T12:00"));
        assertThat(fires).hasSize(2);
        assertThat(ZonedDateTime.ofInstant(fires.get(0), PARIS).toLocalDate())
                .isEqualTo(java.time.LocalDate.parse("2027-10-31"));
        assertThat(ZonedDateTime.ofInstant(fires.get(1), PARIS).toLocalDate())
                .isEqualTo(java.time.LocalDate.parse("2027-11-01"));
    }

    @Test
    void theAmbiguousAutumnTimeFiresAtTheFirstOfTheTwo() {
        CronSchedule schedule = CronSchedule.parse("30 2 * * *", "Europe/Paris");
        // 02:30 CEST = 00:30Z, the first of the two 02:30s
        assertThat(schedule.next(paris("2027-10-31T00:00"))).contains(Instant.parse("2027-10-31T00:30:00Z"));
    }

    @Test
    void afterDowntimeAMissedScheduleFiresOnceForTheLatestSlot() {
        CronSchedule schedule = CronSchedule.parse("0 * * * *", "UTC");
        Instant last = Instant.parse("2027-05-01T08:00:00Z");
        // down from 08:10 to 13:20: five slots missed, one is due, the latest
        Instant now = Instant.parse("2027-05-01T13:20:00Z");
        assertThat(schedule.due(last, now)).contains(Instant.parse("2027-05-01T13:00:00Z"));
        // once fired, nothing more is due until 14:00
        assertThat(schedule.due(Instant.parse("2027-05-01T13:00:00Z"), now)).isEmpty();
        assertThat(schedule.due(Instant.parse("2027-05-01T13:00:00Z"), Instant.parse("2027-05-01T14:00:00Z")))
                .contains(Instant.parse("2027-05-01T14:00:00Z"));
    }

    @Test
    void dueIsEmptyBeforeTheFirstFireTimeAndExactAtIt() {
        CronSchedule schedule = CronSchedule.parse("0 7 * * *", "Europe/Paris");
        Instant created = paris("2027-05-01T06:00");
        assertThat(schedule.due(created, paris("2027-05-01T06:59:59"))).isEmpty();
        assertThat(schedule.due(created, paris("2027-05-01T07:00"))).contains(paris("2027-05-01T07:00"));
        assertThat(schedule.due(created, paris("2027-05-01T07:00:30"))).contains(paris("2027-05-01T07:00"));
        // a slot at or before the last fire is never due again
        assertThat(schedule.due(paris("2027-05-01T07:00"), paris("2027-05-01T07:00:30")))
                .isEmpty();
    }

    @Test
    void aLongDowntimeAcrossDaysStillFiresOnce() {
        CronSchedule schedule = CronSchedule.parse("0 7 * * 1-5", "Europe/Paris");
        // last fired Friday; back on the next Thursday at noon: Thursday 07:00 is the one due
        assertThat(schedule.due(paris("2027-01-08T07:00"), paris("2027-01-14T12:00")))
                .contains(paris("2027-01-14T07:00"));
    }

    @Test
    void firesFromAStoredTrigger() {
        CronSchedule schedule = CronSchedule.of(new AutomationTrigger.Schedule("0  7 * * 1-5", "Europe/Paris"));
        assertThat(schedule.expression()).isEqualTo("0 7 * * 1-5");
        assertThat(schedule.zone()).isEqualTo(PARIS);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "* * * * *|runs every 1 minute; the minimum is 15",
                "*/5 * * * *|runs every 5 minutes; the minimum is 15",
                "0,10 * * * *|runs every 10 minutes; the minimum is 15",
                "0,50 * * * *|runs every 10 minutes; the minimum is 15",
                "55 23 * * *|",
                "5,55 0,23 * * *|runs every 10 minutes; the minimum is 15",
                "5,55 0,23 * * 1|",
                "*/14 9 * * *|runs every 14 minutes; the minimum is 15",
                "*/15 * * * *|",
                "0,15,30,45 9-17 * * 1-5|",
                "0 7 * * 1-5|",
                "0 3 1 * *|",
            })
    void fireTimesCloserThanFifteenMinutesAreRefused(String cron, String problem) {
        if (problem == null) {
            assertThat(CronSchedule.parse(cron, "UTC").expression()).isEqualTo(cron);
        } else {
            assertThatThrownBy(() -> CronSchedule.parse(cron, "UTC"))
                    .isInstanceOf(InvalidAutomation.class)
                    .hasMessageContaining(problem);
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0 7 * *|has 4 fields; it needs 5",
                "0 0 7 * * *|has 6 fields; it needs 5",
                "61 7 * * *|is not valid",
                "0 25 * * *|is not valid",
                "0 7 * * mon-fry|is not valid",
                "0 7 31 2 *|never fires",
            })
    void aBadExpressionIsRefusedNamingIt(String cron, String problem) {
        assertThatThrownBy(() -> CronSchedule.parse(cron, "UTC"))
                .isInstanceOf(InvalidAutomation.class)
                .hasMessageContaining("\"" + cron + "\"")
                .hasMessageContaining(problem);
    }

    @Test
    void aMissingExpressionOrZoneIsRefused() {
        assertThatThrownBy(() -> CronSchedule.parse(" ", "UTC")).hasMessageContaining("needs a cron expression");
        assertThatThrownBy(() -> CronSchedule.parse("0 7 * * *", null)).hasMessageContaining("needs a timezone");
        assertThatThrownBy(() -> CronSchedule.parse("0 7 * * *", "Europe/Atlantis"))
                .isInstanceOf(InvalidAutomation.class)
                .hasMessageContaining("\"Europe/Atlantis\" is not a known time zone");
    }
}

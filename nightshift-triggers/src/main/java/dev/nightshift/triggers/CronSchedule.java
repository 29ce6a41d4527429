package dev.nightshift.triggers;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.nightshift.core.automation.AutomationTrigger;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A schedule trigger's 5-field (Unix) cron expression in an IANA time zone: when it fires next, the
 * next few fire times to show, and which fire time is due now. Immutable and thread-safe; every
 * time comes from the caller, so a controlled clock drives it in tests and the scheduler on any
 * thread.
 *
 * <p>Fire times are wall-clock times in the zone: {@code 0 7 * * 1-5} in {@code Europe/Paris} fires at
 * 07:00 Paris time in winter and summer alike. Across a daylight-saving change a daily job fires once
 * that day: a time skipped by the spring change (02:30 on the change day) fires at the same instant
 * the clocks jump to (03:00), and a time that happens twice in autumn fires at the first of the two.
 */
public final class CronSchedule {
    /** The shortest time allowed between two consecutive fire times. */
    public static final Duration MINIMUM_INTERVAL = Duration.ofMinutes(15);

    /** How far ahead the interval check looks for two consecutive days that both fire. */
    private static final int CHECKED_DAYS = 2 * 366;

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime executionTime;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime executionTime) {
        this.expression = expression;
        this.zone = zone;
        this.executionTime = executionTime;
    }

    /** The schedule of a stored trigger (checked again, as at creation). */
    public static CronSchedule of(AutomationTrigger.Schedule schedule) {
        return parse(schedule.cron(), schedule.timezone());
    }

    /**
     * Parses and checks a schedule as a person gave it.
     *
     * @throws InvalidAutomation naming the problem: an expression that is not 5 valid fields, an
     *     unknown zone, or fire times closer than {@link #MINIMUM_INTERVAL}
     */
    public static CronSchedule parse(String cron, String timezone) {
        if (cron == null || cron.isBlank()) {
            throw new InvalidAutomation("a schedule needs a cron expression of 5 fields, e.g. \"0 7 * * 1-5\"");
        }
        String expression = cron.trim().replaceAll("\\s+", " ");
        String[] fields = expression.split(" ");
        if (fields.length != 5) {
            throw new InvalidAutomation("the cron expression \"" + cron.trim() + "\" has " + fields.length
                    + " fields; it needs 5: minute hour day-of-month month day-of-week");
        }
        ZoneId zone = zone(timezone);
        Cron parsed = cron(expression, expression);
        CronSchedule schedule = new CronSchedule(expression, zone, ExecutionTime.forCron(parsed));
        if (schedule.next(Instant.EPOCH).isEmpty()) {
            throw new InvalidAutomation("the cron expression \"" + expression + "\" never fires");
        }
        long minutes = minimumIntervalMinutes(fields);
        if (minutes < MINIMUM_INTERVAL.toMinutes()) {
            throw new InvalidAutomation("the cron expression \"" + expression + "\" runs every " + minutes + " minute"
                    + (minutes == 1 ? "" : "s") + "; the minimum is " + MINIMUM_INTERVAL.toMinutes());
        }
        return schedule;
    }

    private static ZoneId zone(String timezone) {
        if (timezone == null || timezone.isBlank()) {
            throw new InvalidAutomation("a schedule needs a timezone, e.g. \"Europe/Paris\" or \"UTC\"");
        }
        try {
            return ZoneId.of(timezone.trim());
        } catch (DateTimeException e) {
            throw new InvalidAutomation("\"" + timezone
                    + "\" is not a known time zone; use an IANA name such as \"Europe/Paris\" or \"UTC\"");
        }
    }

    private static Cron cron(String expression, String shown) {
        try {
            return PARSER.parse(expression).validate();
        } catch (IllegalArgumentException e) {
            throw new InvalidAutomation("the cron expression \"" + shown + "\" is not valid: " + e.getMessage());
        }
    }

    /**
     * The shortest gap, in minutes, between two consecutive fire times, on the wall clock.
     *
     * <p>A 5-field cron fires at the same times of day (minute × hour fields) on every day its day
     * fields select. So consecutive fire times are either neighbours within one day, or the last time of
     * one day and the first of a later day. The first kind: the times of one day, enumerated from the
     * expression {@code <minute> <hour> * * *} in UTC (at most 1,440). The second kind is only short when
     * two consecutive calendar days both fire; the days are enumerated from {@code 0 0 <day fields>} over
     * the next two years, which covers every weekday and month combination that can follow. Daylight-saving
     * changes are left out on purpose: they shift one fire time twice a year, not the cadence.
     */
    private static long minimumIntervalMinutes(String[] fields) {
        String everyDay = fields[0] + " " + fields[1] + " * * *";
        ExecutionTime timesOfDay = ExecutionTime.forCron(cron(everyDay, String.join(" ", fields)));
        ZonedDateTime dayStart = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        List<Long> minutes = new ArrayList<>();
        ZonedDateTime cursor = dayStart.minusSeconds(1);
        while (true) {
            Optional<ZonedDateTime> next = timesOfDay.nextExecution(cursor);
            if (next.isEmpty() || !next.get().isBefore(dayStart.plusDays(1))) {
                break;
            }
            minutes.add(Duration.between(dayStart, next.get()).toMinutes());
            cursor = next.get();
        }
        long shortest = Long.MAX_VALUE;
        for (int i = 1; i < minutes.size(); i++) {
            shortest = Math.min(shortest, minutes.get(i) - minutes.get(i - 1));
        }
        long acrossMidnight = 24 * 60 - minutes.getLast() + minutes.getFirst();
        if (acrossMidnight < shortest && consecutiveDaysFire(fields)) {
            shortest = acrossMidnight;
        }
        return shortest;
    }

    private static boolean consecutiveDaysFire(String[] fields) {
        String days = "0 0 " + fields[2] + " " + fields[3] + " " + fields[4];
        ExecutionTime firingDays = ExecutionTime.forCron(cron(days, String.join(" ", fields)));
        ZonedDateTime cursor = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        ZonedDateTime end = cursor.plusDays(CHECKED_DAYS);
        LocalDate previous = null;
        while (cursor.isBefore(end)) {
            Optional<ZonedDateTime> next = firingDays.nextExecution(cursor);
            if (next.isEmpty()) {
                return false;
            }
            LocalDate day = next.get().toLocalDate();
            if (previous != null && previous.plusDays(1).equals(day)) {
                return true;
            }
            previous = day;
            cursor = next.get();
        }
        return false;
    }

    /** The first fire time strictly after {@code after}; empty for an expression that no longer fires. */
    public Optional<Instant> next(Instant after) {
        Optional<Instant> next = executionTime
                .nextExecution(ZonedDateTime.ofInstant(after, zone))
                .map(ZonedDateTime::toInstant)
                .filter(candidate -> candidate.isAfter(after));
        return skippedBySpringChange(after, next.orElse(null)).or(() -> next);
    }

    /**
     * A fire time that a daylight-saving gap between {@code after} and {@code until} swallowed (cron-utils
     * passes over a local time that does not exist): it fires at the instant the clocks jump, once.
     */
    private Optional<Instant> skippedBySpringChange(Instant after, Instant until) {
        ZoneOffsetTransition transition = zone.getRules().nextTransition(after);
        while (transition != null && (until == null || transition.getInstant().isBefore(until))) {
            if (transition.isGap()) {
                // the wall clock just before the jump, read at the offset in force then
                ZonedDateTime beforeGap =
                        transition.getDateTimeBefore().minusSeconds(1).atZone(transition.getOffsetBefore());
                LocalDateTime gapEnd = transition.getDateTimeAfter();
                boolean firesInGap = executionTime
                        .nextExecution(beforeGap)
                        .map(fire -> fire.toLocalDateTime().isBefore(gapEnd))
                        .orElse(false);
                if (firesInGap && transition.getInstant().isAfter(after)) {
                    return Optional.of(transition.getInstant());
                }
            }
            if (until == null) {
                return Optional.empty();
            }
            transition = zone.getRules().nextTransition(transition.getInstant());
        }
        return Optional.empty();
    }

    /** The next {@code count} fire times after {@code after}, for showing a person what they scheduled. */
    public List<Instant> nextFires(Instant after, int count) {
        List<Instant> fires = new ArrayList<>(count);
        Instant cursor = after;
        while (fires.size() < count) {
            Optional<Instant> next = next(cursor);
            if (next.isEmpty()) {
                break;
            }
            fires.add(next.get());
            cursor = next.get();
        }
        return List.copyOf(fires);
    }

    /**
     * The one fire time due now: the latest fire time after {@code lastFired} and at or before {@code
     * now}, or empty when none has come. After downtime that missed several fire times, only the latest
     * is due, so a missed schedule fires once, not once per missed slot.
     *
     * @param lastFired the fire time of the last run, or the moment the automation was created or
     *     resumed when it has not fired since
     */
    public Optional<Instant> due(Instant lastFired, Instant now) {
        Optional<Instant> first = next(lastFired);
        if (first.isEmpty() || first.get().isAfter(now)) {
            return Optional.empty();
        }
        // the latest fire time at or before now: the last execution before the minute after now
        Instant justAfterNow = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        Optional<Instant> latest = executionTime
                .lastExecution(ZonedDateTime.ofInstant(justAfterNow, zone))
                .map(ZonedDateTime::toInstant)
                .filter(last -> !last.isAfter(now) && last.isAfter(lastFired));
        return Optional.of(latest.orElse(first.get()));
    }

    /** The expression, its fields separated by single spaces. */
    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return "CronSchedule[" + expression + " in " + zone + "]";
    }
}

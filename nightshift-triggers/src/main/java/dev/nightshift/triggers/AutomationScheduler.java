package dev.nightshift.triggers;

import dev.nightshift.core.automation.AutomationTrigger;
import dev.nightshift.core.port.AutomationStore;
import dev.nightshift.core.trigger.TriggerSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires schedule automations, on every node of a fleet at once and still exactly once per due time:
 * each tick reads the schedules (one query), works out each one's due time from its cron expression
 * and the last slot taken, and fires only the slots this node wins with a conditional update
 * ({@link AutomationStore#claimSlot}). After downtime only the latest missed slot is due, so a missed
 * schedule fires once. Each tick then stops runs past their timeout, and every {@value
 * #RECONCILE_EVERY_TICKS}th (the first included) reconciles active runs with what a crash left.
 *
 * <p>A scheduling library (db-scheduler) was considered: it keeps its own table and supports
 * PostgreSQL but not SQLite, and Nightshift runs on both; the claim is one {@code UPDATE … WHERE
 * last_fired_at < :slot} on the automation's own row instead.
 *
 * <p>Runs on its own single thread ({@code automation-scheduler}); {@link #tick} may also be called
 * directly (tests, benchmarks).
 */
public final class AutomationScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutomationScheduler.class);
    /** How often schedules are looked at: a due time fires within this much of its minute. */
    public static final Duration DEFAULT_TICK = Duration.ofSeconds(10);
    /** Every how many ticks active runs are reconciled with their triggers and turns (timeouts: every tick). */
    static final int RECONCILE_EVERY_TICKS = 6;

    private final AutomationStore store;
    private final AutomationService automations;
    private final Clock clock;
    private final Map<AutomationTrigger.Schedule, CronSchedule> parsed = new ConcurrentHashMap<>();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong fired = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "automation-scheduler");
        t.setDaemon(true);
        return t;
    });

    public AutomationScheduler(AutomationStore store, AutomationService automations, Clock clock) {
        this.store = store;
        this.automations = automations;
        this.clock = clock;
    }

    /** Ticks every {@code period} until closed. */
    public void start(Duration period) {
        timer.scheduleWithFixedDelay(this::tickQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("the automation scheduler's tick failed; will retry", e);
        }
    }

    /** Fires what is due now and reconciles active runs; returns how many slots this node fired. */
    public int tick() {
        long tick = ticks.incrementAndGet();
        Instant now = clock.instant();
        int firedNow = 0;
        for (AutomationStore.Scheduled scheduled : store.schedules()) {
            if (!(scheduled.automation().trigger() instanceof AutomationTrigger.Schedule trigger)) {
                continue;
            }
            Instant baseline = scheduled.automation().updatedAt();
            if (scheduled.lastFiredAt() != null && scheduled.lastFiredAt().isAfter(baseline)) {
                baseline = scheduled.lastFiredAt();
            }
            Optional<Instant> due;
            try {
                due = schedule(trigger).due(baseline, now);
            } catch (InvalidAutomation e) {
                LOG.warn(
                        "automation {} has a schedule that no longer parses: {}",
                        scheduled.automation().id(),
                        e.getMessage());
                continue;
            }
            if (due.isPresent() && store.claimSlot(scheduled.automation().id(), due.get())) {
                try {
                    automations.fire(scheduled.automation(), TriggerSource.SCHEDULE, "slot:" + due.get(), null);
                    firedNow++;
                } catch (RuntimeException e) {
                    LOG.warn(
                            "automation {} could not fire its {} slot",
                            scheduled.automation().id(),
                            due.get(),
                            e);
                }
            }
        }
        fired.addAndGet(firedNow);
        automations.reconcile(tick % RECONCILE_EVERY_TICKS == 1);
        return firedNow;
    }

    private CronSchedule schedule(AutomationTrigger.Schedule trigger) {
        return parsed.computeIfAbsent(trigger, CronSchedule::of);
    }

    /** Ticks so far. */
    public long ticks() {
        return ticks.get();
    }

    /** Slots this node has fired so far. */
    public long fired() {
        return fired.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

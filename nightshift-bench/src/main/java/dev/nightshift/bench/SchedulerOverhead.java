package dev.nightshift.bench;

import dev.nightshift.core.automation.AutomationRun;
import dev.nightshift.core.port.AutomationStore;
import dev.nightshift.core.port.TriggerStore;
import dev.nightshift.core.trigger.TriggerSink;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.store.JdbcStore;
import dev.nightshift.store.TestDatabases;
import dev.nightshift.triggers.AutomationScheduler;
import dev.nightshift.triggers.AutomationService;
import dev.nightshift.triggers.RunRules;
import dev.nightshift.triggers.TriggerPipeline;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the automation scheduler costs with {@link #AUTOMATIONS} schedule automations in a real store
 * (SQLite or PostgreSQL): {@link AutomationScheduler#tick()} driven directly on this thread over a
 * clock the benchmark moves, wired as the server wires it (the real {@link AutomationService} and
 * {@link TriggerPipeline} over {@link JdbcStore}), with a gate that admits everything and a session
 * side that does nothing, so only the scheduler's and the pipeline's own store work is left. The
 * store's ports are wrapped in counting proxies: each port call is at least one SQL statement. The
 * floor is the bare {@code automations().schedules()} read of the same rows.
 */
final class SchedulerOverhead {
    static final int AUTOMATIONS = 1000;
    /** Time zones the schedules are spread over (whole, half-hour, and a southern-hemisphere summer offset). */
    static final List<String> ZONES = List.of(
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Asia/Kolkata",
            "Asia/Tokyo",
            "Australia/Sydney",
            "America/Los_Angeles");

    static final int WARMUP_TICKS = 60;
    static final int QUIET_TICKS = 60;
    /** Ticks an hour of the clock apart on a weekday, each firing the slots of that hour. */
    static final int FIRING_TICKS = 24;
    /** The first firing ticks compile the firing path (JIT) and are not counted. */
    static final int FIRING_WARMUP_TICKS = 4;

    static final Duration FIRING_STEP = Duration.ofHours(1);
    /**
     * Where the clock jumps after the firing ticks, as if the server had been down since: the next
     * Saturday, so every schedule missed slots and the catch-up tick fires each once, and the ticks
     * after it find nothing due.
     */
    static final Instant BACK_ON = Instant.parse("2026-01-24T12:00:00Z");

    static final int ACTIVE_TICKS = 30;
    static final int TICKS_PER_MINUTE =
            (int) (Duration.ofMinutes(1).toMillis() / AutomationScheduler.DEFAULT_TICK.toMillis());
    /** A Saturday in every zone above: the weekday schedules have nothing due. */
    static final Instant SATURDAY = Instant.parse("2026-01-17T12:00:00Z");
    /** The Monday after, 00:00 UTC. */
    static final Instant MONDAY = Instant.parse("2026-01-19T00:00:00Z");

    private static final Duration PIPELINE_WAIT = Duration.ofSeconds(60);

    private SchedulerOverhead() {}

    /** One tick (or floor read): wall time, CPU of this thread and of the whole JVM, port calls by method, slots fired. */
    record Tick(long wallNanos, long threadCpuNanos, long jvmCpuNanos, Map<String, Long> calls, int fired) {
        long totalCalls() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A kind of tick and its samples. */
    record Row(String name, List<Tick> ticks) {
        double meanCalls() {
            return ticks.stream().mapToLong(Tick::totalCalls).average().orElse(0);
        }

        double meanThreadCpuNanos() {
            return ticks.stream().mapToLong(Tick::threadCpuNanos).average().orElse(0);
        }

        double meanJvmCpuNanos() {
            return ticks.stream().mapToLong(Tick::jvmCpuNanos).average().orElse(0);
        }

        double meanFired() {
            return ticks.stream().mapToInt(Tick::fired).average().orElse(0);
        }

        Series wall() {
            return Series.of(name, ticks.stream().mapToLong(Tick::wallNanos).toArray());
        }

        /** Mean calls per tick of each port method, e.g. "schedules 1, activeRunsCreatedBefore 1". */
        Map<String, Double> meanCallsByMethod() {
            Map<String, Double> mean = new TreeMap<>();
            for (Tick t : ticks) {
                t.calls().forEach((method, n) -> mean.merge(method, (double) n / ticks.size(), Double::sum));
            }
            return mean;
        }
    }

    /**
     * One database's rows: the floor, the first tick (cold), ticks with nothing due, the pipeline's
     * recovery pass, firing ticks, one catch-up tick and ticks with its runs still active.
     */
    record Result(
            String db,
            Row floor,
            Row first,
            Row quiet,
            Row recovery,
            Row firing,
            Row catchUp,
            Row active,
            int activeRuns,
            long skipped,
            double createSeconds) {}

    static Result run(boolean postgres, Consumer<String> say) throws Exception {
        Path dir = TestServer.tempDir();
        TestDatabases.Postgres pg = postgres ? TestDatabases.postgres() : null;
        MovableClock clock = new MovableClock(SATURDAY);
        Calls calls = new Calls();
        TurnsStub turns = new TurnsStub(calls);
        try (JdbcStore store = JdbcStore.open(pg != null ? pg.config() : TestDatabases.sqlite(dir), clock)) {
            AutomationStore automationStore = counting(AutomationStore.class, store.automations(), calls);
            TriggerStore triggerStore = counting(TriggerStore.class, store.triggers(), calls);
            // what Components builds, with a gate that admits everything and a session side that does nothing
            try (TriggerPipeline pipeline = new TriggerPipeline(
                    triggerStore,
                    trigger -> Optional.empty(),
                    new NoSessions(),
                    "bench-node",
                    TriggerPipeline.DEFAULT_LEASE,
                    clock)) {
                AutomationService automations = service(automationStore, pipeline, turns, clock);
                try (AutomationScheduler scheduler = new AutomationScheduler(automationStore, automations, clock)) {
                    return measure(
                            new Rig(
                                    postgres ? "PostgreSQL" : "SQLite",
                                    store,
                                    automationStore,
                                    automations,
                                    pipeline,
                                    scheduler,
                                    clock,
                                    calls,
                                    turns),
                            say);
                }
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
            TestServer.deleteTree(dir);
        }
    }

    /** The parts under test, wired as the server wires them, with the counters around them. */
    private record Rig(
            String db,
            JdbcStore store,
            AutomationStore automationStore,
            AutomationService automations,
            TriggerPipeline pipeline,
            AutomationScheduler scheduler,
            MovableClock clock,
            Calls calls,
            TurnsStub turns) {}

    private static Result measure(Rig rig, Consumer<String> say) throws Exception {
        String db = rig.db();
        JdbcStore store = rig.store();
        AutomationStore automationStore = rig.automationStore();
        AutomationService automations = rig.automations();
        TriggerPipeline pipeline = rig.pipeline();
        AutomationScheduler scheduler = rig.scheduler();
        MovableClock clock = rig.clock();
        Calls calls = rig.calls();
        TurnsStub turns = rig.turns();
        String owner = store.users()
                .create("bench", "Bench", "bench@example.com", false)
                .id();
        long t0 = System.nanoTime();
        for (int i = 0; i < AUTOMATIONS; i++) {
            automations.create(schedule(i), owner);
        }
        double createSeconds = (System.nanoTime() - t0) / 1e9;
        say.accept(db + ": " + AUTOMATIONS + " schedule automations created in " + Stats.fmt(createSeconds, 1)
                + " s; ticking on a Saturday (nothing due)");
        Supplier<Integer> tick = scheduler::tick;
        Supplier<Integer> floorRead = () -> {
            automationStore.schedules(); // through the same counting proxy as the tick's read
            return 0;
        };
        Supplier<Integer> recover = pipeline::recover;

        Measure measure = new Measure(calls, clock);
        Tick first = measure.tick(tick, true);
        for (int i = 0; i < WARMUP_TICKS; i++) {
            measure.tick(tick, true);
            measure.tick(floorRead, false);
            measure.tick(recover, false);
        }
        List<Tick> quiet = new ArrayList<>();
        List<Tick> floor = new ArrayList<>();
        List<Tick> recovery = new ArrayList<>();
        for (int i = 0; i < QUIET_TICKS; i++) {
            // alternate the order, so drift hits the tick and its floor alike
            if (i % 2 == 0) {
                quiet.add(measure.tick(tick, true));
                floor.add(measure.tick(floorRead, false));
            } else {
                floor.add(measure.tick(floorRead, false));
                quiet.add(measure.tick(tick, true));
            }
            recovery.add(measure.tick(recover, false));
        }
        for (Tick t : quiet) {
            if (t.fired() != 0) {
                throw new IllegalStateException("a tick on the Saturday fired " + t.fired() + " slots");
            }
        }
        say.accept(db + ": nothing due: " + Stats.fmt(new Row("", quiet).meanCalls(), 1)
                + " port calls and " + Stats.fmtMs((long) new Row("", quiet).meanThreadCpuNanos())
                + " CPU a tick; the bare read: "
                + Stats.fmtMs((long) new Row("", floor).meanThreadCpuNanos()));

        // the weekday: an hour of the clock between ticks; each run's turn has ended by the next tick
        say.accept(db + ": " + FIRING_TICKS + " firing ticks, an hour of the clock apart");
        turns.finished = true;
        clock.set(MONDAY);
        List<Tick> firing = new ArrayList<>();
        for (int i = 0; i < FIRING_TICKS; i++) {
            if (i > 0) {
                clock.advance(FIRING_STEP.minus(AutomationScheduler.DEFAULT_TICK));
            }
            Tick t = measure.tick(tick, true);
            if (i >= FIRING_WARMUP_TICKS) {
                firing.add(t);
            }
        }
        measure.tick(tick, true); // ends the last firing tick's runs; its minute's slots fired already

        // downtime until Saturday: one tick catches up every schedule once, then their turns run on
        turns.finished = false;
        clock.set(BACK_ON);
        Tick catchUp = measure.tick(tick, true);
        int active = store.automations()
                .activeRunsCreatedBefore(clock.instant().plusMillis(1))
                .size();
        say.accept(db + ": catch-up tick fired " + catchUp.fired() + " slots; " + active + " runs active for the next "
                + ACTIVE_TICKS + " ticks");
        List<Tick> activeTicks = new ArrayList<>();
        for (int i = 0; i < ACTIVE_TICKS; i++) {
            Tick t = measure.tick(tick, true);
            if (t.fired() != 0) {
                throw new IllegalStateException("a tick after the catch-up fired " + t.fired() + " slots");
            }
            activeTicks.add(t);
        }
        return new Result(
                db,
                new Row("`schedules()` read alone (floor)", floor),
                new Row("first tick after start (cold: parses every cron expression)", List.of(first)),
                new Row("tick, nothing due", quiet),
                new Row("pipeline recovery pass (`TriggerPipeline.recover`), nothing pending", recovery),
                new Row("tick firing the slots of the past hour", firing),
                new Row("catch-up tick after most of a week down", List.of(catchUp)),
                new Row("tick, nothing due, " + Stats.fmt(active, 0) + " runs active", activeTicks),
                active,
                calls.skipped.get(),
                createSeconds);
    }

    private static AutomationService service(
            AutomationStore store, TriggerPipeline pipeline, AutomationService.Turns turns, Clock clock) {
        AutomationService service = new AutomationService(
                store,
                pipeline,
                new AutomationService.Sealer() { // no signed automations here
                    @Override
                    public String seal(String plaintext, String context) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public String open(String sealed, String context) {
                        throw new UnsupportedOperationException();
                    }
                },
                new RunRules(RunRules.DEFAULT_TIMEOUT),
                clock);
        service.turns(turns);
        return service;
    }

    /** Automation {@code i}: weekdays at minute {@code i % 60}, hour {@code i % 24}, in one of {@link #ZONES}. */
    static AutomationService.Draft schedule(int i) {
        String cron = (i % 60) + " " + (i % 24) + " * * 1-5";
        return new AutomationService.Draft(
                "schedule " + i,
                "https://git.example.com/team/app-" + (i % 10) + ".git",
                "main",
                "Run the nightly checks and fix what fails.",
                null,
                new AutomationService.TriggerDraft(
                        "schedule", cron, ZONES.get(i % ZONES.size()), null, null, null, null, null, null, null, null));
    }

    /** Times one call on this thread and waits for the pipeline work it started; counts its port calls. */
    private record Measure(Calls calls, MovableClock clock) {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        /** {@code advance}: the clock moves one default tick period first. */
        Tick tick(Supplier<Integer> work, boolean advance) throws InterruptedException {
            if (advance) {
                clock.advance(AutomationScheduler.DEFAULT_TICK);
            }
            Map<String, Long> before = calls.snapshot();
            long jvm0 = OS.getProcessCpuTime();
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            int fired = work.get();
            long wall = System.nanoTime() - t0;
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            calls.awaitPipeline(PIPELINE_WAIT);
            long jvm = OS.getProcessCpuTime() - jvm0;
            return new Tick(wall, cpu, jvm, calls.since(before), fired);
        }
    }

    /**
     * Port calls by method; also how many runs were handed to the pipeline and how many it has
     * finished with (the run moved to running), so a tick's count includes the pipeline's work.
     */
    static final class Calls {
        private final Map<String, LongAdder> byMethod = new ConcurrentHashMap<>();
        final AtomicLong submitted = new AtomicLong();
        final AtomicLong started = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();

        void count(String method) {
            byMethod.computeIfAbsent(method, m -> new LongAdder()).increment();
        }

        Map<String, Long> snapshot() {
            Map<String, Long> copy = new TreeMap<>();
            byMethod.forEach((m, n) -> copy.put(m, n.sum()));
            return copy;
        }

        Map<String, Long> since(Map<String, Long> before) {
            Map<String, Long> diff = new TreeMap<>();
            snapshot().forEach((m, n) -> {
                long d = n - before.getOrDefault(m, 0L);
                if (d > 0) {
                    diff.put(m, d);
                }
            });
            return diff;
        }

        void awaitPipeline(Duration atMost) throws InterruptedException {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (started.get() < submitted.get()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the pipeline started " + started.get() + " of " + submitted.get()
                            + " runs within " + atMost.toSeconds() + " s");
                }
                Thread.sleep(1);
            }
        }
    }

    /** {@code target} behind {@code port}, each call counted as {@code Port.method}. */
    @SuppressWarnings("unchecked")
    static <T> T counting(Class<T> port, T target, Calls calls) {
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            calls.count(port.getSimpleName() + "." + method.getName());
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof AutomationStore.RunAdded added && args.length == 3) {
                switch (added) {
                    case AutomationStore.RunAdded.Added a -> calls.submitted.incrementAndGet();
                    case AutomationStore.RunAdded.Busy b -> calls.skipped.incrementAndGet();
                    case AutomationStore.RunAdded.Repeat r -> {}
                }
            }
            if (method.getName().equals("updateRun")
                    && args[1] == AutomationRun.Status.RUNNING
                    && Boolean.TRUE.equals(result)) {
                calls.started.incrementAndGet();
            }
            return result;
        });
    }

    /** The session side: nothing is created (the webhook benchmark measures that); counted as a port. */
    private static final class NoSessions implements TriggerPipeline.Sessions {
        @Override
        public void start(dev.nightshift.core.trigger.Trigger trigger, String sessionId, String messageId) {}

        @Override
        public boolean followUp(dev.nightshift.core.trigger.Trigger trigger, String sessionId, String messageId) {
            return false;
        }
    }

    /**
     * How runs' turns are doing, as reconciliation asks (in the server: one message lookup). Counted
     * as a port call. {@code finished}: every turn has ended well; otherwise every turn is still running.
     */
    private static final class TurnsStub implements AutomationService.Turns {
        private final Calls calls;
        volatile boolean finished;

        TurnsStub(Calls calls) {
            this.calls = calls;
        }

        @Override
        public Optional<TriggerSink.TurnOutcome> outcome(String sessionId, String messageId) {
            calls.count("Turns.outcome");
            return finished ? Optional.of(new TriggerSink.TurnOutcome(sessionId, true, "")) : Optional.empty();
        }

        @Override
        public void stop(String sessionId) {
            calls.count("Turns.stop");
        }
    }

    /** A clock the benchmark moves; read on the scheduler's and the pipeline's threads. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}

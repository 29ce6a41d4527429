package dev.nightshift.bench;

import dev.nightshift.triggers.AutomationScheduler;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders docs/benchmarks-automations.md from one run's results. */
final class AutomationReport extends MarkdownReport {
    private static final double NANOS_PER_MINUTE = 60e9;

    private final String triggersCode;
    private final AutomationBenchmarks.Results r;

    AutomationReport(
            Machine machine,
            String triggersCode,
            String command,
            double seconds,
            AutomationBenchmarks.Results results) {
        super(machine, command, seconds);
        this.triggersCode = triggersCode;
        this.r = results;
    }

    String render() {
        header("Automations benchmark", "AutomationBenchmarks");
        line("What automations cost the control plane, each next to a floor measured in the same run: how long a "
                + "webhook delivery takes to become a session, beside a person creating the same session by hand; and "
                + "what the scheduler's tick costs with " + Stats.fmt(SchedulerOverhead.AUTOMATIONS, 0)
                + " schedule automations, beside the bare read of those schedules. Both run on SQLite and on "
                + "PostgreSQL.");
        line();
        line("**Webhook received → session created.** A server in this JVM, started as `nightshift serve` starts "
                + "it, without sandboxes, with rate limits off (`NIGHTSHIFT_RATE_LIMITS=off`: this measures the "
                + "pipeline, not the limiter) and a turn executor that returns at once. "
                + WebhookLatency.AUTOMATIONS + " webhook automations; a delivery goes to the next one in turn, so "
                + "each automation's previous run has ended (an automation with an active run skips a delivery; "
                + "a skipped one would be repeated, untimed). A delivery's `202` answer waits for the trigger "
                + "pipeline to have created the session and queued its prompt, so its latency is the whole path: "
                + "key check, run and trigger stored in one transaction, the pipeline's lease, gate, session and "
                + "prompt, the run marked running. The floor is what a person does to get the same: "
                + "`POST /api/sessions` then `POST /api/sessions/{id}/prompts`, timed together. One keep-alive JDK "
                + "`HttpClient` (HTTP/1.1) does both, alternating one delivery with one floor pair (which goes "
                + "first alternates too); " + WebhookLatency.WARMUP + " of each first, uncounted, then "
                + WebhookLatency.MEASURED + " of each.");
        line();
        line("**Scheduler overhead.** " + Stats.fmt(SchedulerOverhead.AUTOMATIONS, 0)
                + " schedule automations in a real store (`JdbcStore`), created through `AutomationService`: "
                + "automation *i* runs `m h * * 1-5` with m = i mod 60, h = i mod 24, in one of "
                + SchedulerOverhead.ZONES.size() + " time zones (" + String.join(", ", SchedulerOverhead.ZONES)
                + "). `AutomationService`, `TriggerPipeline` and `AutomationScheduler` are built as the server's "
                + "`Components` builds them, with a gate that admits everything and a session side that creates "
                + "nothing (the webhook measurement covers sessions), and `AutomationScheduler.tick()` is called "
                + "directly on one thread over a clock the benchmark moves by the default tick ("
                + AutomationScheduler.DEFAULT_TICK.toSeconds() + " s) each time. The `AutomationStore` and "
                + "`TriggerStore` ports, and the session side's turn lookup (one message query in the server), "
                + "are wrapped in counting proxies: each port call is at least one SQL statement (adding a run is "
                + "one transaction of several). Phases, in order:");
        line();
        line("1. A Saturday in every zone, so no weekday schedule is due: the first tick (cold: it parses every "
                + "cron expression once and caches it), " + SchedulerOverhead.WARMUP_TICKS
                + " warm-up ticks, then " + SchedulerOverhead.QUIET_TICKS + " measured ticks, each alternating "
                + "with the floor, the bare `automations().schedules()` read of the same "
                + Stats.fmt(SchedulerOverhead.AUTOMATIONS, 0) + " rows, and followed by the pipeline's recovery "
                + "pass (`TriggerPipeline.recover()`, which the server runs every "
                + dev.nightshift.triggers.TriggerPipeline.DEFAULT_RECOVERY_PERIOD.toSeconds() + " s as well).");
        line("2. The Monday after: " + SchedulerOverhead.FIRING_TICKS + " ticks an hour of the clock apart, each "
                + "firing the slots that came due in that hour (about 1/24 of the schedules) and ending, through "
                + "reconciliation, the runs the tick before started (their turns are reported finished); the first "
                + SchedulerOverhead.FIRING_WARMUP_TICKS + " are not counted. A firing tick's numbers include the "
                + "pipeline's work on the runs it fired (on its own virtual threads): the benchmark waits until "
                + "every fired run is marked running.");
        line("3. Downtime: the clock jumps to the next Saturday, as if the server had been down since, and one "
                + "catch-up tick fires every schedule that missed a slot, once each (not once per missed slot). "
                + "Their turns are then reported still running, and " + SchedulerOverhead.ACTIVE_TICKS
                + " more ticks find nothing due but every one of those runs active.");
        line();
        line("CPU is the calling thread's CPU time (`ThreadMXBean`), which covers JDBC and, on SQLite, the "
                + "database engine itself; *JVM CPU* is the whole process's CPU time over the same interval, which "
                + "adds the pipeline's threads and also garbage collection, the JIT and any other thread of the JVM. "
                + "PostgreSQL's own CPU is in neither. The share of one core is CPU per tick × "
                + SchedulerOverhead.TICKS_PER_MINUTE + " ticks a minute (`AutomationScheduler.DEFAULT_TICK`, "
                + AutomationScheduler.DEFAULT_TICK.toSeconds() + " s) ÷ 60 s.");
        line();
        howToRun(
                "",
                AutomationBenchmarks.COMMAND,
                ". It needs the JDK and PostgreSQL on 127.0.0.1:5432 as user `postgres` (or "
                        + "`NIGHTSHIFT_TEST_POSTGRES_URL`/`_USER`/`_PASSWORD`), where it creates and drops "
                        + "databases of its own; it creates and removes its own temporary data directories and "
                        + "overwrites this file (`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). It takes about a "
                        + "minute or two.");
        machineRows();
        loadAverageRowNotingBusy(r.loadBefore(), r.loadAfter(), "");
        codeRows("Triggers", triggersCode);
        line();
        javaVersion();
        webhookResults();
        schedulerResults();
        interpretation();
        failures(r.errors());
        return markdown();
    }

    private void webhookResults() {
        if (r.webhooks().isEmpty()) {
            return;
        }
        line("## Results: webhook received → session created");
        line();
        line("| Database | Path | p50 | p90 | p99 | mean | n | p50 / floor | p99 / floor |");
        line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (WebhookLatency.Result w : r.webhooks()) {
            for (Series s : List.of(w.floor(), w.webhook())) {
                boolean floor = s == w.floor();
                line("| " + w.db() + " | " + s.name() + " | " + Stats.fmtMs(s.p50()) + " | " + Stats.fmtMs(s.p(0.9))
                        + " | " + Stats.fmtMs(s.p(0.99)) + " | " + Stats.fmtMs(mean(s)) + " | " + s.n() + " | "
                        + (floor
                                ? "1.00× (floor)"
                                : Stats.ratio(s.p50(), w.floor().p50())) + " | "
                        + (floor
                                ? "1.00× (floor)"
                                : Stats.ratio(s.p(0.99), w.floor().p(0.99))) + " |");
            }
        }
        line();
        for (WebhookLatency.Result w : r.webhooks()) {
            line("- " + w.db() + ": a delivery takes "
                    + signedMs(w.webhook().p50() - w.floor().p50())
                    + " at p50 and " + signedMs(w.webhook().p(0.99) - w.floor().p(0.99))
                    + " at p99 compared with doing the same by hand; " + w.skipped()
                    + " measured deliveries found their automation's run still active and were repeated.");
        }
        line();
        for (WebhookLatency.Result w : r.webhooks()) {
            WebhookLatency.DatabaseWork d = w.work();
            if (d == null) {
                continue;
            }
            line("What " + w.db() + " did per operation (" + WebhookLatency.PROBED + " more of each, run alone "
                    + "after the measured ones; from `pg_stat_database`, so the turn each one starts and the "
                    + "server's timers are included alike, and every read in autocommit counts as a transaction):");
            line();
            line("| Path | transactions committed | rows written |");
            line("|---|---:|---:|");
            line("| " + w.floor().name() + " | " + Stats.fmt(d.byHandTransactions(), 1) + " | "
                    + Stats.fmt(d.byHandRowWrites(), 1) + " |");
            line("| " + w.webhook().name() + " | " + Stats.fmt(d.deliveryTransactions(), 1) + " | "
                    + Stats.fmt(d.deliveryRowWrites(), 1) + " |");
            line();
        }
    }

    private void schedulerResults() {
        if (r.schedulers().isEmpty()) {
            return;
        }
        line("## Results: scheduler with " + Stats.fmt(SchedulerOverhead.AUTOMATIONS, 0) + " schedule automations");
        line();
        line("Per tick (mean over the ticks of a kind; wall time p50). \"Per minute\" and the share of one core "
                + "are at the default tick of " + AutomationScheduler.DEFAULT_TICK.toSeconds() + " s, for the kinds "
                + "that can repeat every tick; the first tick happens once, and firing and catch-up ticks only when "
                + "slots are due (—).");
        line();
        line("| Database | Measurement | n | slots fired | port calls | port calls / min | wall p50 | CPU "
                + "| CPU share of one core | JVM CPU | CPU / floor | calls / floor |");
        line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (SchedulerOverhead.Result s : r.schedulers()) {
            for (SchedulerOverhead.Row row : rows(s)) {
                boolean floor = row == s.floor();
                boolean once = row == s.first() || row == s.firing() || row == s.catchUp();
                line("| " + s.db() + " | " + row.name() + " | " + row.ticks().size() + " | "
                        + Stats.fmt(row.meanFired(), 1) + " | " + Stats.fmt(row.meanCalls(), 1) + " | "
                        + (once ? "—" : Stats.fmt(row.meanCalls() * SchedulerOverhead.TICKS_PER_MINUTE, 0))
                        + " | " + Stats.fmtMs(row.wall().p50()) + " | " + Stats.fmtMs((long) row.meanThreadCpuNanos())
                        + " | " + (once ? "—" : percent(coreShare(row.meanThreadCpuNanos()))) + " | "
                        + Stats.fmtMs((long) row.meanJvmCpuNanos()) + " | "
                        + (floor
                                ? "1.00× (floor)"
                                : Stats.ratio(
                                        row.meanThreadCpuNanos(), s.floor().meanThreadCpuNanos()))
                        + " | "
                        + (floor
                                ? "1.00× (floor)"
                                : Stats.ratio(row.meanCalls(), s.floor().meanCalls())) + " |");
            }
        }
        line();
        line("Port calls per tick, by method (mean):");
        line();
        line("| Database | Measurement | calls |");
        line("|---|---|---|");
        for (SchedulerOverhead.Result s : r.schedulers()) {
            for (SchedulerOverhead.Row row : rows(s)) {
                if (row == s.floor()) {
                    continue;
                }
                line("| " + s.db() + " | " + row.name() + " | " + byMethod(row.meanCallsByMethod()) + " |");
            }
        }
        line();
        for (SchedulerOverhead.Result s : r.schedulers()) {
            line("- " + s.db() + ": creating the " + Stats.fmt(SchedulerOverhead.AUTOMATIONS, 0)
                    + " automations through `AutomationService.create` took " + Stats.fmt(s.createSeconds(), 1)
                    + " s; " + s.skipped() + " fires were skipped because a run was still active.");
        }
        line();
    }

    private void interpretation() {
        if (r.webhooks().isEmpty() && r.schedulers().isEmpty()) {
            return;
        }
        line("## What the numbers mean, and what they don't");
        line();
        for (WebhookLatency.Result w : r.webhooks()) {
            String why = w.work() == null
                    ? " Here the extra writes are cheap: SQLite in WAL mode with `synchronous=NORMAL` does not "
                            + "wait for the disk at each commit, and one request instead of two saves a round trip "
                            + "and an authentication."
                    : " On PostgreSQL every commit waits for its WAL to reach the disk, so the delivery's extra "
                            + "transactions show: " + Stats.fmt(w.work().deliveryTransactions(), 1) + " against "
                            + Stats.fmt(w.work().byHandTransactions(), 1) + " per operation, "
                            + Stats.fmt(w.work().deliveryRowWrites(), 1) + " rows written against "
                            + Stats.fmt(w.work().byHandRowWrites(), 1) + " (table above).";
            line("- **" + w.db() + ", webhook → session:** p50 "
                    + Stats.fmtMs(w.webhook().p50()) + " against "
                    + Stats.fmtMs(w.floor().p50()) + " by hand ("
                    + Stats.ratio(w.webhook().p50(), w.floor().p50())
                    + "). The floor is two requests, each authenticated, with a round trip between them; the "
                    + "delivery is one request whose server does more: the run and its trigger stored together, "
                    + "the pipeline's lease on the trigger, the gate, the session and its prompt as the owner, "
                    + "the trigger's outcome and the run's move to running." + why);
        }
        for (SchedulerOverhead.Result s : r.schedulers()) {
            SchedulerOverhead.Row quiet = s.quiet();
            SchedulerOverhead.Row floor = s.floor();
            double added = quiet.meanThreadCpuNanos() - floor.meanThreadCpuNanos();
            line("- **" + s.db() + ", scheduler with nothing due:** " + Stats.fmt(quiet.meanCalls(), 0)
                    + " port calls a tick, " + Stats.fmt(quiet.meanCalls() * SchedulerOverhead.TICKS_PER_MINUTE, 0)
                    + " a minute, whatever the number of automations; "
                    + Stats.fmtMs((long) quiet.meanThreadCpuNanos()) + " of CPU a tick, "
                    + percent(coreShare(quiet.meanThreadCpuNanos())) + " of one core. Reading the "
                    + Stats.fmt(SchedulerOverhead.AUTOMATIONS, 0) + " schedules alone costs "
                    + Stats.fmtMs((long) floor.meanThreadCpuNanos()) + "; the scheduler adds "
                    + Stats.fmtMs((long) added) + " a tick ("
                    + Stats.fmt(added / SchedulerOverhead.AUTOMATIONS / 1e3, 1)
                    + " µs per schedule). Almost all of that is working out each schedule's due time from its "
                    + "cron expression and zone: the tick's second query, for active runs, costs about what the "
                    + "recovery pass's one query costs (its row above).");
            SchedulerOverhead.Row firing = s.firing();
            if (firing.meanFired() > 0) {
                line("- **" + s.db() + ", firing:** a tick that fires " + Stats.fmt(firing.meanFired(), 0)
                        + " slots (the ones due in its hour) makes " + Stats.fmt(firing.meanCalls(), 0)
                        + " port calls, about "
                        + Stats.fmt((firing.meanCalls() - quiet.meanCalls()) / firing.meanFired(), 1)
                        + " per slot fired (claim, run and trigger, the pipeline's lease and outcome, and ending the "
                        + "run a tick later), and " + Stats.fmtMs((long) firing.meanJvmCpuNanos())
                        + " of JVM CPU. Firing ticks are rare: " + Stats.fmt(SchedulerOverhead.AUTOMATIONS, 0)
                        + " schedules that each fire once a (week)day come due about "
                        + Stats.fmt(slotsPerTick(), 2)
                        + " times a tick on average, so the nothing-due tick is the steady state.");
            }
            SchedulerOverhead.Row active = s.active();
            if (s.activeRuns() > 0) {
                line("- **" + s.db() + ", runs active:** with " + Stats.fmt(s.activeRuns(), 0)
                        + " runs active, a tick with "
                        + "nothing due makes " + Stats.fmt(active.meanCalls(), 0) + " port calls ("
                        + Stats.fmt(active.meanCalls() * SchedulerOverhead.TICKS_PER_MINUTE, 0) + " a minute) and "
                        + "takes " + Stats.fmtMs((long) active.meanThreadCpuNanos()) + " of CPU ("
                        + percent(coreShare(active.meanThreadCpuNanos())) + " of one core): reconciliation looks "
                        + "up every active run's trigger and asks for its turn, "
                        + Stats.fmt((active.meanCalls() - quiet.meanCalls()) / s.activeRuns(), 1)
                        + " calls per active run per tick (`AutomationService.reconcile`: one trigger lookup and, "
                        + "in the server, one message lookup each). That cost grows with the runs in flight, not "
                        + "with the automations, and every node of a fleet pays it on every tick: many schedules "
                        + "due at the same minute, with turns that take minutes, are the expensive case.");
            }
        }
        line("- What they don't say: the scheduler rows leave out session creation (a session side that does "
                + "nothing), so they are the scheduler's and the pipeline's own store work; PostgreSQL's server "
                + "CPU is not counted, only its queries; a port call is at least one statement, not exactly one; "
                + "everything ran on one node against a database on the same machine, so network round trips to "
                + "a remote database would add to every call; and one run on a shared machine says nothing about "
                + "variance between runs.");
        line();
    }

    private static List<SchedulerOverhead.Row> rows(SchedulerOverhead.Result s) {
        return List.of(s.floor(), s.first(), s.quiet(), s.recovery(), s.firing(), s.catchUp(), s.active());
    }

    private static String byMethod(Map<String, Double> calls) {
        return calls.entrySet().stream()
                .map(e -> "`" + e.getKey() + "` " + Stats.fmt(e.getValue(), e.getValue() % 1 == 0 ? 0 : 1))
                .collect(Collectors.joining(", "));
    }

    /** A difference in milliseconds with its sign: "+1.20 ms", "−0.40 ms". */
    private static String signedMs(long nanos) {
        return (nanos < 0 ? "−" : "+") + Stats.fmtMs(Math.abs(nanos));
    }

    private static long mean(Series s) {
        return (long) Arrays.stream(s.sorted()).average().orElse(0);
    }

    /** How many slots come due per tick on average when each schedule fires once a day. */
    private static double slotsPerTick() {
        double minutesPerDay = 24 * 60;
        return SchedulerOverhead.AUTOMATIONS / minutesPerDay / SchedulerOverhead.TICKS_PER_MINUTE;
    }

    /** The share of one core that {@code cpuNanosPerTick} takes at the default tick. */
    private static double coreShare(double cpuNanosPerTick) {
        return cpuNanosPerTick * SchedulerOverhead.TICKS_PER_MINUTE / NANOS_PER_MINUTE;
    }

    private static String percent(double share) {
        return Stats.fmt(share * 100, share < 0.001 ? 3 : 2) + " %";
    }
}

package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;

import dev.nightshift.triggers.AutomationScheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What automations cost, in one run on SQLite and PostgreSQL: webhook received → session created
 * beside a person creating the same session by hand ({@link WebhookLatency}), and the scheduler's
 * tick with 1,000 schedule automations beside the bare read of those schedules
 * ({@link SchedulerOverhead}). Prints progress and (over)writes {@code docs/benchmarks-automations.md}.
 */
public final class AutomationBenchmarks {
    static final String COMMAND = "./nightshift bench-automations";

    private AutomationBenchmarks() {}

    record Results(
            List<WebhookLatency.Result> webhooks,
            List<SchedulerOverhead.Result> schedulers,
            List<String> errors,
            String loadBefore,
            String loadAfter) {}

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-automations.md");
        Path repo = BenchOutput.repoRoot();
        Machine machine = Machine.collect(repo);
        String triggersCode = Machine.moduleCode(
                repo, AutomationScheduler.class, "nightshift-triggers", "triggers", "nightshift-triggers/src/main");
        say("Nightshift automations benchmark; report goes to " + out);
        String loadBefore = loadAverage();
        List<String> errors = new ArrayList<>();
        List<WebhookLatency.Result> webhooks = new ArrayList<>();
        List<SchedulerOverhead.Result> schedulers = new ArrayList<>();
        for (boolean pg : new boolean[] {false, true}) {
            String db = pg ? "PostgreSQL" : "SQLite";
            say("[1/2] webhook → session on " + db + " (" + WebhookLatency.MEASURED + " of each, alternating)");
            try {
                webhooks.add(WebhookLatency.run(pg, line -> say("[1/2] " + line)));
            } catch (Exception e) {
                errors.add("webhook → session on " + db + ": " + describe(e));
                say("[1/2] FAILED on " + db + ": " + describe(e));
            }
        }
        for (boolean pg : new boolean[] {false, true}) {
            String db = pg ? "PostgreSQL" : "SQLite";
            say("[2/2] scheduler with " + SchedulerOverhead.AUTOMATIONS + " schedules on " + db);
            try {
                schedulers.add(SchedulerOverhead.run(pg, line -> say("[2/2] " + line)));
            } catch (Exception e) {
                errors.add("scheduler on " + db + ": " + describe(e));
                say("[2/2] FAILED on " + db + ": " + describe(e));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String report = new AutomationReport(
                        machine,
                        triggersCode,
                        BenchOutput.command(COMMAND),
                        seconds,
                        new Results(webhooks, schedulers, errors, loadBefore, loadAverage()))
                .render();
        BenchOutput.finish(out, report, seconds, errors);
    }
}

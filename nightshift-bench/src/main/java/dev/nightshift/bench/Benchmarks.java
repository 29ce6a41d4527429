package dev.nightshift.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark run: append throughput (SQLite, PostgreSQL), fan-out to 100 clients, newcomer
 * snapshot, 1,000 idle sessions; each next to a physical floor measured in the same run. Prints
 * progress and (over)writes {@code docs/benchmarks.md}.
 */
public final class Benchmarks {
    static final long TARGET_NANOS = 50_000_000L;
    static final String COMMAND = "./nightshift bench";

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks.md");
        Machine machine = Machine.collect(BenchOutput.repoRoot());
        say("Nightshift benchmarks; report goes to " + out);
        machine.lines().forEach(l -> say("  " + l));

        List<String> errors = new ArrayList<>();
        List<Appends.Result> appends = new ArrayList<>();
        for (boolean pg : new boolean[] {false, true}) {
            String db = pg ? "PostgreSQL" : "SQLite";
            say("[1/4] append throughput on " + db + " (1 s warm-up + 3 s per mode)");
            try (BenchServer s = BenchServer.start(pg)) {
                appends.add(Appends.run(s, line -> say("[1/4] append: " + line)));
            } catch (Exception e) {
                errors.add("append on " + db + ": " + describe(e));
                say("[1/4] FAILED on " + db + ": " + describe(e));
            }
        }

        FanOut.Result fanNs = null;
        FanOut.Result fanFloor = null;
        say("[2/4] fan-out: " + FanOut.CLIENTS + " clients, " + FanOut.ROUNDS + " rounds of " + FanOut.EVENTS
                + " events at 1 per ms; the last round is the measured one");
        try {
            fanNs = FanOut.nightshift(Benchmarks::say);
        } catch (Exception e) {
            errors.add("fan-out (Nightshift): " + describe(e));
            say("[2/4] FAILED: " + describe(e));
        }
        try {
            fanFloor = FanOut.floor(Benchmarks::say);
        } catch (Exception e) {
            errors.add("fan-out (floor): " + describe(e));
            say("[2/4] FAILED: " + describe(e));
        }

        List<Snapshot.Result> snapshots = new ArrayList<>();
        for (boolean pg : new boolean[] {false, true}) {
            String db = pg ? "PostgreSQL" : "SQLite";
            say("[3/4] snapshot on " + db + ": " + Snapshot.EVENTS + " events, " + Snapshot.WARMUP + " warm-up + "
                    + Snapshot.RUNS + " measured joins");
            try (BenchServer s = BenchServer.start(pg)) {
                snapshots.add(Snapshot.run(s, Benchmarks::say));
            } catch (Exception e) {
                errors.add("snapshot on " + db + ": " + describe(e));
                say("[3/4] FAILED on " + db + ": " + describe(e));
            }
        }

        Idle.Result idle = null;
        say("[4/4] idle: " + Idle.SESSIONS + " sessions, one client each; server and clients in child JVMs");
        try {
            idle = Idle.run(Benchmarks::say);
        } catch (Exception e) {
            errors.add("idle sessions: " + describe(e));
            say("[4/4] FAILED: " + describe(e));
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        String report = new Report(
                        machine,
                        BenchOutput.command(COMMAND),
                        seconds,
                        appends,
                        fanNs,
                        fanFloor,
                        snapshots,
                        idle,
                        errors)
                .render();
        BenchOutput.finish(out, report, seconds, errors);
    }

    /** Our logback-bench.xml (warnings only) rather than the store test-jar's logback-test.xml. */
    static void quietLogging() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-bench.xml");
        }
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    static void say(String line) {
        System.out.println(LocalTime.now().format(CLOCK) + " " + line);
        System.out.flush();
    }

    /** A failure in one line for the report and the progress output; its stack trace goes to stderr. */
    static String describe(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        System.err.println(w);
        return e.toString();
    }
}

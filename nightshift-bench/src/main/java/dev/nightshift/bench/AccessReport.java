package dev.nightshift.bench;

import java.util.List;

/** Renders docs/benchmarks-access.md from one run's results. */
final class AccessReport extends MarkdownReport {
    private final AccessBenchmarks.Results r;

    AccessReport(Machine machine, String command, double seconds, AccessBenchmarks.Results results) {
        super(machine, command, seconds);
        this.r = results;
    }

    String render() {
        header("Access-check benchmark", "AccessBenchmarks");
        line("What the API's access checks add to a request. Two servers run in the same JVM (SQLite, no sandboxes): "
                + "one with access checks on, one with them off (`NIGHTSHIFT_RATE_LIMITS=off`), which is the floor. "
                + "Access checks here are the rate limits: before every `/api/*` request a Bucket4j bucket per "
                + "client address and one per token (keyed by the SHA-256 of the token) take a token; after it, a "
                + "401 would count against the address. The \"on\" server's limits are set far above what the "
                + "benchmark sends (" + AccessBenchmarks.NEVER_REACHED + " a minute), so every request runs the "
                + "checks and none is refused. Token scope checks run on both servers, because authorization cannot "
                + "be switched off: they read the scopes stored on the token row that authentication loads anyway, and "
                + "cost one set lookup, no query; so the floor includes them. Both servers answer the same routes as the admin with a keep-alive "
                + "JDK `HttpClient` (HTTP/1.1) in the same JVM.");
        line();
        line("First both servers are warmed up, uncounted: " + AccessBenchmarks.JIT_WARMUP_REQUESTS
                + " requests and one " + "throughput run per route each, so the JIT has compiled both paths.");
        line("Then per route and server, each of " + AccessBenchmarks.ROUNDS + " rounds runs "
                + AccessBenchmarks.WARMUP_REQUESTS
                + " warm-up requests, then " + AccessBenchmarks.LATENCY_REQUESTS + " timed requests from one client "
                + "one after another (latency), then " + AccessBenchmarks.CLIENTS + " clients in a loop for "
                + AccessBenchmarks.THROUGHPUT_FOR.toSeconds() + " s (requests/s). The order of the two servers "
                + "alternates from round to round, so drift on the machine hits both alike. Clients and servers "
                + "share the machine's cores.");
        line();
        howToRun(
                "",
                AccessBenchmarks.COMMAND,
                ". It needs nothing but the JDK; it creates and removes its own "
                        + "temporary data directories and overwrites this file (`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). "
                        + "It takes under a minute.");
        machineRows();
        loadAverageRow(
                r.loadBefore(),
                r.loadAfter(),
                busy(r.loadBefore(), r.loadAfter())
                        ? " (**busier than the machine has CPUs**: other work ran "
                                + "during this run, so differences of a few tenths of a millisecond are within its noise)"
                        : "");
        line("| Code measured | " + machine.code() + " |");
        line();
        javaVersion();
        results();
        failures(r.errors());
        return markdown();
    }

    private void results() {
        line("## Results");
        line();
        line("Latency, one client (over all rounds):");
        line();
        line("| Route | Access checks | p50 | p90 | p99 | n | p50 / floor | p99 / floor |");
        line("|---|---|---:|---:|---:|---:|---:|---:|");
        for (AccessBenchmarks.Measured m : r.measured()) {
            Series s = m.series();
            Series floor = floor(m).series();
            boolean isFloor = floor(m) == m;
            line("| " + m.route() + " | " + m.mode().replace("access checks ", "") + " | " + Stats.fmtMs(s.p50())
                    + " | "
                    + Stats.fmtMs(s.p(0.9)) + " | " + Stats.fmtMs(s.p(0.99)) + " | " + s.n() + " | "
                    + (isFloor ? "1.00× (floor)" : Stats.ratio(s.p50(), floor.p50())) + " | "
                    + (isFloor ? "1.00× (floor)" : Stats.ratio(s.p(0.99), floor.p(0.99))) + " |");
        }
        line();
        line("Added latency (on − off):");
        line();
        line("| Route | p50 added | p99 added |");
        line("|---|---:|---:|");
        for (AccessBenchmarks.Measured m : r.measured()) {
            AccessBenchmarks.Measured f = floor(m);
            if (f == m) {
                continue;
            }
            line("| " + m.route() + " | "
                    + Stats.fmtMs(m.series().p50() - f.series().p50()) + " | "
                    + Stats.fmtMs(m.series().p(0.99) - f.series().p(0.99)) + " |");
        }
        line();
        line("Throughput, " + AccessBenchmarks.CLIENTS + " clients (mean of the rounds):");
        line();
        line("| Route | Access checks | requests/s | per round | on / floor |");
        line("|---|---|---:|---|---:|");
        for (AccessBenchmarks.Measured m : r.measured()) {
            AccessBenchmarks.Measured f = floor(m);
            line("| " + m.route() + " | " + m.mode().replace("access checks ", "") + " | "
                    + Stats.fmt(m.requestsPerSecond(), 0)
                    + " | "
                    + String.join(
                            ", ",
                            m.throughput().stream().map(t -> Stats.fmt(t, 0)).toList()) + " | "
                    + (f == m ? "1.00× (floor)" : Stats.ratio(m.requestsPerSecond(), f.requestsPerSecond())) + " |");
        }
        line();
        line("Negative added latency means the difference is below what this run can tell apart from noise.");
        line();
    }

    /** The "off" measurement of the same route (the floor). */
    private AccessBenchmarks.Measured floor(AccessBenchmarks.Measured m) {
        List<AccessBenchmarks.Measured> same = r.measured().stream()
                .filter(o -> o.route().equals(m.route()) && o.mode().endsWith("off"))
                .toList();
        return same.isEmpty() ? m : same.getFirst();
    }
}

package dev.nightshift.bench;

/** Renders docs/benchmarks-egress.md from one run's results. */
final class EgressReport extends MarkdownReport {
    private final EgressBenchmarks.Results r;

    EgressReport(Machine machine, String command, double seconds, EgressBenchmarks.Results results) {
        super(machine, command, seconds);
        this.r = results;
    }

    String render() {
        header("Egress proxy benchmark", "EgressBenchmarks");
        line("What the egress proxy adds to an HTTPS request. One loopback HTTPS origin (the JDK's `HttpsServer`, "
                + "a small JSON answer that echoes the request's `Authorization` header), reached three ways by the "
                + "JDK's `HttpClient` (HTTP/1.1, keep-alive) in the same JVM: directly (the floor); through the "
                + "proxy as an opaque CONNECT tunnel (a host without secrets); and through the proxy to a host that "
                + "has a secret, where the proxy terminates TLS with a leaf of the deployment CA, opens its own TLS "
                + "connection to the origin, replaces the placeholder in `Authorization` with the value, and puts "
                + "the placeholder back where the origin echoes the value in its JSON body. The proxied clients "
                + "reach the proxy's Unix socket through a loopback TCP bridge in the same JVM, as a sandbox does "
                + "through its own bridge; that hop is part of both proxied rows.");
        line();
        line("First every way gets " + EgressBenchmarks.WARMUP_REQUESTS + " warm-up requests (not counted), so "
                + "the JIT has compiled all three paths. Then per way: " + EgressBenchmarks.WARMUP_REQUESTS / 4
                + " more on its new connection, " + EgressBenchmarks.LATENCY_REQUESTS
                + " timed requests one after another on one kept-alive "
                + "connection (latency), then " + EgressBenchmarks.CLIENTS + " clients in a loop for "
                + EgressBenchmarks.THROUGHPUT_FOR.toSeconds() + " s (requests/s). Then " + EgressBenchmarks.NEW_HOSTS
                + " first requests on new connections each: direct, intercepted to a host whose leaf is cached, and "
                + "intercepted to a host never seen before, which mints its leaf certificate (EC P-256). Clients, "
                + "proxy and origin share the machine's cores.");
        line();
        howToRun(
                "",
                EgressBenchmarks.COMMAND,
                ". It needs nothing but the JDK and loopback; it overwrites this file "
                        + "(`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). It takes under a minute.");
        machineRows();
        loadAverageRow(r.loadBefore(), r.loadAfter(), "");
        line("| Code measured | " + machine.code() + " |");
        line();
        javaVersion();
        results();
        failures(r.errors());
        return markdown();
    }

    private void results() {
        if (r.measured().isEmpty()) {
            return;
        }
        line("## Results");
        line();
        EgressBenchmarks.Measured floor = r.measured().getFirst();
        line("Latency, one client, one kept-alive connection:");
        line();
        line("| Way | p50 | p90 | p99 | n | p50 / direct | p99 / direct |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (EgressBenchmarks.Measured m : r.measured()) {
            Series s = m.series();
            Series f = floor.series();
            line("| " + m.mode() + " | " + Stats.fmtMs(s.p50()) + " | " + Stats.fmtMs(s.p(0.9)) + " | "
                    + Stats.fmtMs(s.p(0.99)) + " | " + s.n() + " | " + Stats.ratio(s.p50(), f.p50()) + " | "
                    + Stats.ratio(s.p(0.99), f.p(0.99)) + " |");
        }
        line();
        line("Throughput, " + EgressBenchmarks.CLIENTS + " clients:");
        line();
        line("| Way | requests/s | ratio to direct |");
        line("|---|---:|---:|");
        for (EgressBenchmarks.Measured m : r.measured()) {
            line("| " + m.mode() + " | " + Stats.fmt(m.requestsPerSecond(), 0) + " | "
                    + Stats.ratio(m.requestsPerSecond(), floor.requestsPerSecond()) + " |");
        }
        line();
        line("On loopback with a small answer the kept-alive rows are all fractions of a millisecond and close to "
                + "one another; a proxied row faster than the direct one is the noise of this run (and of the two "
                + "different TLS pairs: client–origin directly, or client–proxy plus proxy–origin), not a speed-up.");
        line();
        if (!r.firstRequests().isEmpty()) {
            line("First request on a new connection (connection set-up and TLS handshakes included; "
                    + "the new-host row also mints a leaf certificate):");
            line();
            latencyHeader();
            Series f = r.firstRequests().getFirst();
            for (Series s : r.firstRequests()) {
                latencyRow(s, f == s ? s : f);
            }
            line();
            if (r.firstRequests().size() == 3) {
                long minting = r.firstRequests().get(2).p50()
                        - r.firstRequests().get(1).p50();
                line("Minting a leaf for a new host adds about " + Stats.fmtMs(minting)
                        + " (p50 of the new-host row minus p50 of the cached-leaf row) to the first request; later "
                        + "connections to that host use the cached leaf (valid "
                        + dev.nightshift.sandbox.egress.CertificateAuthority.LEAF_VALIDITY.toDays() + " days).");
                line();
            }
        }
    }
}

package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;

import dev.nightshift.server.Nightshift;
import dev.nightshift.server.NightshiftConfig;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What access checks cost on the API: two servers in this JVM, one with them on (rate limiting:
 * per-address and per-token buckets on every request; limits set so high nothing is refused, so
 * the work is measured, not the refusals) and one with them off ({@code NIGHTSHIFT_RATE_LIMITS=off},
 * the floor). {@code GET /api/sessions/{id}} and {@code GET /api/me}: latency of one client in a
 * loop and requests/s of several clients at once, rounds alternating between the servers.
 * Prints progress and (over)writes {@code docs/benchmarks-access.md}.
 */
public final class AccessBenchmarks {
    static final String COMMAND = "./nightshift bench-access";
    static final int ROUNDS = 2;
    /** Before anything is counted: this many requests and one throughput run per route and server (JIT). */
    static final int JIT_WARMUP_REQUESTS = 3000;

    static final int WARMUP_REQUESTS = 500;
    static final int LATENCY_REQUESTS = 1500;
    static final int CLIENTS = 8;
    static final Duration THROUGHPUT_FOR = Duration.ofSeconds(2);
    /** Far above what this benchmark sends, so every request runs the checks and none is refused. */
    static final String NEVER_REACHED = "10000000";

    private AccessBenchmarks() {}

    /** One route on one server: latency samples of every round, requests/s of every round. */
    record Measured(String route, String mode, List<long[]> latency, List<Double> throughput) {
        Series series() {
            long[] all =
                    latency.stream().flatMapToLong(java.util.Arrays::stream).toArray();
            return Series.of(route + " — " + mode, all);
        }

        double requestsPerSecond() {
            return throughput.stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(0);
        }
    }

    record Results(List<Measured> measured, List<String> errors, String loadBefore, String loadAfter) {}

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-access.md");
        Machine machine = Machine.collect(BenchOutput.repoRoot());
        say("Nightshift access-check benchmark; report goes to " + out);
        String loadBefore = loadAverage();
        List<String> errors = new ArrayList<>();
        List<Measured> measured = new ArrayList<>();
        try {
            measured = run();
        } catch (Exception e) {
            errors.add("access benchmark: " + describe(e));
            say("FAILED: " + describe(e));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String report = new AccessReport(
                        machine,
                        BenchOutput.command(COMMAND),
                        seconds,
                        new Results(measured, errors, loadBefore, loadAverage()))
                .render();
        BenchOutput.finish(out, report, seconds, errors);
    }

    static List<Measured> run() throws Exception {
        Path onDir = TestServer.tempDir();
        Path offDir = TestServer.tempDir();
        try (Nightshift on = start(
                        onDir,
                        Map.of(
                                "NIGHTSHIFT_RATE_LIMIT_API_PER_TOKEN",
                                NEVER_REACHED,
                                "NIGHTSHIFT_RATE_LIMIT_API_PER_ADDRESS",
                                NEVER_REACHED));
                Nightshift off = start(offDir, Map.of("NIGHTSHIFT_RATE_LIMITS", "off"))) {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<String, Measured> results = new LinkedHashMap<>();
            Map<String, List<HttpRequest>> requests = new LinkedHashMap<>();
            for (var server : List.of(Map.entry("access checks on", on), Map.entry("access checks off", off))) {
                String id = createSession(http, server.getValue());
                requests.put(
                        server.getKey(),
                        List.of(get(server.getValue(), "/api/sessions/" + id), get(server.getValue(), "/api/me")));
            }
            String[] routes = {"GET /api/sessions/{id}", "GET /api/me"};
            say("warming up both servers (" + JIT_WARMUP_REQUESTS + " requests and " + THROUGHPUT_FOR.toSeconds()
                    + " s of " + CLIENTS + " clients per route, not counted)");
            for (List<HttpRequest> perRoute : requests.values()) {
                for (HttpRequest request : perRoute) {
                    loop(http, request, JIT_WARMUP_REQUESTS);
                    throughput(http, request);
                }
            }
            for (int round = 1; round <= ROUNDS; round++) {
                for (int r = 0; r < routes.length; r++) {
                    // alternate which server goes first, so drift over the run does not favour one
                    List<String> modes = new ArrayList<>(requests.keySet());
                    if ((round + r) % 2 == 0) {
                        java.util.Collections.reverse(modes);
                    }
                    for (String mode : modes) {
                        HttpRequest request = requests.get(mode).get(r);
                        Measured m = results.computeIfAbsent(
                                routes[r] + "|" + mode,
                                k -> new Measured(
                                        k.substring(0, k.indexOf('|')), mode, new ArrayList<>(), new ArrayList<>()));
                        loop(http, request, WARMUP_REQUESTS);
                        m.latency().add(loop(http, request, LATENCY_REQUESTS));
                        m.throughput().add(throughput(http, request));
                        say("round " + round + ": " + routes[r] + ", " + mode + ": p50 "
                                + Stats.fmtMs(
                                        Series.of("", m.latency().getLast()).p50()) + ", "
                                + Stats.fmt(m.throughput().getLast(), 0) + " requests/s");
                    }
                }
            }
            List<Measured> ordered = new ArrayList<>();
            for (String route : routes) { // per route, the floor first
                for (String mode : List.of("access checks off", "access checks on")) {
                    ordered.add(results.get(route + "|" + mode));
                }
            }
            return ordered;
        } finally {
            TestServer.deleteTree(onDir);
            TestServer.deleteTree(offDir);
        }
    }

    private static Nightshift start(Path dir, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(extra);
        values.put("NIGHTSHIFT_PORT", "0");
        values.put("NIGHTSHIFT_DATA_DIR", dir.toString());
        return Nightshift.start(NightshiftConfig.from(values), p -> p.sandboxes = false);
    }

    private static String createSession(HttpClient http, Nightshift server) throws Exception {
        HttpRequest create = HttpRequest.newBuilder(URI.create(server.url() + "/api/sessions"))
                .header("Authorization", "Bearer " + server.adminToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"repository\":\"/srv/bench-access\"}"))
                .build();
        HttpResponse<String> response = http.send(create, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("create session: " + response.statusCode() + " " + response.body());
        }
        return dev.nightshift.server.http.Json.tree(response.body()).path("id").asText();
    }

    private static HttpRequest get(Nightshift server, String path) {
        return HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Bearer " + server.adminToken())
                .GET()
                .build();
    }

    /** One client, one request after another: each one's latency. */
    private static long[] loop(HttpClient http, HttpRequest request, int count) throws Exception {
        long[] samples = new long[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            send(http, request);
            samples[i] = System.nanoTime() - t0;
        }
        return samples;
    }

    /** {@link #CLIENTS} clients in a loop for {@link #THROUGHPUT_FOR}: requests answered per second. */
    private static double throughput(HttpClient http, HttpRequest request) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < CLIENTS; i++) {
            threads.add(Thread.ofPlatform().name("bench-client-" + i).start(() -> {
                while (!stop.get()) {
                    try {
                        send(http, request);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        Thread.sleep(THROUGHPUT_FOR.toMillis());
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(
                    failed.get() + " requests failed during the throughput run of " + request.uri());
        }
        return done.get() / seconds;
    }

    private static void send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}

package dev.nightshift.bench;

import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Measurement 4: 1,000 idle sessions with one subscribed WebSocket client each. The server runs in
 * one child JVM and the clients in another, so the server's heap and RSS are its own.
 */
final class Idle {
    static final int SESSIONS = 1000;
    /** Two connect/disconnect cycles: the second shows whether anything stays behind per connection. */
    static final int CYCLES = 2;

    /** One server-side sample; {@code httpSessions} counts Jetty's HTTP sessions alive in the heap. */
    record Sample(long heap, long rss, int connections, int threads, long httpSessions) {
        static Sample parse(String line) {
            String[] p = line.split(" ");
            return new Sample(
                    Long.parseLong(p[0]),
                    Long.parseLong(p[1]),
                    Integer.parseInt(p[2]),
                    Integer.parseInt(p[3]),
                    Long.parseLong(p[4]));
        }
    }

    /** {@code connected} and {@code disconnected} hold one sample per connect/disconnect cycle. */
    record Result(
            Sample before,
            List<Sample> connected,
            List<Sample> disconnected,
            int snapshots,
            long clientsRss,
            double setupSeconds,
            double connectSeconds) {}

    static Result run(Consumer<String> progress) throws Exception {
        Path dir = TestServer.tempDir();
        try (Child server = Child.start(
                "server",
                List.of("--enable-native-access=ALL-UNNAMED", "-Dlogback.configurationFile=logback-bench.xml"),
                IdleServer.class)) {
            String[] ready = server.await("READY", 60).split(" ");
            ApiClient admin = new ApiClient(ready[0], ready[1]);
            String wsBase = ready[0].replaceFirst("^http", "ws");
            long t0 = System.nanoTime();
            List<String> pairs = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<String>> made = new ArrayList<>();
                for (int i = 0; i < SESSIONS; i++) {
                    int n = i;
                    made.add(pool.submit(() -> {
                        String id = admin.createSession("/srv/bench-idle-" + n);
                        return wsBase + "/api/sessions/" + id + "/ws " + admin.liveToken(id);
                    }));
                }
                for (Future<String> f : made) {
                    pairs.add(f.get());
                }
            }
            double setup = (System.nanoTime() - t0) / 1e9;
            Path file = dir.resolve("pairs.txt");
            Files.write(file, pairs);
            progress.accept("[4/4] idle: " + SESSIONS + " sessions and live tokens created in " + Stats.fmt(setup, 1)
                    + " s; measuring the server's baseline");
            server.send("measure");
            Sample before = Sample.parse(server.await("MEASURE", 60));

            List<Sample> connected = new ArrayList<>();
            List<Sample> disconnected = new ArrayList<>();
            int snapshots = 0;
            long clientsRss = -1;
            double connect = 0;
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                long t1 = System.nanoTime();
                try (Child clients = Child.start(
                        "clients",
                        List.of("-Xmx512m", "-Dlogback.configurationFile=logback-bench.xml"),
                        IdleClients.class,
                        file.toString())) {
                    int got = Integer.parseInt(clients.await("READY", 180));
                    double took = (System.nanoTime() - t1) / 1e9;
                    if (cycle == 1) {
                        snapshots = got;
                        connect = took;
                    }
                    progress.accept("[4/4] idle: cycle " + cycle + ": " + got + " clients subscribed (child JVM) in "
                            + Stats.fmt(took, 1) + " s; measuring the server");
                    Thread.sleep(2000);
                    server.send("measure");
                    connected.add(Sample.parse(server.await("MEASURE", 60)));
                    if (cycle == 1) {
                        clientsRss = Child.rss(clients.pid());
                    }
                }
                Thread.sleep(2000); // let the server notice the closes
                server.send("measure");
                Sample after = Sample.parse(server.await("MEASURE", 60));
                disconnected.add(after);
                progress.accept("[4/4] idle: cycle " + cycle + ": clients gone; server at " + after.connections()
                        + " connections, heap " + Stats.mib(after.heap()) + ", " + after.httpSessions()
                        + " Jetty HTTP sessions alive");
            }
            return new Result(before, connected, disconnected, snapshots, clientsRss, setup, connect);
        } finally {
            TestServer.deleteTree(dir);
        }
    }
}

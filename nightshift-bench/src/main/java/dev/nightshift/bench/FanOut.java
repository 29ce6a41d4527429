package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.core.model.NewEvent;
import io.javalin.Javalin;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Measurement 2: one session, 100 WebSocket clients, rounds of 1,000 events paced at one per
 * millisecond. Delivery latency is the client's arrival nanoTime minus the nanoTime the appender
 * embedded just before appending. Round 1 runs on a server whose send path the JIT has not compiled
 * yet; round 2 is warm-up; round 3 is the measurement. Every round waits for full delivery first.
 */
final class FanOut {
    static final int CLIENTS = 100;
    static final int EVENTS = 1000;
    static final int ROUNDS = 3;
    static final long INTERVAL_NANOS = 1_000_000; // one event per millisecond
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One round's deliveries. */
    record Round(
            int round,
            long[] sorted,
            int deliveries,
            int clientsInOrder,
            double sendMillis,
            double drainMillis,
            String problems) {}

    record Result(String system, List<Round> rounds, int resyncFrames, int otherFrames) {
        Round measured() {
            return rounds.getLast();
        }

        Round cold() {
            return rounds.getFirst();
        }
    }

    /** Sends one event of round r with index i, embedding System.nanoTime() taken just before. */
    interface Sink {
        void send(int round, int i) throws Exception;
    }

    static Result nightshift(Consumer<String> progress) throws Exception {
        try (BenchServer s = BenchServer.sqlite()) {
            String session = s.admin.createSession("/srv/bench-fanout");
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                tokens.add(s.admin.liveToken(session));
            }
            HttpClient http = HttpClient.newHttpClient();
            List<Collector> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Collector c = Collector.connect(http, s.wsUrl(session), ROUNDS * EVENTS, null);
                    clients.add(c);
                    c.subscribe(tokens.get(i));
                }
                for (Collector c : clients) {
                    if (!c.snapshot.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("a client got no snapshot within 30 s");
                    }
                }
                progress.accept(
                        "[2/4] fan-out: " + CLIENTS + " clients connected and subscribed to Nightshift (SQLite)");
                Thread.sleep(1000); // let the join-time presence broadcasts drain
                var log = s.ns.eventLog();
                Sink sink = (round, i) -> {
                    long t = System.nanoTime();
                    log.append(session, List.of(new NewEvent("bench", null, Payloads.timed(round, i, t))));
                };
                return measure("Nightshift (SQLite)", clients, sink, progress);
            } finally {
                for (Collector c : clients) {
                    c.close();
                }
                http.close();
            }
        }
    }

    /** The floor: a bare Javalin endpoint broadcasting the same frame to every session with sendText. */
    static Result floor(Consumer<String> progress) throws Exception {
        Map<String, Session> sessions = new ConcurrentHashMap<>();
        Javalin app = Javalin.create(javalin -> {
                    javalin.concurrency.useVirtualThreads = true;
                    javalin.startup.showJavalinBanner = false;
                    javalin.routes.ws("/ws", ws -> {
                        ws.onConnect(ctx -> sessions.put(ctx.sessionId(), ctx.session));
                        ws.onClose(ctx -> sessions.remove(ctx.sessionId()));
                        ws.onError(ctx -> sessions.remove(ctx.sessionId()));
                    });
                })
                .start("127.0.0.1", 0);
        HttpClient http = HttpClient.newHttpClient();
        List<Collector> clients = new ArrayList<>();
        try {
            String url = "ws://127.0.0.1:" + app.port() + "/ws";
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(Collector.connect(http, url, ROUNDS * EVENTS, null));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sessions.size() < CLIENTS) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + sessions.size() + " floor clients connected");
                }
                Thread.sleep(10);
            }
            progress.accept("[2/4] fan-out: " + CLIENTS + " clients connected to the bare Javalin broadcaster");
            Thread.sleep(1000);
            long[] seq = {0};
            Sink sink = (round, i) -> {
                long t = System.nanoTime();
                String frame = "{\"type\":\"event\",\"event\":{\"seq\":" + (++seq[0]) + ",\"type\":\"bench\",\"data\":"
                        + Payloads.timed(round, i, t) + ",\"createdAt\":\"" + Instant.now() + "\"}}";
                for (Session ws : sessions.values()) {
                    ws.sendText(frame, Callback.NOOP);
                }
            };
            return measure("bare Javalin broadcast", clients, sink, progress);
        } finally {
            for (Collector c : clients) {
                c.close();
            }
            http.close();
            app.stop();
        }
    }

    private static Result measure(String system, List<Collector> clients, Sink sink, Consumer<String> progress)
            throws Exception {
        List<Round> rounds = new ArrayList<>();
        for (int r = 1; r <= ROUNDS; r++) {
            long sendNanos = paced(r, sink);
            long sentAt = System.nanoTime();
            int target = r * EVENTS;
            long deadline = sentAt + TimeUnit.SECONDS.toNanos(60);
            while (clients.stream().anyMatch(c -> c.eventCount() < target) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(200); // anything extra (duplicates) would arrive now
            Round round = analyse(r, clients, sendNanos / 1e6, sentAt);
            rounds.add(round);
            progress.accept("[2/4] fan-out: " + system + ", round " + r
                    + (r == ROUNDS ? " (measured)" : r == 1 ? " (cold)" : " (warm-up)") + ": p50 "
                    + Stats.fmtMs(Stats.pct(round.sorted(), 0.5)) + ", p99 "
                    + Stats.fmtMs(Stats.pct(round.sorted(), 0.99)) + ", " + round.clientsInOrder() + "/" + CLIENTS
                    + " clients got all " + EVENTS + " in order");
        }
        int resyncs = clients.stream().mapToInt(c -> c.resyncFrames).sum();
        int other = clients.stream().mapToInt(c -> c.otherFrames).sum();
        return new Result(system, rounds, resyncs, other);
    }

    /** Latencies of round r over all clients; checks each client got its 1,000 events once, in order. */
    private static Round analyse(int r, List<Collector> clients, double sendMillis, long sentAt) throws Exception {
        long[] latencies = new long[CLIENTS * EVENTS];
        int n = 0;
        int inOrder = 0;
        long lastArrival = sentAt;
        StringBuilder problems = new StringBuilder();
        for (int k = 0; k < clients.size(); k++) {
            Collector c = clients.get(k);
            int count = Math.min(c.eventCount(), ROUNDS * EVENTS);
            int nextIndex = 0;
            long lastSeq = 0;
            boolean ordered = true;
            for (int f = 0; f < count; f++) {
                JsonNode event = JSON.readTree(c.eventText(f)).path("event");
                long seq = event.path("seq").asLong();
                if (seq <= lastSeq) {
                    ordered = false;
                }
                lastSeq = seq;
                JsonNode data = event.path("data");
                if (data.path("r").asInt() != r) {
                    continue;
                }
                int i = data.path("i").asInt();
                if (i != nextIndex) {
                    ordered = false;
                }
                nextIndex = i + 1;
                if (n < latencies.length) {
                    latencies[n++] = c.eventAt(f) - data.path("t").asLong();
                }
                lastArrival = Math.max(lastArrival, c.eventAt(f));
            }
            boolean all = nextIndex == EVENTS && c.eventCount() == r * EVENTS;
            if (all && ordered) {
                inOrder++;
            } else if (problems.length() < 400) {
                problems.append("client ")
                        .append(k)
                        .append(": ")
                        .append(c.eventCount())
                        .append(" event frames so far, ")
                        .append(ordered ? "in order" : "OUT OF ORDER")
                        .append("; ");
            }
        }
        return new Round(
                r,
                Stats.sorted(Arrays.copyOf(latencies, n)),
                n,
                inOrder,
                sendMillis,
                (lastArrival - sentAt) / 1e6,
                problems.toString());
    }

    /** Sends EVENTS events of round r, the i-th no earlier than start + i × INTERVAL_NANOS. */
    private static long paced(int round, Sink sink) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) {
            long target = start + i * INTERVAL_NANOS;
            long wait;
            while ((wait = target - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            sink.send(round, i);
        }
        return System.nanoTime() - start;
    }
}

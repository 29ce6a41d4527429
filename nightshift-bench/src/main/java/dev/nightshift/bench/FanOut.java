package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.core.model.NewEvent;
import io.javalin.Javalin;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Measurement 2: one session, 100 WebSocket clients, 1,000 paced events; delivery latency is the
 * client's arrival nanoTime minus the nanoTime the appender embedded just before appending.
 */
final class FanOut {
    static final int CLIENTS = 100;
    static final int EVENTS = 1000;
    static final int WARMUP = 200;
    static final long INTERVAL_NANOS = 1_000_000; // one event per millisecond
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(String system, long[] sorted, int deliveries, int clientsComplete, int clientsInOrder,
            int resyncFrames, double sendMillis, String problems) {}

    /** Sends one timed event (index i, embedded nanoTime t) to every client. */
    interface Sink {
        void send(String type, int i) throws Exception;
    }

    static Result nightshift(Consumer<String> progress) throws Exception {
        try (BenchServer s = BenchServer.sqlite()) {
            String session = s.admin.createSession("/srv/bench-fanout");
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                tokens.add(s.admin.liveToken(session));
            }
            HttpClient http = HttpClient.newHttpClient();
            CountDownLatch done = new CountDownLatch(CLIENTS);
            List<Collector> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Collector c = Collector.connect(http, s.wsUrl(session), WARMUP + EVENTS, done);
                    clients.add(c);
                    c.subscribe(tokens.get(i));
                }
                for (Collector c : clients) {
                    if (!c.snapshot.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("a client got no snapshot within 30 s");
                    }
                }
                progress.accept("[2/4] fan-out: " + CLIENTS + " clients connected and subscribed to Nightshift (SQLite)");
                Thread.sleep(1000); // let the join-time presence broadcasts drain
                var log = s.ns.eventLog();
                Sink sink = (type, i) -> {
                    long t = System.nanoTime();
                    log.append(session, List.of(new NewEvent(type, null, Payloads.timed(i, t))));
                };
                return measure("Nightshift (SQLite)", clients, done, sink, progress);
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
        }).start("127.0.0.1", 0);
        HttpClient http = HttpClient.newHttpClient();
        CountDownLatch done = new CountDownLatch(CLIENTS);
        List<Collector> clients = new ArrayList<>();
        try {
            String url = "ws://127.0.0.1:" + app.port() + "/ws";
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(Collector.connect(http, url, WARMUP + EVENTS, done));
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
            Sink sink = (type, i) -> {
                long t = System.nanoTime();
                String frame = "{\"type\":\"event\",\"event\":{\"seq\":" + (++seq[0]) + ",\"type\":\"" + type
                        + "\",\"data\":" + Payloads.timed(i, t) + ",\"createdAt\":\"" + Instant.now() + "\"}}";
                for (Session ws : sessions.values()) {
                    ws.sendText(frame, Callback.NOOP);
                }
            };
            return measure("bare Javalin broadcast", clients, done, sink, progress);
        } finally {
            for (Collector c : clients) {
                c.close();
            }
            http.close();
            app.stop();
        }
    }

    private static Result measure(String system, List<Collector> clients, CountDownLatch done, Sink sink,
            Consumer<String> progress) throws Exception {
        paced(WARMUP, "warmup", sink);
        long sendNanos = paced(EVENTS, "bench", sink);
        boolean all = done.await(60, TimeUnit.SECONDS);
        progress.accept("[2/4] fan-out: " + system + ": " + EVENTS + " events sent in "
                + Stats.fmt(sendNanos / 1e6, 0) + " ms" + (all ? ", all delivered" : ", NOT all delivered within 60 s"));
        Thread.sleep(200); // anything extra (duplicates) would arrive now
        long[] latencies = new long[CLIENTS * EVENTS];
        int n = 0;
        int complete = 0;
        int inOrder = 0;
        int resyncs = 0;
        StringBuilder problems = new StringBuilder();
        for (int k = 0; k < clients.size(); k++) {
            Collector c = clients.get(k);
            resyncs += c.resyncFrames;
            int count = Math.min(c.eventCount(), WARMUP + EVENTS);
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
                if (!event.path("type").asText().equals("bench")) {
                    continue;
                }
                JsonNode data = event.path("data");
                int i = data.path("i").asInt();
                if (i != nextIndex) {
                    ordered = false;
                }
                nextIndex = i + 1;
                if (n < latencies.length) {
                    latencies[n++] = c.eventAt(f) - data.path("t").asLong();
                }
            }
            boolean got = nextIndex == EVENTS && c.eventCount() == WARMUP + EVENTS;
            if (got) {
                complete++;
            }
            if (got && ordered) {
                inOrder++;
            }
            if ((!got || !ordered) && problems.length() < 400) {
                problems.append("client ").append(k).append(": ").append(c.eventCount()).append(" event frames, ")
                        .append(ordered ? "in order" : "OUT OF ORDER").append("; ");
            }
        }
        long[] sorted = Stats.sorted(java.util.Arrays.copyOf(latencies, n));
        return new Result(system, sorted, n, complete, inOrder, resyncs, sendNanos / 1e6, problems.toString());
    }

    /** Sends {@code count} events, the i-th no earlier than start + i × 1 ms. */
    private static long paced(int count, String type, Sink sink) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long target = start + i * INTERVAL_NANOS;
            long wait;
            while ((wait = target - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            sink.send(type, i);
        }
        return System.nanoTime() - start;
    }
}

package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Webhook received → session created, next to a person doing the same by hand: one server (SQLite
 * or PostgreSQL, no sandboxes, rate limits off, a turn executor that returns at once),
 * {@link #AUTOMATIONS} webhook automations, and one client that alternates a delivery to the next
 * automation with {@code POST /api/sessions} followed by {@code POST /api/sessions/{id}/prompts}
 * (the floor). A delivery's answer waits for the pipeline to have created the session and queued its
 * prompt, so its latency is the whole path. Runs on the calling thread.
 */
final class WebhookLatency {
    /** Deliveries go round these, so each automation's previous run (a turn that returns at once) has ended. */
    static final int AUTOMATIONS = 100;

    static final int WARMUP = 200;
    static final int MEASURED = 300;
    /** The repository the automations and the floor's sessions name; nothing is checked out (no sandboxes). */
    static final String REPOSITORY = "/srv/bench-automations";

    static final String REPOSITORY_ROOT = "/srv";
    /** A delivery skipped because its automation's run was still active is tried again after this. */
    private static final Duration SKIPPED_RETRY = Duration.ofMillis(50);

    private WebhookLatency() {}

    /** On PostgreSQL, this many more of each, alone, while the database counts its transactions. */
    static final int PROBED = 50;
    /**
     * Long enough for every PostgreSQL backend of the server's pool to have flushed its statistics: an
     * idle backend flushes what it holds within 10 s (PostgreSQL 15's idle interval).
     */
    private static final Duration STATS_SETTLE = Duration.ofSeconds(11);

    /**
     * One database's numbers; {@code skipped}: deliveries that found their automation busy and were
     * repeated; {@code work}: what the database did per operation (PostgreSQL only, else null).
     */
    record Result(String db, Series floor, Series webhook, int skipped, DatabaseWork work) {}

    /**
     * Per operation, from PostgreSQL's own statistics of its database: transactions committed (reads
     * in autocommit count as one each) and rows written. The turn each operation starts, and the
     * server's timers while it ran, are included alike.
     */
    record DatabaseWork(
            double deliveryTransactions, double deliveryRowWrites, double byHandTransactions, double byHandRowWrites) {}

    static Result run(boolean postgres, Consumer<String> say) throws Exception {
        Map<String, String> settings =
                Map.of("NIGHTSHIFT_RATE_LIMITS", "off", "NIGHTSHIFT_LOCAL_REPOSITORY_ROOTS", REPOSITORY_ROOT);
        try (BenchServer s = BenchServer.start(postgres, settings, p -> {
            p.sandboxes = false;
            p.executor = turn -> {};
        })) {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Client client = new Client(http, s.ns.url(), s.ns.adminToken());
            List<Hook> hooks = new ArrayList<>();
            for (int i = 0; i < AUTOMATIONS; i++) {
                hooks.add(client.createWebhook("bench " + i));
            }
            say.accept(s.db + ": " + AUTOMATIONS + " webhook automations; " + WARMUP
                    + " warm-up deliveries and sessions by hand, not counted");
            int[] skipped = {0};
            int next = 0;
            for (int i = 0; i < WARMUP; i++) {
                client.deliver(hooks.get(next++ % AUTOMATIONS), i, skipped);
                client.byHand(i);
            }
            skipped[0] = 0;
            long[] webhook = new long[MEASURED];
            long[] floor = new long[MEASURED];
            for (int i = 0; i < MEASURED; i++) {
                // alternate which goes first, so drift hits both alike
                if (i % 2 == 0) {
                    webhook[i] = client.deliver(hooks.get(next++ % AUTOMATIONS), WARMUP + i, skipped);
                    floor[i] = client.byHand(WARMUP + i);
                } else {
                    floor[i] = client.byHand(WARMUP + i);
                    webhook[i] = client.deliver(hooks.get(next++ % AUTOMATIONS), WARMUP + i, skipped);
                }
            }
            DatabaseWork work = null;
            if (!s.isSqlite()) {
                say.accept(s.db + ": " + PROBED + " more of each, alone, counting the database's transactions");
                long[] before = databaseCounters(s);
                for (int i = 0; i < PROBED; i++) {
                    client.deliver(hooks.get(next++ % AUTOMATIONS), WARMUP + MEASURED + i, skipped);
                }
                long[] afterDeliveries = databaseCounters(s);
                for (int i = 0; i < PROBED; i++) {
                    client.byHand(WARMUP + MEASURED + i);
                }
                long[] afterByHand = databaseCounters(s);
                work = new DatabaseWork(
                        (afterDeliveries[0] - before[0]) / (double) PROBED,
                        (afterDeliveries[1] - before[1]) / (double) PROBED,
                        (afterByHand[0] - afterDeliveries[0]) / (double) PROBED,
                        (afterByHand[1] - afterDeliveries[1]) / (double) PROBED);
            }
            Result result = new Result(
                    s.db,
                    Series.of("person: create session + queue prompt (floor)", floor),
                    Series.of("webhook delivery → session created", webhook),
                    skipped[0],
                    work);
            say.accept(s.db + ": floor p50 " + Stats.fmtMs(result.floor().p50()) + ", webhook p50 "
                    + Stats.fmtMs(result.webhook().p50()) + " ("
                    + Stats.ratio(result.webhook().p50(), result.floor().p50()) + ")");
            return result;
        }
    }

    /**
     * PostgreSQL's transactions committed and rows written in the server's database so far, once the
     * work before has settled (turns ended, statistics flushed).
     */
    private static long[] databaseCounters(BenchServer s) throws Exception {
        Thread.sleep(STATS_SETTLE);
        try (Connection c = s.rawConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT xact_commit, tup_inserted + tup_updated + tup_deleted"
                        + " FROM pg_stat_database WHERE datname = current_database()")) {
            if (!rs.next()) {
                throw new IllegalStateException("PostgreSQL has no statistics for the server's database");
            }
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** A webhook automation's endpoint and key. */
    record Hook(String url, String key) {}

    /** One keep-alive HTTP/1.1 client, the same for both paths. */
    private record Client(HttpClient http, String base, String token) {
        Hook createWebhook(String name) throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("repository", REPOSITORY);
            body.put("prompt", "Look at this event and fix what it reports.");
            body.put("trigger", Map.of("type", "webhook"));
            JsonNode created = send(api("/api/automations", body), 201);
            return new Hook(
                    created.path("webhook").path("url").asText(),
                    created.path("webhook").path("key").asText());
        }

        /** One delivery, timed until its answer names the session; a skipped one is repeated, untimed. */
        long deliver(Hook hook, int n, int[] skipped) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create(hook.url()))
                    .header("Authorization", "Bearer " + hook.key())
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"bench\",\"n\":" + n + "}"))
                    .build();
            while (true) {
                long t0 = System.nanoTime();
                JsonNode answer = send(request, 202);
                long took = System.nanoTime() - t0;
                if (answer.path("fired").asBoolean()) {
                    if (!answer.path("sessionId").asText().startsWith("ses_")) {
                        throw new IllegalStateException(
                                "a delivery was answered before its session was created: " + answer);
                    }
                    return took;
                }
                skipped[0]++;
                Thread.sleep(SKIPPED_RETRY);
            }
        }

        /** A person's way to the same place: create a session, then queue the prompt on it. */
        long byHand(int n) throws Exception {
            long t0 = System.nanoTime();
            String id = send(api("/api/sessions", Map.of("repository", REPOSITORY)), 201)
                    .path("id")
                    .asText();
            send(
                    api(
                            "/api/sessions/" + id + "/prompts",
                            Map.of("content", "Look at this event and fix what it reports. n=" + n)),
                    202);
            return System.nanoTime() - t0;
        }

        private HttpRequest api(String path, Object body) throws Exception {
            return HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)))
                    .build();
        }

        private JsonNode send(HttpRequest request, int expected) throws Exception {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(request.method() + " "
                        + request.uri().getPath() + " answered " + response.statusCode() + ": " + response.body());
            }
            return Json.tree(response.body());
        }
    }
}

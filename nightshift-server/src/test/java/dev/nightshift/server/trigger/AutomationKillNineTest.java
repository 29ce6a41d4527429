package dev.nightshift.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.ServerProcess;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills a real server process with SIGKILL while webhook deliveries are being answered and their
 * sessions started, starts it again on the same data directory, and checks that every delivery it
 * answered 202 still became exactly one session whose turn ran to the end — and that nothing it
 * stored (answered or not) was left half done.
 */
class AutomationKillNineTest {
    private static final int AUTOMATIONS = 12;
    private static final int ACKS_BEFORE_KILL = 6;

    private final Path dataDir = TestServer.tempDir();
    private ServerProcess server;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (server != null) {
            server.kill();
        }
        TestServer.deleteTree(dataDir);
    }

    @Test
    void everyAnsweredDeliveryBecomesExactlyOneFinishedSessionAfterAKill() throws Exception {
        server = ServerProcess.start(dataDir, Map.of("NIGHTSHIFT_TEST_EVENTS_PER_TURN", "30"));
        ApiClient api = new ApiClient(
                server.url(), Files.readString(dataDir.resolve("admin-token")).trim());
        List<String[]> hooks = new ArrayList<>();
        for (int i = 0; i < AUTOMATIONS; i++) {
            ApiClient.Response made = api.post(
                    "/api/automations",
                    Map.of(
                            "name",
                            "alert " + i,
                            "repository",
                            "/srv/crash-" + i,
                            "prompt",
                            "Fix {{ $.id }}",
                            "trigger",
                            Map.of("type", "webhook", "idempotencyKey", "$.id")));
            assertThat(made.status()).as(made.raw()).isEqualTo(201);
            hooks.add(new String[] {
                made.text("id"),
                made.body().path("webhook").path("url").asText(),
                made.body().path("webhook").path("key").asText()
            });
        }

        // every automation gets one delivery at once; the server dies after a few are answered
        Map<String, String> answered = new ConcurrentHashMap<>(); // automation id -> run id
        CountDownLatch enough = new CountDownLatch(ACKS_BEFORE_KILL);
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
        for (String[] hook : hooks) {
            senders.submit(() -> {
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(URI.create(hook[1]))
                                    .header("Authorization", "Bearer " + hook[2])
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"evt-" + hook[0] + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 202) {
                        answered.put(
                                hook[0],
                                ApiClient.JSON
                                        .readTree(response.body())
                                        .path("runId")
                                        .asText());
                        enough.countDown();
                    }
                } catch (Exception e) {
                    // the kill cut this delivery off: it was never answered, so the sender would retry
                }
                return null;
            });
        }
        assertThat(enough.await(30, TimeUnit.SECONDS)).isTrue();
        server.kill();
        senders.shutdown();
        assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        Map<String, String> acknowledged = Map.copyOf(answered);
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        server = ServerProcess.start(dataDir, Map.of("NIGHTSHIFT_TEST_EVENTS_PER_TURN", "30"));
        ApiClient after = new ApiClient(server.url(), api.token());
        // every run that was stored, answered or not, ends; none stays fired or running
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    for (String[] hook : hooks) {
                        for (JsonNode run : runs(after, hook[0])) {
                            assertThat(run.path("status").asText())
                                    .as("run %s of %s", run.path("id").asText(), hook[0])
                                    .isEqualTo("succeeded");
                        }
                    }
                });
        Set<String> sessions = new HashSet<>();
        for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
            List<JsonNode> runs = runs(after, ack.getKey());
            assertThat(runs)
                    .as("runs of %s", ack.getKey())
                    .singleElement()
                    .satisfies(run -> assertThat(run.path("id").asText()).isEqualTo(ack.getValue()));
            String sessionId = runs.getFirst().path("sessionId").asText();
            assertThat(sessions.add(sessionId)).as("one session per run").isTrue();
            JsonNode session = after.get("/api/sessions/" + sessionId).body();
            assertThat(session.path("origin").path("runId").asText()).isEqualTo(ack.getValue());
            assertThat(after.allEvents(sessionId))
                    .filteredOn(e -> e.path("type").asText().equals("turn_complete"))
                    .singleElement()
                    .satisfies(e ->
                            assertThat(e.path("data").path("status").asText()).isEqualTo("completed"));
        }
    }

    private static List<JsonNode> runs(ApiClient api, String automationId) {
        // a refused read (429 while the wait polls) must fail the check, never read as "no runs"
        ApiClient.Response listed = api.get("/api/automations/" + automationId + "/runs?limit=100");
        assertThat(listed.status()).as(listed.raw()).isEqualTo(200);
        List<JsonNode> runs = new ArrayList<>();
        listed.body().path("runs").forEach(runs::add);
        return runs;
    }
}

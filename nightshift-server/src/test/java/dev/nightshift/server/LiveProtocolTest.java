package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.server.testing.WsTestClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The live protocol with real WebSocket and SSE clients against a real server. */
class LiveProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    static TestServer server;
    static ApiClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                Map.of(),
                p -> p.executor = turn -> {
                    for (int i = 0; i < 3; i++) {
                        turn.emit("token", "{\"text\":\"part " + i + "\"}");
                    }
                });
        admin = server.admin;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private void append(String sessionId, int count) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new NewEvent("token", null, "{\"i\":" + i + "}"));
        }
        server.server.eventLog().append(sessionId, events);
    }

    @Test
    void twoClientsSeeTheSameEventsInTheSameOrder() {
        String id = admin.createSession("/srv/live");
        try (WsTestClient a = WsTestClient.subscribe(server.wsUrl(id), admin.liveToken(id));
                WsTestClient b = WsTestClient.subscribe(server.wsUrl(id), admin.liveToken(id))) {
            a.send(Map.of("type", "prompt", "content", "hello", "clientRequestId", "ws-1"));
            JsonNode accepted = a.next("prompt_accepted", WAIT);
            assertThat(accepted.path("clientRequestId").asText()).isEqualTo("ws-1");
            // user_message, 3 tokens, turn_complete
            List<JsonNode> seenByA = a.events(5, WAIT);
            List<JsonNode> seenByB = b.events(5, WAIT);
            assertThat(seenByA).isEqualTo(seenByB);
            assertThat(seenByA).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(seenByA.getFirst().path("type").asText()).isEqualTo("user_message");
            assertThat(seenByA.getFirst().path("data").path("content").asText()).isEqualTo("hello");
            assertThat(seenByA.getLast().path("type").asText()).isEqualTo("turn_complete");
            assertThat(seenByA.getLast().path("data").path("status").asText()).isEqualTo("completed");
        }
    }

    @Test
    void theSnapshotHoldsTheNewest500EventsWithAnExactHasMore() {
        String id = admin.createSession("/srv/snapshot");
        append(id, 500);
        try (WsTestClient c = WsTestClient.connect(server.wsUrl(id))) {
            c.send(Map.of("type", "subscribe", "token", admin.liveToken(id)));
            JsonNode snapshot = c.next("snapshot", WAIT);
            assertThat(snapshot.path("events")).hasSize(500);
            assertThat(snapshot.path("hasMore").asBoolean()).isFalse();
            assertThat(snapshot.path("session").path("id").asText()).isEqualTo(id);
            assertThat(snapshot.has("queue")).isTrue();
            assertThat(snapshot.has("artifacts")).isTrue();
            assertThat(snapshot.path("presence").findValuesAsText("login")).contains("admin");
        }
        append(id, 1);
        try (WsTestClient c = WsTestClient.connect(server.wsUrl(id))) {
            c.send(Map.of("type", "subscribe", "token", admin.liveToken(id)));
            JsonNode snapshot = c.next("snapshot", WAIT);
            assertThat(snapshot.path("events")).hasSize(500);
            assertThat(snapshot.path("hasMore").asBoolean()).isTrue();
            assertThat(snapshot.path("events").get(0).path("seq").asLong()).isEqualTo(2);
            c.send(Map.of("type", "fetch_history", "before", 2, "limit", 10));
            JsonNode history = c.next("history", WAIT);
            assertThat(history.path("events"))
                    .extracting(e -> e.path("seq").asLong())
                    .containsExactly(1L);
            assertThat(history.path("hasMore").asBoolean()).isFalse();
            c.send(Map.of("type", "fetch_history", "before", 2, "limit", 501));
            assertThat(c.next("error", WAIT).path("message").asText()).contains("between 1 and 500");
        }
    }

    @Test
    void eventsPublishedWhileJoiningAreNeitherLostNorDuplicated() throws Exception {
        String id = admin.createSession("/srv/race");
        Thread writer = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 300; i++) {
                append(id, 1);
            }
        });
        List<Long> seqs = new ArrayList<>();
        try (WsTestClient c = WsTestClient.connect(server.wsUrl(id))) {
            c.send(Map.of("type", "subscribe", "token", admin.liveToken(id)));
            c.next("snapshot", WAIT)
                    .path("events")
                    .forEach(e -> seqs.add(e.path("seq").asLong()));
            writer.join();
            int remaining = 300 - seqs.size();
            c.events(remaining, WAIT).forEach(e -> seqs.add(e.path("seq").asLong()));
        }
        assertThat(seqs)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, 300).boxed().toList());
    }

    @Test
    void aSocketWithoutAValidSubscribeIsClosed() throws Exception {
        String id = admin.createSession("/srv/auth");
        try (WsTestClient c = WsTestClient.connect(server.wsUrl(id))) {
            c.send(Map.of("type", "prompt", "content", "no"));
            assertThat(c.next("error", WAIT).path("code").asText()).isEqualTo("not_subscribed");
            c.send(Map.of("type", "subscribe", "token", "nsl_forged"));
            assertThat(c.next("error", WAIT).path("status").asInt()).isEqualTo(401);
            assertThat(c.closed.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(4001);
        }
        String other = admin.createSession("/srv/other");
        try (WsTestClient c = WsTestClient.connect(server.wsUrl(id))) {
            c.send(Map.of("type", "subscribe", "token", admin.liveToken(other)));
            assertThat(c.closed.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(4001);
        }
        try (TestServer quick = TestServer.start(
                        NightshiftConfig.from(Map.of(
                                        "NIGHTSHIFT_PORT",
                                        "0",
                                        "NIGHTSHIFT_DATA_DIR",
                                        TestServer.tempDir().toString()))
                                .withLimits(dev.nightshift.core.policy.Limits.DEFAULTS.withSubscribeTimeout(
                                        Duration.ofMillis(300))),
                        p -> {});
                WsTestClient idle = WsTestClient.connect(quick.wsUrl(quick.admin.createSession("/srv/idle")))) {
            assertThat(idle.closed.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(4008);
        }
    }

    @Test
    void viewersWatchButCannotPromptAndPresenceIsBroadcast() {
        String id = admin.createSession("/srv/viewer");
        String share = admin.post("/api/sessions/" + id + "/share-links", null).text("token");
        String viewerLive = server.client(share).liveToken(id);
        try (WsTestClient owner = WsTestClient.subscribe(server.wsUrl(id), admin.liveToken(id));
                WsTestClient viewer = WsTestClient.subscribe(server.wsUrl(id), viewerLive)) {
            JsonNode presence = owner.next("presence", WAIT);
            while (presence.path("people").size() < 2) {
                presence = owner.next("presence", WAIT);
            }
            assertThat(presence.path("people").findValuesAsText("login")).contains("admin", "share-link viewer");
            viewer.send(Map.of("type", "prompt", "content", "let me"));
            JsonNode error = viewer.next("error", WAIT);
            assertThat(error.path("status").asInt()).isEqualTo(403);
            assertThat(error.path("requestType").asText()).isEqualTo("prompt");
            viewer.send(Map.of("type", "ping"));
            assertThat(viewer.next("pong", WAIT).has("time")).isTrue();
            owner.send(Map.of("type", "presence", "status", "idle"));
            JsonNode idle = viewer.next("presence", WAIT);
            while (!idle.toString().contains("idle")) {
                idle = viewer.next("presence", WAIT);
            }
            owner.send(Map.of("type", "typing"));
            assertThat(viewer.next("typing", WAIT).path("login").asText()).isEqualTo("admin");
            owner.send(Map.of("type", "teleport"));
            assertThat(owner.next("error", WAIT).path("message").asText()).contains("unknown message type");
            owner.send(Map.of("type", "stop"));
            assertThat(owner.next("stop_result", WAIT).path("stopped").asBoolean())
                    .isFalse();
        }
    }

    @Test
    void fetchHistoryIsRateLimitedPerSocket() {
        String id = admin.createSession("/srv/ratelimit");
        append(id, 3);
        try (WsTestClient c = WsTestClient.subscribe(server.wsUrl(id), admin.liveToken(id))) {
            int limit = dev.nightshift.core.policy.Limits.DEFAULTS.historyRequestsPerMinute();
            for (int i = 0; i < limit; i++) {
                c.send(Map.of("type", "fetch_history", "after", 0, "limit", 1));
            }
            for (int i = 0; i < limit; i++) {
                assertThat(c.next("history", WAIT).path("events")).hasSize(1);
            }
            c.send(Map.of("type", "fetch_history", "after", 0));
            assertThat(c.next("error", WAIT).path("code").asText()).isEqualTo("rate_limited");
        }
    }

    @Test
    void aStalledClientNeitherBlocksTheSessionNorOtherClients() {
        String id = admin.createSession("/srv/stalled");
        String payload = "x".repeat(4000);
        try (WsTestClient stalled = WsTestClient.connectStalled(server.wsUrl(id));
                WsTestClient healthy = WsTestClient.subscribe(server.wsUrl(id), admin.liveToken(id))) {
            // the stalled client asks for nothing, so its subscribe is the only frame it ever sends
            stalled.send(Map.of("type", "subscribe", "token", admin.liveToken(id)));
            int total = 6000;
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                batch.add(new NewEvent("token", null, "{\"text\":\"" + payload + "\"}"));
                if (batch.size() == 200) {
                    server.server.eventLog().append(id, batch);
                    batch.clear();
                }
            }
            List<JsonNode> got = healthy.events(total, Duration.ofSeconds(60));
            assertThat(got.getLast().path("seq").asLong()).isEqualTo(total);
            assertThat(got).extracting(e -> e.path("seq").asLong()).isSorted().doesNotHaveDuplicates();

            stalled.resume();
            JsonNode resync = stalled.next("resync", Duration.ofSeconds(30));
            assertThat(resync.path("afterSeq").asLong()).isLessThan(total);
            stalled.send(Map.of(
                    "type", "fetch_history", "after", resync.path("afterSeq").asLong(), "limit", 10));
            assertThat(stalled.next("history", WAIT)
                            .path("events")
                            .get(0)
                            .path("seq")
                            .asLong())
                    .isEqualTo(resync.path("afterSeq").asLong() + 1);
        }
    }

    @Test
    void sseResumesAfterLastEventId() throws Exception {
        String id = admin.createSession("/srv/sse");
        append(id, 5);
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(server.url() + "/api/sessions/" + id + "/events/stream"))
                .header("Authorization", "Bearer " + admin.token())
                .header("Last-Event-ID", "3")
                .build();
        HttpResponse<java.io.InputStream> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<Long> ids = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            Thread.ofVirtual().start(() -> {
                await().atMost(WAIT).until(() -> ids.size() >= 2);
                append(id, 2);
            });
            String line;
            while (ids.size() < 4 && (line = reader.readLine()) != null) {
                if (line.startsWith("id: ")) {
                    ids.add(Long.parseLong(line.substring(4)));
                }
            }
        }
        assertThat(ids).containsExactly(4L, 5L, 6L, 7L);

        HttpResponse<String> denied = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        server.url() + "/api/sessions/" + id + "/events/stream?token=nsl_bad"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(401);
    }
}

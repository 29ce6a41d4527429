package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.ServerProcess;
import dev.nightshift.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills a real server process with SIGKILL while prompts run and events are written, starts it
 * again on the same data directory, and checks that nothing acknowledged was lost: every event a
 * client saw is still there unchanged, every session's sequence is 1..n without gap or duplicate,
 * every accepted prompt exists, and the interrupted turns were taken over and finished without
 * re-running what the log already held.
 */
class KillNineTest {
    private static final int SESSIONS = 3;
    private static final int PROMPTS_PER_SESSION = 4;
    private static final int EVENTS_PER_TURN = 50;

    private final Path dataDir = TestServer.tempDir();
    private Process process;

    @AfterEach
    void cleanUp() {
        if (process != null) {
            process.destroyForcibly();
        }
        TestServer.deleteTree(dataDir);
    }

    @Test
    void nothingAcknowledgedIsLostAndInterruptedTurnsResume() throws Exception {
        String url = startServer();
        ApiClient api = new ApiClient(
                url, Files.readString(dataDir.resolve("admin-token")).trim());
        Map<String, List<String>> accepted = new HashMap<>();
        for (int s = 0; s < SESSIONS; s++) {
            String id = api.createSession("/srv/crash-" + s);
            List<String> ids = new ArrayList<>();
            for (int p = 0; p < PROMPTS_PER_SESSION; p++) {
                ApiClient.Response r = api.prompt(id, "prompt " + p, "crid-" + p);
                assertThat(r.status()).isEqualTo(202);
                ids.add(r.text("messageId"));
            }
            accepted.put(id, ids);
        }

        // watch the log as a client would, then kill the server in the middle of it
        Map<String, Map<Long, String>> seen = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    int total = 0;
                    for (String id : accepted.keySet()) {
                        Map<Long, String> events = seen.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
                        api.allEvents(id).forEach(e -> events.put(e.path("seq").asLong(), fingerprint(e)));
                        total += events.size();
                    }
                    return total >= 150;
                });
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

        url = startServer();
        ApiClient after = new ApiClient(url, api.token());
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> accepted.keySet().stream()
                        .allMatch(id -> after.get("/api/sessions/" + id + "/prompts")
                                .body()
                                .path("queue")
                                .isEmpty()));

        int resumedTurns = 0;
        for (Map.Entry<String, List<String>> session : accepted.entrySet()) {
            String id = session.getKey();
            List<JsonNode> events = after.allEvents(id);
            List<Long> seqs = events.stream().map(e -> e.path("seq").asLong()).toList();
            assertThat(seqs)
                    .as("sequence of %s", id)
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, seqs.size()).boxed().toList());
            assertThat(after.get("/api/sessions/" + id).body().path("lastSeq").asLong())
                    .isEqualTo(seqs.size());
            Map<Long, String> now =
                    events.stream().collect(Collectors.toMap(e -> e.path("seq").asLong(), KillNineTest::fingerprint));
            seen.get(id)
                    .forEach((seq, fingerprint) -> assertThat(now.get(seq))
                            .as("event %d of %s", seq, id)
                            .isEqualTo(fingerprint));

            for (String messageId : session.getValue()) {
                List<JsonNode> mine = events.stream()
                        .filter(e -> messageId.equals(e.path("messageId").asText()))
                        .toList();
                List<Integer> tokens = mine.stream()
                        .filter(e -> e.path("type").asText().equals("token"))
                        .map(e -> e.path("data").path("i").asInt())
                        .toList();
                assertThat(tokens)
                        .as("tokens of %s", messageId)
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, EVENTS_PER_TURN)
                                .boxed()
                                .toList());
                assertThat(mine)
                        .filteredOn(e -> e.path("type").asText().equals("turn_complete"))
                        .singleElement()
                        .satisfies(e -> assertThat(e.path("data").path("status").asText())
                                .isEqualTo("completed"));
                resumedTurns += (int) mine.stream()
                        .filter(e -> e.path("type").asText().equals("turn_resumed"))
                        .count();
            }
        }
        assertThat(resumedTurns)
                .as("turns interrupted by the kill and taken over")
                .isGreaterThanOrEqualTo(1);
    }

    private static String fingerprint(JsonNode event) {
        return event.path("type").asText() + "|" + event.path("messageId").asText() + "|" + event.path("data");
    }

    private String startServer() throws IOException {
        ServerProcess started = ServerProcess.start(
                dataDir, Map.of("NIGHTSHIFT_TEST_EVENTS_PER_TURN", String.valueOf(EVENTS_PER_TURN)));
        process = started.process();
        return started.url();
    }
}

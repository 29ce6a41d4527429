package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.ServerProcess;
import dev.nightshift.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code nightshift serve} (the real main, the real agent) is killed with SIGKILL while a turn waits
 * for the answer to the agent's question. Started again, it still waits (nothing to take over: the
 * waiting turn belonged to no node), takes the answer, and the turn goes on with it to its end.
 */
class AskKillNineTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
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
    void aTurnWaitingForAnAnswerSurvivesAKillAndGoesOnWithTheAnswer() throws Exception {
        try (FakeModelServer model = FakeModelServer.start()) {
            model.enqueue(
                    Reply.toolCalls(
                            new ToolCall(
                                    "ask1",
                                    "ask_user",
                                    "{\"questions\":[{\"question\":\"Which region?\",\"options\":[\"eu-west\",\"us-east\"]}]}")),
                    Reply.text("Deploying to eu-west, as you said."));
            String url = serve(model);
            ApiClient api = new ApiClient(
                    url, Files.readString(dataDir.resolve("admin-token")).trim());
            String id = api.createSession("/srv/ask");
            api.prompt(id, "deploy it", null);
            await().atMost(WAIT).until(() -> types(api, id).contains("question"));
            await().atMost(WAIT)
                    .until(() -> api.get("/api/sessions/" + id).text("status").equals("waiting"));

            server.kill();

            url = serve(model);
            ApiClient after = new ApiClient(url, api.token());
            assertThat(after.get("/api/sessions/" + id).text("status")).isEqualTo("waiting");
            JsonNode queue =
                    after.get("/api/sessions/" + id + "/prompts").body().path("queue");
            assertThat(queue)
                    .singleElement()
                    .satisfies(m -> assertThat(m.path("status").asText()).isEqualTo("waiting"));
            String metrics = after.get("/metrics").raw();
            assertThat(metrics).contains("nightshift_turns_running 0.0").contains("nightshift_turns_waiting 1.0");
            String questionId = after.allEvents(id).stream()
                    .filter(e -> e.path("type").asText().equals("question"))
                    .findFirst()
                    .orElseThrow()
                    .path("data")
                    .path("questionId")
                    .asText();
            assertThat(model.requests()).hasSize(1);

            ApiClient.Response answered = after.post(
                    "/api/sessions/" + id + "/questions/" + questionId + "/answer",
                    Map.of("answers", List.of("eu-west")));
            assertThat(answered.status()).as(answered.raw()).isEqualTo(200);
            await().atMost(WAIT).until(() -> types(after, id).contains("turn_complete"));

            List<JsonNode> events = after.allEvents(id);
            assertThat(events.getLast().path("data").path("status").asText()).isEqualTo("completed");
            assertThat(types(after, id))
                    .doesNotContain("turn_resumed")
                    .containsSubsequence("question", "answer", "tool_result", "assistant_message", "turn_complete");
            assertThat(model.requests()).hasSize(2);
            assertThat(model.lastRequest().messages().toString()).contains("Which region?\\n   → eu-west");
            assertThat(after.get("/api/sessions/" + id).text("status")).isEqualTo("completed");
        }
    }

    private static List<String> types(ApiClient api, String id) {
        return api.allEvents(id).stream().map(e -> e.path("type").asText()).toList();
    }

    private String serve(FakeModelServer model) throws IOException {
        server = ServerProcess.serve(
                dataDir,
                Map.of(
                        "NIGHTSHIFT_MODEL",
                        "openai-compatible/coder",
                        "OPENAI_COMPATIBLE_BASE_URL",
                        model.openAiBaseUrl(),
                        "NIGHTSHIFT_LOCAL_REPOSITORY_ROOTS",
                        "/srv"));
        return server.url();
    }
}

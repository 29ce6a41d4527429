package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.Conversation;
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
 * {@code nightshift serve} (the real main, the real agent, real sandboxes) is killed with SIGKILL
 * while the agent's tool call runs; started again, it takes the turn over, tells the model the
 * call was interrupted (never running it again), and completes the turn.
 */
class AgentKillNineTest {
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
    void aTurnKilledMidToolResumesAfterRestartWithoutRerunningTheTool() throws Exception {
        try (FakeModelServer model = FakeModelServer.start()) {
            model.enqueue(
                    Reply.toolCalls(new ToolCall("c1", "bash", "{\"command\":\"echo started >> log.txt; sleep 60\"}")),
                    Reply.text("The command was interrupted; ", "I checked and will not repeat it blindly."));
            String url = serve(model);
            ApiClient api = new ApiClient(
                    url, Files.readString(dataDir.resolve("admin-token")).trim());
            String id = api.createSession("/srv/crash");
            api.prompt(id, "run the long migration", null);
            await().atMost(Duration.ofSeconds(60)).until(() -> types(api, id).contains("tool_call"));
            Thread.sleep(500); // the command is running inside the sandbox
            server.kill();

            url = serve(model);
            ApiClient after = new ApiClient(url, api.token());
            await().atMost(Duration.ofSeconds(60)).until(() -> types(after, id).contains("turn_complete"));
            List<JsonNode> events = after.allEvents(id);
            assertThat(events.stream().filter(e -> e.path("type").asText().equals("tool_call")))
                    .hasSize(1);
            JsonNode result = events.stream()
                    .filter(e -> e.path("type").asText().equals("tool_result"))
                    .findFirst()
                    .orElseThrow();
            assertThat(result.path("data").path("content").asText()).isEqualTo(Conversation.INTERRUPTED);
            assertThat(result.path("data").path("error").asBoolean()).isTrue();
            assertThat(types(after, id)).contains("turn_resumed");
            assertThat(events.getLast().path("data").path("status").asText()).isEqualTo("completed");
            assertThat(model.requests()).hasSize(2);
            assertThat(model.lastRequest().messages().toString()).contains("interrupted");
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
                        model.openAiBaseUrl()));
        return server.url();
    }
}

package dev.nightshift.server.children;

import static dev.nightshift.server.children.ChildSessionsEndToEndTest.children;
import static dev.nightshift.server.children.ChildSessionsEndToEndTest.ofType;
import static dev.nightshift.server.children.ChildSessionsEndToEndTest.spawn;
import static dev.nightshift.server.children.ChildSessionsEndToEndTest.user;
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
 * {@code wait_sessions} survives a restart: {@code nightshift serve} (the real main, the real agent) is
 * killed with SIGKILL while a parent waits for its child; started again, the child's turn is taken over
 * and finishes, and that wakes the parent, whose wait answers once with the child's outcome.
 */
class ChildSessionsKillNineTest {
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
    void aParentWaitingForItsChildAcrossAKillNineGoesOnWhenTheChildIsDone() throws Exception {
        try (FakeModelServer model = FakeModelServer.start()) {
            model.enqueueWhen(
                    user("wait across a restart"),
                    Reply.toolCalls(spawn("s1", "hold on", "Held")),
                    Reply.toolCalls(new ToolCall("w1", "wait_sessions", "{}")),
                    Reply.text("The child is done."));
            model.enqueueWhen(
                    user("hold on"),
                    Reply.toolCalls(new ToolCall("b1", "bash", "{\"command\":\"sleep 600\"}")),
                    Reply.text("Done after the restart."));
            String url = serve(model);
            ApiClient api = new ApiClient(
                    url, Files.readString(dataDir.resolve("admin-token")).trim());
            String parent = api.createSession("/srv/restart");
            api.prompt(parent, "wait across a restart", null);
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> children(api, parent).size() == 1
                            && !ofType(
                                            api,
                                            children(api, parent)
                                                    .getFirst()
                                                    .path("id")
                                                    .asText(),
                                            "tool_call")
                                    .isEmpty()
                            && ofType(api, parent, "tool_call").stream()
                                    .anyMatch(e -> e.path("data")
                                            .path("callId")
                                            .asText()
                                            .equals("w1")));
            Thread.sleep(500); // the parent parks; the child's command runs
            server.kill();

            ApiClient after = new ApiClient(serve(model), api.token());
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> ofType(after, parent, "turn_complete").size() == 1);

            assertThat(ofType(after, parent, "turn_complete")
                            .getFirst()
                            .path("data")
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            List<JsonNode> answers = ofType(after, parent, "tool_result").stream()
                    .filter(e -> e.path("data").path("callId").asText().equals("w1"))
                    .toList();
            assertThat(answers)
                    .singleElement()
                    .satisfies(e -> assertThat(e.path("data").path("content").asText())
                            .contains("\"Held\"")
                            .contains("Done after the restart."));
            assertThat(ofType(after, parent, "turn_resumed"))
                    .anySatisfy(e ->
                            assertThat(e.path("data").path("reason").asText()).contains("waited for"));
            String child = children(after, parent).getFirst().path("id").asText();
            assertThat(ofType(after, child, "turn_complete")
                            .getFirst()
                            .path("data")
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            assertThat(model.lastRequest().messages().toString()).contains("Done after the restart.");
        }
    }

    private String serve(FakeModelServer model) throws IOException {
        server = ServerProcess.serve(
                dataDir,
                Map.of(
                        "NIGHTSHIFT_LOCAL_REPOSITORY_ROOTS",
                        "/srv",
                        "NIGHTSHIFT_MODEL",
                        "openai-compatible/coder",
                        "OPENAI_COMPATIBLE_BASE_URL",
                        model.openAiBaseUrl()));
        return server.url();
    }
}

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
import dev.nightshift.server.Main;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code wait_sessions} survives a restart: {@code nightshift serve} (the real main, the real agent) is
 * killed with SIGKILL while a parent waits for its child; started again, the child's turn is taken over
 * and finishes, and that wakes the parent, whose wait answers once with the child's outcome.
 */
class ChildSessionsKillNineTest {
    private final Path dataDir = TestServer.tempDir();
    private Process server;

    @AfterEach
    void cleanUp() {
        if (server != null) {
            server.destroyForcibly();
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
            server.destroyForcibly();
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();

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
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder =
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve");
        builder.environment().put("NIGHTSHIFT_DATA_DIR", dataDir.toString());
        builder.environment().put("NIGHTSHIFT_PORT", "0");
        builder.environment()
                .put(
                        "NIGHTSHIFT_CONFIG_FILE",
                        dataDir.resolve("none.properties").toString());
        builder.environment().put("NIGHTSHIFT_LOCAL_REPOSITORY_ROOTS", "/srv");
        builder.environment().put("NIGHTSHIFT_MODEL", "openai-compatible/coder");
        builder.environment().put("OPENAI_COMPATIBLE_BASE_URL", model.openAiBaseUrl());
        builder.redirectErrorStream(true);
        server = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder log = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            log.append(line).append('\n');
            if (line.startsWith("Nightshift is running at ")) {
                Thread.ofVirtual().start(() -> drain(out));
                return line.substring("Nightshift is running at ".length()).trim();
            }
        }
        throw new AssertionError("nightshift serve did not start:\n" + log);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the pipe empty
            }
        } catch (IOException ignored) {
            // gone
        }
    }
}

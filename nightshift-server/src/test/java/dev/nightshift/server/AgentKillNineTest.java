package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.Conversation;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
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
 * {@code nightshift serve} (the real main, the real agent, real sandboxes) is killed with SIGKILL
 * while the agent's tool call runs; started again, it takes the turn over, tells the model the
 * call was interrupted (never running it again), and completes the turn.
 */
class AgentKillNineTest {
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
            server.destroyForcibly();
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();

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
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder =
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve");
        builder.environment().put("NIGHTSHIFT_DATA_DIR", dataDir.toString());
        builder.environment().put("NIGHTSHIFT_PORT", "0");
        builder.environment()
                .put(
                        "NIGHTSHIFT_CONFIG_FILE",
                        dataDir.resolve("none.properties").toString());
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

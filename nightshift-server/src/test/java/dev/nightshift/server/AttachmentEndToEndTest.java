package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.ApiClient.FilePart;
import dev.nightshift.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A screenshot sent with a prompt, through the whole server and a real sandbox: the model gets it in
 * its provider's own format, the agent finds it (and the text file beside it) in the workspace, and
 * it never becomes part of the session's work.
 */
class AttachmentEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void anImageReachesTheModelAndTheFilesAreInTheWorkspaceButNotInTheWork(String provider, @TempDir Path work)
            throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        provider.equals("openai")
                                ? Map.of(
                                        "NIGHTSHIFT_MODEL", "openai/gpt-test",
                                        "OPENAI_API_KEY", "sk-test",
                                        "OPENAI_BASE_URL", model.openAiBaseUrl())
                                : Map.of(
                                        "NIGHTSHIFT_MODEL", "anthropic/claude-test",
                                        "ANTHROPIC_API_KEY", "ant-test",
                                        "ANTHROPIC_BASE_URL", model.anthropicBaseUrl()),
                        p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            Path repo = AgentEndToEndTest.repository(work);
            String id = api.createSession(repo.toString());
            model.enqueue(
                    Reply.toolCalls(new ToolCall(
                            "c1",
                            "bash",
                            "{\"command\":\"cat .nightshift/attachments/notes.txt; wc -c < .nightshift/attachments/shot.png;"
                                    + " git status --porcelain; echo status-done\"}")),
                    Reply.text("The screenshot shows one pixel."));
            ApiClient.Response sent = api.promptWithFiles(
                    id,
                    Map.of("content", "What does the screenshot show?"),
                    List.of(
                            FilePart.attachment("shot.png", "image/png", AttachmentApiTest.PNG),
                            FilePart.attachment("notes.txt", "text/plain", "remember the blue button\n".getBytes())));
            assertThat(sent.status()).as(sent.raw()).isEqualTo(202);
            await().atMost(WAIT)
                    .until(() -> api.allEvents(id).stream()
                            .anyMatch(e -> e.path("type").asText().equals("turn_complete")));
            List<JsonNode> events = api.allEvents(id);
            assertThat(events.getLast().path("data").path("status").asText())
                    .as(events.toString())
                    .isEqualTo("completed");

            // the model saw the image in its provider's format, and the text file in the prompt
            String base64 = Base64.getEncoder().encodeToString(AttachmentApiTest.PNG);
            JsonNode messages = model.requests().getFirst().messages();
            JsonNode user = messages.get(provider.equals("openai") ? 1 : 0);
            assertThat(user.path("role").asText()).isEqualTo("user");
            if (provider.equals("openai")) {
                assertThat(user.path("content")).anySatisfy(part -> {
                    assertThat(part.path("type").asText()).isEqualTo("image_url");
                    assertThat(part.path("image_url").path("url").asText())
                            .isEqualTo("data:image/png;base64," + base64);
                });
            } else {
                assertThat(user.path("content")).anySatisfy(part -> {
                    assertThat(part.path("type").asText()).isEqualTo("image");
                    assertThat(part.path("source").path("type").asText()).isEqualTo("base64");
                    assertThat(part.path("source").path("media_type").asText()).isEqualTo("image/png");
                    assertThat(part.path("source").path("data").asText()).isEqualTo(base64);
                });
            }
            assertThat(user.path("content").toString())
                    .contains("What does the screenshot show?")
                    .contains("remember the blue button")
                    .contains(".nightshift/attachments/notes.txt");

            // the agent found both files in the workspace, and git does not see them
            JsonNode result = events.stream()
                    .filter(e -> e.path("type").asText().equals("tool_result"))
                    .findFirst()
                    .orElseThrow();
            String output = result.path("data").path("content").asText();
            assertThat(output)
                    .contains("remember the blue button")
                    .contains(Integer.toString(AttachmentApiTest.PNG.length))
                    .contains("status-done")
                    .doesNotContain(".nightshift");
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            assertThat(sandbox.readFile(".nightshift/attachments/shot.png", 0, 10_000))
                    .isEqualTo(AttachmentApiTest.PNG);
            assertThat(new String(
                            sandbox.readFile(".nightshift/attachments/notes.txt", 0, 1000), StandardCharsets.UTF_8))
                    .isEqualTo("remember the blue button\n");
            // nothing changed but the attachments: nothing was committed
            assertThat(events).noneSatisfy(e -> {
                assertThat(e.path("type").asText()).isEqualTo("git");
                assertThat(e.path("data").path("action").asText()).isEqualTo("commit");
            });
        }
    }
}

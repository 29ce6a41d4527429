package dev.nightshift.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.DefaultModelGateway;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.GatewayConfig;
import dev.nightshift.agent.model.ModelListener;
import dev.nightshift.agent.model.ModelRef;
import dev.nightshift.agent.model.ModelRequest;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A screenshot a tool call took, from the log to the model: image content after the step's
 * results for a model that sees images, one line about it for a model that does not.
 */
class ToolMediaConversationTest {
    static final byte[] PNG = Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private final List<Event> log = new ArrayList<>();
    private FakeModelServer server;

    @BeforeEach
    void start() {
        server = FakeModelServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void add(EventPayload payload) {
        log.add(new Event(
                "ses_1", log.size() + 1, payload.eventType().wire(), "msg_1", payload.toJson(), Instant.EPOCH));
    }

    /** A prompt, a step with two calls (one took a screenshot and recorded a video), and their results. */
    private List<ChatMessage> rebuilt() {
        add(new EventPayload.UserMessage("msg_1", "usr_1", "web", "Check the login page", null));
        add(new EventPayload.AssistantMessage(
                1,
                "openai/gpt-5",
                "",
                List.of(
                        new EventPayload.RequestedCall("c1", "browser", "{}"),
                        new EventPayload.RequestedCall("c2", "bash", "{}")),
                "tool_calls",
                null,
                0));
        add(new EventPayload.ToolResult(
                "c1",
                "browser",
                "took a screenshot",
                false,
                List.of(
                        new EventPayload.MediaRef(
                                "art_shot",
                                "screenshot",
                                "/api/sessions/ses_1/media/art_shot",
                                "image/png",
                                "login.png",
                                PNG.length,
                                1,
                                1,
                                0,
                                "the login form",
                                "after"),
                        new EventPayload.MediaRef(
                                "art_clip",
                                "video",
                                "/api/sessions/ses_1/media/art_clip",
                                "video/mp4",
                                "clip.mp4",
                                5000,
                                160,
                                120,
                                2000,
                                null,
                                null))));
        add(new EventPayload.ToolResult("c2", "bash", "ok", false));
        return PromptAttachments.resolve(
                Conversation.rebuild(log).messages(),
                id -> Optional.empty(),
                id -> id.equals("art_shot") ? Optional.of(PNG) : Optional.empty());
    }

    @Test
    void theScreenshotFollowsEveryResultOfItsStepWithItsContent() {
        List<ChatMessage> messages = rebuilt();
        assertThat(messages).hasSize(5);
        assertThat(messages.get(2)).isInstanceOf(ChatMessage.ToolResult.class);
        assertThat(messages.get(3)).isInstanceOf(ChatMessage.ToolResult.class);
        ChatMessage.User shots = (ChatMessage.User) messages.get(4);
        assertThat(shots.attachments()).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo("art_shot");
            assertThat(a.data()).isEqualTo(PNG);
            assertThat(a.caption()).contains("login.png", "\"after\"", "the login form");
        });
    }

    @Test
    void aModelThatSeesImagesGetsTheScreenshotAndAnotherGetsALineAboutIt() throws Exception {
        List<ChatMessage> messages = rebuilt();
        for (String vision : List.of("openai/*", "none")) {
            server.enqueue(Reply.text("Looks fine."));
            Map<String, String> env = Map.of(
                    "NIGHTSHIFT_MODEL",
                    "openai/gpt-5",
                    "OPENAI_API_KEY",
                    "sk-test",
                    "OPENAI_BASE_URL",
                    server.openAiBaseUrl(),
                    "NIGHTSHIFT_VISION_MODELS",
                    vision);
            try (DefaultModelGateway gateway = new DefaultModelGateway(GatewayConfig.from(env))) {
                gateway.stream(
                        new ModelRequest(ModelRef.parse("openai/gpt-5"), messages, List.of(), 1000),
                        ModelListener.IGNORE,
                        () -> false);
            }
            JsonNode sent = server.lastRequest().messages();
            assertThat(sent.get(1).path("role").asText()).isEqualTo("assistant");
            assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
            assertThat(sent.get(3).path("role").asText()).isEqualTo("tool");
            JsonNode last = sent.get(4);
            assertThat(last.path("role").asText()).isEqualTo("user");
            if (vision.equals("none")) {
                assertThat(last.path("content").toString())
                        .contains("Your tool call took a screenshot: login.png")
                        .contains("this model cannot view images")
                        .doesNotContain("base64");
            } else {
                assertThat(last.path("content").toString())
                        .contains("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG))
                        .contains("Screenshot your tool call took: login.png");
            }
        }
    }
}

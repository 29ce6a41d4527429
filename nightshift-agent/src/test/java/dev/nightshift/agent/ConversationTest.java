package dev.nightshift.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.model.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationTest {
    private final List<Event> log = new ArrayList<>();

    private void add(String type, String json) {
        log.add(new Event("ses_1", log.size() + 1, type, "msg_1", json, Instant.EPOCH));
    }

    @Test
    void promptsAnswersAndToolResultsComeBackInOrder() {
        add("user_message", "{\"content\":\"fix the test\"}");
        add("step_start", "{\"step\":1}");
        add("token", "{\"text\":\"Let me\"}");
        add(
                "assistant_message",
                "{\"text\":\"Let me look.\",\"toolCalls\":[{\"id\":\"c1\",\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a\\\"}\"}]}");
        add("tool_call", "{\"callId\":\"c1\",\"name\":\"read\",\"arguments\":\"{}\"}");
        add("tool_result", "{\"callId\":\"c1\",\"name\":\"read\",\"content\":\"1  hello\",\"error\":false}");
        add("assistant_message", "{\"text\":\"Done.\",\"toolCalls\":[]}");
        add("turn_complete", "{\"status\":\"completed\"}");
        add("user_message", "{\"content\":\"thanks, now the docs\"}");
        Conversation.Rebuilt rebuilt = Conversation.rebuild(log);
        assertThat(rebuilt.messages())
                .containsExactly(
                        new ChatMessage.User("fix the test"),
                        new ChatMessage.Assistant(
                                "Let me look.", List.of(new ToolCall("c1", "read", "{\"path\":\"a\"}"))),
                        new ChatMessage.ToolResult("c1", "read", "1  hello", false),
                        new ChatMessage.Assistant("Done.", List.of()),
                        new ChatMessage.User("thanks, now the docs"));
        assertThat(rebuilt.interrupted()).isEmpty();
        assertThat(rebuilt.steps()).isZero(); // the new prompt has had no answer yet
    }

    @Test
    void aToolCallWithoutAResultIsReportedAsInterruptedNeverRerun() {
        add("user_message", "{\"content\":\"migrate the db\"}");
        add(
                "assistant_message",
                "{\"text\":\"\",\"toolCalls\":[{\"id\":\"c1\",\"name\":\"bash\",\"arguments\":\"{\\\"command\\\":\\\"./migrate\\\"}\"},"
                        + "{\"id\":\"c2\",\"name\":\"bash\",\"arguments\":\"{}\"}]}");
        add("tool_call", "{\"callId\":\"c1\",\"name\":\"bash\"}");
        add("tool_result", "{\"callId\":\"c1\",\"name\":\"bash\",\"content\":\"ok\",\"error\":false}");
        add("tool_call", "{\"callId\":\"c2\",\"name\":\"bash\"}");
        // the server died here
        Conversation.Rebuilt rebuilt = Conversation.rebuild(log);
        assertThat(rebuilt.interrupted()).extracting(ToolCall::id).containsExactly("c2");
        assertThat(rebuilt.steps()).isEqualTo(1);

        add(
                "tool_result",
                "{\"callId\":\"c2\",\"name\":\"bash\",\"content\":\"" + Conversation.INTERRUPTED
                        + "\",\"error\":true}");
        Conversation.Rebuilt after = Conversation.rebuild(log);
        assertThat(after.interrupted()).isEmpty();
        assertThat(after.messages().getLast())
                .isEqualTo(new ChatMessage.ToolResult("c2", "bash", Conversation.INTERRUPTED, true));
    }

    @Test
    void aCompactionStandsInForEverythingBeforeIt() {
        add("user_message", "{\"content\":\"a long task\"}");
        add("assistant_message", "{\"text\":\"step\",\"toolCalls\":[]}");
        add("context_compacted", "{\"summary\":\"We are halfway: tests pass.\",\"throughSeq\":2}");
        add("assistant_message", "{\"text\":\"continuing\",\"toolCalls\":[]}");
        List<ChatMessage> messages = Conversation.rebuild(log).messages();
        assertThat(messages).hasSize(2);
        assertThat(((ChatMessage.User) messages.getFirst()).text()).contains("We are halfway: tests pass.");
        assertThat(messages.get(1)).isEqualTo(new ChatMessage.Assistant("continuing", List.of()));
    }

    @Test
    void theStuckDetectorSeesRepeatsNotProgress() {
        StuckDetector detector = new StuckDetector(3);
        assertThat(detector.record("bash", "{\"c\":1}", "same", false)).isNull();
        assertThat(detector.record("bash", "{\"c\":1}", "same", false)).isNull();
        assertThat(detector.record("bash", "{\"c\":1}", "same", false)).contains("3 times");
        StuckDetector errors = new StuckDetector(3);
        errors.record("edit", "{\"a\":1}", "not found", true);
        errors.record("edit", "{\"a\":2}", "not found", true);
        assertThat(errors.record("edit", "{\"a\":3}", "not found", true)).contains("same error");
        StuckDetector progress = new StuckDetector(3);
        progress.record("read", "{\"p\":1}", "a", false);
        progress.record("read", "{\"p\":2}", "b", false);
        assertThat(progress.record("read", "{\"p\":3}", "c", false)).isNull();
    }
}

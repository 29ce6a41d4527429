package dev.nightshift.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.model.NewEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventCatalogueTest {

    @Test
    void everyPayloadRecordIsInTheCatalogueOnceAndEveryTypeHasOne() {
        Set<Class<?>> permitted = Set.of(EventPayload.class.getPermittedSubclasses());
        Set<Class<?>> catalogued =
                Arrays.stream(EventType.values()).map(EventType::payload).collect(Collectors.toSet());
        assertThat(catalogued).hasSize(EventType.values().length).isEqualTo(permitted);
        for (EventType type : EventType.values()) {
            assertThat(type.payload().isRecord())
                    .as(type + " payload is a record")
                    .isTrue();
            assertThat(EventType.fromWire(type.wire())).contains(type);
        }
    }

    @Test
    void wireNamesAreUniqueLowerSnakeCase() {
        Set<String> names =
                Arrays.stream(EventType.values()).map(EventType::wire).collect(Collectors.toSet());
        assertThat(names).hasSize(EventType.values().length).allMatch(n -> n.matches("[a-z]+(_[a-z]+)*"));
        assertThat(EventType.fromWire("made_up")).isEmpty();
        assertThat(EventType.fromWire(null)).isEmpty();
    }

    @Test
    void aPayloadKnowsItsType() {
        assertThat(new EventPayload.Token("x").eventType()).isEqualTo(EventType.TOKEN);
        assertThat(EventPayload.Git.pushed("a/1", "abc").eventType()).isEqualTo(EventType.GIT);
        assertThat(new EventPayload.Error("boom").eventType().wire()).isEqualTo("error");
    }

    @Test
    void payloadsAreWrittenWithTheirComponentNamesLeavingOutAbsentOnes() {
        assertThat(EventPayload.Git.checkout("file:///r", "main", "a/5f8442c2", "1a2b3c4 Initial")
                        .toJson())
                .isEqualTo("{\"action\":\"checkout\",\"repository\":\"file:///r\",\"base\":\"main\","
                        + "\"branch\":\"a/5f8442c2\",\"head\":\"1a2b3c4 Initial\"}");
        assertThat(EventPayload.Git.pullRequest("https://x/pull/12", 12, true).toJson())
                .isEqualTo("{\"action\":\"pr\",\"url\":\"https://x/pull/12\",\"number\":12,\"created\":true}");
        assertThat(new EventPayload.TurnComplete("completed", null).toJson()).isEqualTo("{\"status\":\"completed\"}");
        assertThat(new EventPayload.ToolResult("c1", "bash", "ok", false).toJson())
                .isEqualTo("{\"callId\":\"c1\",\"name\":\"bash\",\"content\":\"ok\",\"error\":false}");
    }

    @Test
    void nestedRecordsListsNumbersAndTimesAreWrittenAsJson() {
        var usage = new EventPayload.Usage(10, 2, 5);
        var answer = new EventPayload.AssistantMessage(
                3,
                "openai/m",
                "hi",
                List.of(new EventPayload.RequestedCall("c1", "read", "{\"path\":\"a\"}")),
                "tool_calls",
                usage,
                0.25);
        assertThat(answer.toJson())
                .isEqualTo(
                        "{\"step\":3,\"model\":\"openai/m\",\"text\":\"hi\","
                                + "\"toolCalls\":[{\"id\":\"c1\",\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a\\\"}\"}],"
                                + "\"finishReason\":\"tool_calls\",\"usage\":{\"input\":10,\"cached\":2,\"output\":5},\"costUsd\":0.25}");
        assertThat(new EventPayload.StepFinish(1, usage, 1.0E-4, Double.NaN, 0, null, null).toJson())
                .isEqualTo("{\"step\":1,\"usage\":{\"input\":10,\"cached\":2,\"output\":5},\"costUsd\":1.0E-4,"
                        + "\"turnCostUsd\":null,\"sessionCostUsd\":0.0}");
        // a subagent's step names the call that started it
        assertThat(new EventPayload.StepFinish(2, usage, 0, 0, 0, "call_7", "explorer").toJson())
                .endsWith("\"parentCallId\":\"call_7\",\"kind\":\"explorer\"}");
        assertThat(new EventPayload.Todo(List.of()).toJson()).isEqualTo("{\"todos\":[]}");
        var artifact = new EventPayload.Artifact(
                "art_1", "branch", null, JsonText.of("{\"name\":\"a/1\"}"), Instant.parse("2026-01-02T03:04:05.678Z"));
        assertThat(artifact.toJson())
                .isEqualTo("{\"id\":\"art_1\",\"type\":\"branch\",\"data\":{\"name\":\"a/1\"},"
                        + "\"createdAt\":\"2026-01-02T03:04:05.678Z\"}");
        assertThat(JsonText.of("  ")).isNull();
    }

    @Test
    void stringsAreEscaped() {
        String nasty = "a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj é ☃ \uD83D\uDE00 </script>";
        assertThat(new EventPayload.Token(nasty).toJson())
                .isEqualTo("{\"text\":\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fj é ☃ \uD83D\uDE00 </script>\"}");
    }

    @Test
    void mapsKeepTheirOrderAndDropNulls() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1L);
        m.put("a", null);
        m.put("c", List.of(true, "x"));
        assertThat(JsonWriter.write(m)).isEqualTo("{\"b\":1,\"c\":[true,\"x\"]}");
        assertThatThrownBy(() -> JsonWriter.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newEventsAndTheirTypeComeFromThePayload() {
        NewEvent e = NewEvent.of("msg_1", new EventPayload.TurnResumed("node-a"));
        assertThat(e.type()).isEqualTo("turn_resumed");
        assertThat(e.messageId()).isEqualTo("msg_1");
        assertThat(e.data()).isEqualTo("{\"node\":\"node-a\"}");
    }
}

package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How events look: colours only on a terminal without NO_COLOR, tool lines, SSE parsing. */
class OutputTest {
    private static JsonNode event(String json) throws Exception {
        return NightshiftApi.JSON.readTree(json);
    }

    private static String render(boolean interactive, Map<String, String> env, JsonNode... events) {
        StringWriter out = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out), new PrintWriter(new StringWriter()), env, interactive);
        try (EventPrinter printer = EventPrinter.forOutput(terminal, false)) {
            for (JsonNode e : events) {
                printer.print(e);
            }
        }
        return out.toString();
    }

    @Test
    void coloursOnlyOnATerminalAndNeverWithNoColor() throws Exception {
        JsonNode failed =
                event("{\"seq\":1,\"type\":\"turn_complete\",\"data\":{\"status\":\"failed\",\"error\":\"boom\"}}");

        assertThat(render(true, Map.of(), failed)).contains("\u001b[31m").contains("turn failed");
        assertThat(render(true, Map.of("NO_COLOR", "1"), failed))
                .doesNotContain("\u001b[")
                .contains("turn failed");
        assertThat(render(false, Map.of(), failed)).doesNotContain("\u001b[");
    }

    @Test
    void withoutATerminalAToolCallIsALineWhenItStartsAndAnotherWithItsOutcome() throws Exception {
        String out = render(
                false,
                Map.of(),
                event("{\"seq\":1,\"type\":\"token\",\"data\":{\"text\":\"half a line\"}}"),
                event(
                        "{\"seq\":2,\"type\":\"tool_call\",\"createdAt\":\"2030-01-01T00:00:00Z\",\"data\":{\"callId\":\"a\",\"name\":\"grep\",\"arguments\":\"{\\\"pattern\\\":\\\"TODO\\\"}\"}}"),
                event(
                        "{\"seq\":3,\"type\":\"tool_result\",\"createdAt\":\"2030-01-01T00:00:02.500Z\",\"data\":{\"callId\":\"a\",\"name\":\"grep\",\"content\":\"x\",\"error\":false}}"));

        assertThat(out).isEqualTo("half a line\n→ grep  TODO\n✓ grep  TODO  2.5s\n");
    }

    @Test
    void aLongOrMultiLineArgumentIsCutToOneLine() throws Exception {
        String label = ToolCallLabel.of(
                event("{\"name\":\"bash\",\"arguments\":{\"command\":\"echo a\\necho b " + "x".repeat(200) + "\"}}"));

        assertThat(label)
                .startsWith("bash  echo a ⏎ echo b")
                .doesNotContain("\n")
                .endsWith("…");
        assertThat(label).hasSize("bash  ".length() + ToolCallLabel.MAX_CHARS);
    }

    @Test
    void sseMessagesEndAtABlankLineAndCommentsAreSkipped() {
        SseParser parser = new SseParser();
        assertThat(parser.line(": keepalive")).isEmpty();
        assertThat(parser.line("")).isEmpty();
        assertThat(parser.line("id: 7")).isEmpty();
        assertThat(parser.line("event: token")).isEmpty();
        assertThat(parser.line("data: {\"a\":")).isEmpty();
        assertThat(parser.line("data: 1}")).isEmpty();
        assertThat(parser.line("")).contains(new SseParser.Message("7", "token", "{\"a\":\n1}"));
        parser.line("event: presence");
        parser.line("data:{}");
        assertThat(parser.line("")).contains(new SseParser.Message(null, "presence", "{}"));
    }

    @Test
    void sessionAgesAreShortAndRelative() {
        var now = java.time.Instant.parse("2030-01-02T12:00:00Z");
        assertThat(SessionsCommand.ago("2030-01-02T11:59:30Z", now)).isEqualTo("just now");
        assertThat(SessionsCommand.ago("2030-01-02T11:15:00Z", now)).isEqualTo("45m ago");
        assertThat(SessionsCommand.ago("2030-01-01T09:00:00Z", now)).isEqualTo("27h ago");
        assertThat(SessionsCommand.ago("2029-12-20T12:00:00Z", now)).isEqualTo("13d ago");
    }
}

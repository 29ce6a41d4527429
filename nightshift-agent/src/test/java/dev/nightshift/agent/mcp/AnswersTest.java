package dev.nightshift.agent.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.agent.tools.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswersTest {
    private static McpSchema.CallToolResult result(List<McpSchema.Content> content, boolean error, Object structured) {
        return new McpSchema.CallToolResult(content, error, structured, null);
    }

    @Test
    void textPartsAreJoinedAndJsonIsPrettyPrinted() {
        ToolResult r = Answers.shape(
                result(
                        List.of(
                                new McpSchema.TextContent("two issues:"),
                                new McpSchema.TextContent("{\"issues\":[{\"id\":1},{\"id\":2}]}")),
                        false,
                        null),
                1000);
        assertThat(r.error()).isFalse();
        assertThat(r.content())
                .startsWith("two issues:\n\n{\n")
                .contains("\"id\" : 1")
                .contains("\n");
    }

    @Test
    void binaryPartsAreNamedNotPasted() {
        String image = "A".repeat(5000);
        ToolResult r = Answers.shape(
                result(
                        List.of(
                                new McpSchema.ImageContent(null, image, "image/png"),
                                new McpSchema.EmbeddedResource(
                                        null, new McpSchema.TextResourceContents("file:///a.txt", "text/plain", "hi")),
                                new McpSchema.EmbeddedResource(
                                        null,
                                        new McpSchema.BlobResourceContents(
                                                "file:///b.bin", "application/zip", "QUJD"))),
                        false,
                        null),
                100_000);
        assertThat(r.content())
                .doesNotContain(image)
                .contains("an image (image/png, 5000 characters of base64) is left out")
                .contains("[resource file:///a.txt]\nhi")
                .contains("file:///b.bin (application/zip, binary) is left out");
    }

    @Test
    void structuredContentIsShownWhenThereIsNoTextAndAnErrorStaysAnError() {
        ToolResult r = Answers.shape(result(List.of(), false, Map.of("count", 3)), 1000);
        assertThat(r.content()).isEqualTo("{\n  \"count\" : 3\n}");
        assertThat(Answers.shape(result(List.of(), false, null), 1000).content())
                .isEqualTo(Answers.EMPTY);
        ToolResult failed =
                Answers.shape(result(List.of(new McpSchema.TextContent("no such issue")), true, null), 1000);
        assertThat(failed.error()).isTrue();
        assertThat(failed.content()).isEqualTo("the tool reported an error: no such issue");
    }

    @Test
    void aLongAnswerIsCutAtALineWithANoteOnHowToAskForLess() {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 2000; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(i)
                    .append(",\"title\":\"issue ")
                    .append(i)
                    .append("\"}");
        }
        McpSchema.CallToolResult big = result(List.of(new McpSchema.TextContent(json + "]")), false, null);
        String whole = Answers.text(big);
        String text = Answers.shape(big, 2000).content();
        String kept = text.substring(0, text.indexOf("\n[truncated: "));
        assertThat(kept.length()).isLessThanOrEqualTo(2000).isGreaterThan(1800);
        assertThat(whole).startsWith(kept);
        assertThat(whole.charAt(kept.length())).as("cut at a line end").isEqualTo('\n');
        assertThat(text).matches("(?s).*\\[truncated: \\d+ more characters; ask for a narrower result .*]$");
        int missing = Integer.parseInt(text.replaceAll("(?s).*\\[truncated: (\\d+) more.*", "$1"));
        assertThat(kept.length() + missing).isEqualTo(whole.length());
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String text = "x".repeat(9) + "😀" + "y".repeat(100);
        String cut = Answers.cut(text, 10);
        assertThat(cut).startsWith("x".repeat(9) + "\n[truncated: 102 more");
        assertThat(Answers.cut("short", 10)).isEqualTo("short");
    }
}

package dev.nightshift.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nightshift.agent.tools.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * An MCP tool's answer shaped for a context window: the text parts joined, JSON pretty-printed so a
 * cut falls between lines, binary parts named instead of pasted, and the whole cut at the server's
 * limit with a note telling the model how to get the rest. Pure.
 */
final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static final String EMPTY = "(the tool answered with no content)";

    private Answers() {}

    static ToolResult shape(McpSchema.CallToolResult result, int maxChars) {
        String text = cut(text(result), maxChars);
        return Boolean.TRUE.equals(result.isError())
                ? ToolResult.error("the tool reported an error: " + text)
                : ToolResult.ok(text);
    }

    /** The answer as text, uncut: its content parts, or its structured content when it has none. */
    static String text(McpSchema.CallToolResult result) {
        List<String> parts = new ArrayList<>();
        if (result.content() != null) {
            for (McpSchema.Content c : result.content()) {
                parts.add(part(c));
            }
        }
        if (parts.isEmpty() && result.structuredContent() != null) {
            parts.add(pretty(JSON.valueToTree(result.structuredContent())));
        }
        return parts.isEmpty() ? EMPTY : String.join("\n\n", parts);
    }

    private static String part(McpSchema.Content c) {
        if (c instanceof McpSchema.TextContent t) {
            return maybeJson(t.text());
        }
        if (c instanceof McpSchema.ImageContent i) {
            return "[an image (" + i.mimeType() + ", " + length(i.data()) + " characters of base64) is left out]";
        }
        if (c instanceof McpSchema.AudioContent a) {
            return "[audio (" + a.mimeType() + ", " + length(a.data()) + " characters of base64) is left out]";
        }
        if (c instanceof McpSchema.EmbeddedResource r) {
            if (r.resource() instanceof McpSchema.TextResourceContents t) {
                return "[resource " + t.uri() + "]\n" + maybeJson(t.text());
            }
            return "[resource " + r.resource().uri() + " (" + r.resource().mimeType() + ", binary) is left out]";
        }
        if (c instanceof McpSchema.ResourceLink l) {
            return "[resource link: " + l.name() + " " + l.uri() + "]";
        }
        return "[" + c.type() + " content is left out]";
    }

    /** JSON text pretty-printed (one value per line, so a cut keeps whole lines), anything else as it is. */
    static String maybeJson(String text) {
        if (text == null) {
            return "";
        }
        String t = text.strip();
        if (!(t.startsWith("{") && t.endsWith("}")) && !(t.startsWith("[") && t.endsWith("]"))) {
            return text;
        }
        try {
            return pretty(JSON.readTree(t));
        } catch (Exception e) {
            return text; // it only looked like JSON
        }
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (Exception e) {
            return node.toString();
        }
    }

    /**
     * {@code text} cut to {@code maxChars} (at a line end when one is near), with a note saying how
     * much is missing and how to get it.
     */
    static String cut(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        int line = text.lastIndexOf('\n', end);
        if (line > maxChars * 9 / 10) {
            end = line; // a whole last line reads better than half of one
        } else if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "\n[truncated: " + (text.length() - end)
                + " more characters; ask for a narrower result (a filter, a smaller page or fewer fields) "
                + "to see what is missing]";
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}

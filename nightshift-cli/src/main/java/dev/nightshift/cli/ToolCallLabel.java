package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One line naming a tool call by its most telling argument: {@code bash  ./mvnw test}, {@code read  src/App.java}. */
final class ToolCallLabel {
    /** The argument that says most about a call, in order of preference; the tools name theirs like this. */
    private static final List<String> TELLING_ARGUMENTS =
            List.of("command", "path", "pattern", "url", "description", "query");

    static final int MAX_CHARS = 80;

    private ToolCallLabel() {}

    static String of(JsonNode data) {
        String name = data.path("name").asText("tool");
        JsonNode arguments = data.path("arguments");
        if (arguments.isTextual()) { // the agent records the model's arguments verbatim, as a JSON string
            try {
                arguments = NightshiftApi.JSON.readTree(arguments.asText());
            } catch (java.io.IOException e) {
                return name + "  " + shorten(arguments.asText());
            }
        }
        for (String key : TELLING_ARGUMENTS) {
            if (arguments.path(key).isValueNode()
                    && !arguments.path(key).asText().isBlank()) {
                return name + "  " + shorten(arguments.path(key).asText());
            }
        }
        return arguments.isObject() && arguments.isEmpty() || arguments.isMissingNode()
                ? name
                : name + "  " + shorten(arguments.toString());
    }

    /** The first line, cut to fit a terminal line. */
    static String shorten(String text) {
        String oneLine = text.strip().replaceAll("\\s*\\R\\s*", " ⏎ ");
        return oneLine.length() <= MAX_CHARS ? oneLine : oneLine.substring(0, MAX_CHARS - 1) + "…";
    }
}

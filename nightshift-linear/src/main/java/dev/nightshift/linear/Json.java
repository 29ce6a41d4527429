package dev.nightshift.linear;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** The one JSON mapper of this module and the readers that never throw on unexpected shapes. */
final class Json {

    /** Thread-safe once configured; nothing configures it after this line. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** A JSON string's value; null for a missing field, JSON null, or another type. */
    static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    /** A JSON string's value, or the empty string for anything else. */
    static String textOrEmpty(JsonNode node) {
        String text = text(node);
        return text == null ? "" : text;
    }

    /** A non-empty JSON string, or null. */
    static String nonEmpty(JsonNode node) {
        String text = text(node);
        return text == null || text.isEmpty() ? null : text;
    }

    /** The elements of a JSON array; nothing for another type (iterating an object yields its values). */
    static Iterable<JsonNode> array(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }
}

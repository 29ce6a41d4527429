package dev.nightshift.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * One tool call's arguments, read with the checks a model's JSON needs: a field may be missing, of
 * the wrong type or a JSON null. Every mistake becomes an {@link Invalid} whose message names the
 * field and what it should be; the tool hands that back to the model as an error result.
 *
 * <p>A JSON null in an optional field counts as absent: providers in strict mode send null for
 * every optional field they leave out.
 */
final class Args {
    /** A mistake in the arguments; the message is written for the model. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private final JsonNode node;
    private final String prefix;

    private Args(JsonNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    /** Null or absent arguments count as an empty object: a tool whose fields are all optional may be called bare. */
    static Args of(JsonNode arguments, Set<String> known) throws Invalid {
        return of(arguments, known, "", "the arguments");
    }

    /** A nested object, e.g. one item of a list, whose fields are named {@code prefix.field} in messages. */
    static Args nested(JsonNode value, Set<String> known, String prefix) throws Invalid {
        if (value == null || value.isNull()) {
            throw new Invalid(prefix + " must be an object, got null");
        }
        return of(value, known, prefix + ".", prefix);
    }

    private static Args of(JsonNode arguments, Set<String> known, String prefix, String what) throws Invalid {
        if (arguments == null || arguments.isMissingNode() || arguments.isNull()) {
            return new Args(JsonNodeFactory.instance.objectNode(), prefix);
        }
        if (!arguments.isObject()) {
            throw new Invalid(what + " must be a JSON object, got " + describe(arguments));
        }
        for (Iterator<String> names = arguments.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new Invalid(
                        "unknown argument '" + prefix + name + "'; the arguments are: " + String.join(", ", known));
            }
        }
        return new Args(arguments, prefix);
    }

    private String label(String name) {
        return "'" + prefix + name + "'";
    }

    /** The field's value, or null when it is absent or JSON null. */
    private JsonNode present(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private JsonNode required(String name, String type) throws Invalid {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new Invalid(label(name) + " is required (" + type + ")");
        }
        if (value.isNull()) {
            throw new Invalid(label(name) + " is required (" + type + "), got null");
        }
        return value;
    }

    String string(String name) throws Invalid {
        return text(name, required(name, "a string"));
    }

    /** A required string that must not be empty or only white space. */
    String nonBlank(String name) throws Invalid {
        String value = string(name);
        if (value.isBlank()) {
            throw new Invalid(label(name) + " must not be empty");
        }
        return value;
    }

    Optional<String> optionalString(String name) throws Invalid {
        JsonNode value = present(name);
        return value == null ? Optional.empty() : Optional.of(text(name, value));
    }

    private String text(String name, JsonNode value) throws Invalid {
        if (!value.isTextual()) {
            throw new Invalid(label(name) + " must be a string, got " + describe(value));
        }
        return value.textValue();
    }

    int integer(String name, int fallback, int min, int max) throws Invalid {
        JsonNode value = present(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber() || !value.canConvertToExactIntegral()) {
            throw new Invalid(label(name) + " must be an integer, got " + describe(value));
        }
        if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw new Invalid(label(name) + " must be between " + min + " and " + max + ", got " + value.asText());
        }
        return value.intValue();
    }

    boolean bool(String name, boolean fallback) throws Invalid {
        JsonNode value = present(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new Invalid(label(name) + " must be true or false, got " + describe(value));
        }
        return value.booleanValue();
    }

    /** An array that may be left out (empty then). */
    Optional<JsonNode> optionalArray(String name) throws Invalid {
        JsonNode value = present(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw new Invalid(label(name) + " must be an array, got " + describe(value));
        }
        return Optional.of(value);
    }

    JsonNode array(String name) throws Invalid {
        JsonNode value = required(name, "an array");
        if (!value.isArray()) {
            throw new Invalid(label(name) + " must be an array, got " + describe(value));
        }
        return value;
    }

    /** "a string ("abc")": the type, and for a scalar its value, so the model sees what it sent. */
    static String describe(JsonNode value) {
        String type = switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> value.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
        return value.isValueNode() && !value.isNull() ? type + " (" + Format.cut(value.toString(), 40) + ")" : type;
    }
}

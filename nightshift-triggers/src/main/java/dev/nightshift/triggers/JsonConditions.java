package dev.nightshift.triggers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.nightshift.core.automation.AutomationTrigger.Condition;
import dev.nightshift.core.automation.AutomationTrigger.Condition.Op;
import java.util.List;
import java.util.Optional;

/**
 * The conditions a webhook's JSON body must all meet to fire an automation, and its idempotency key.
 * Pure and thread-safe: checked when an automation is saved ({@link #validate}) and evaluated on the
 * request thread of each delivery ({@link #evaluate}).
 *
 * <p>Comparisons: numbers as numbers ({@code 1} equals {@code 1.0}), strings as strings (ordered by
 * their characters for {@code gt} … {@code lte}), anything else by its JSON value; {@code contains} is a
 * substring for a string and an element for an array; {@code exists} with {@code true} or {@code false}.
 * A value the path does not find, or finds as JSON null, fails every comparison but {@code "exists":
 * false}.
 */
public final class JsonConditions {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Configuration JSON = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(MAPPER))
            .mappingProvider(new JacksonMappingProvider(MAPPER))
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();

    /** The longest JSON value a condition compares with. */
    static final int MAX_VALUE_CHARS = 1_000;

    private JsonConditions() {}

    /** Whether a body met all conditions; when not, the first one it failed, in words. */
    public record Outcome(boolean matched, String reason) {
        static final Outcome MATCHED = new Outcome(true, "");
    }

    /**
     * A condition as a person wrote it, checked.
     *
     * @throws InvalidAutomation naming the path that does not parse, the unknown op, or the value
     */
    public static Condition condition(String path, String op, String valueJson) {
        Op parsed;
        try {
            parsed = Op.fromWire(op);
        } catch (IllegalArgumentException e) {
            throw new InvalidAutomation("condition on " + path + ": op " + e.getMessage());
        }
        Condition condition = new Condition(path, parsed, valueJson);
        validate(List.of(condition));
        return condition;
    }

    /**
     * Checks conditions before they are saved.
     *
     * @throws InvalidAutomation naming the first problem: a JSONPath that does not parse, a missing op,
     *     a value that is not JSON, a value {@code gt} … {@code lte} cannot order, or {@code exists}
     *     without {@code true}/{@code false}
     */
    public static void validate(List<Condition> conditions) {
        for (Condition condition : conditions) {
            compile(condition.path());
            if (condition.op() == null) {
                throw new InvalidAutomation("condition on " + condition.path()
                        + " needs an op: eq, neq, gt, gte, lt, lte, contains, exists");
            }
            JsonNode value = expected(condition);
            switch (condition.op()) {
                case GT, GTE, LT, LTE -> {
                    if (!value.isNumber() && !value.isTextual()) {
                        throw new InvalidAutomation("condition on " + condition.path() + ": "
                                + condition.op().wire() + " compares with a number or a string, not " + value);
                    }
                }
                case EXISTS -> {
                    if (!value.isBoolean()) {
                        throw new InvalidAutomation("condition on " + condition.path()
                                + ": exists takes the value true or false, not " + value);
                    }
                }
                default -> {}
            }
        }
    }

    /**
     * Whether a delivery's body meets every condition (no conditions: it does).
     *
     * @throws InvalidAutomation when the body is not JSON
     */
    public static Outcome evaluate(List<Condition> conditions, String jsonText) {
        Object document = parse(jsonText);
        for (Condition condition : conditions) {
            JsonNode expected = expected(condition);
            Optional<JsonNode> actual = read(document, compile(condition.path()));
            if (!holds(condition.op(), actual, expected)) {
                String found = actual.map(JsonConditions::shown).orElse("missing");
                return new Outcome(
                        false,
                        condition.path() + " is " + found + ", not "
                                + condition.op().wire() + " " + shown(expected));
            }
        }
        return Outcome.MATCHED;
    }

    /**
     * The idempotency key a body carries at a JSONPath: a string as is, a number or boolean as its JSON
     * text; empty when the path is empty, finds nothing, or finds null, an object or an array.
     *
     * @throws InvalidAutomation when the body is not JSON
     */
    public static Optional<String> idempotencyKey(String path, String jsonText) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        return read(parse(jsonText), compile(path))
                .filter(JsonNode::isValueNode)
                .filter(node -> !node.isNull())
                .map(JsonNode::asText)
                .filter(key -> !key.isEmpty());
    }

    /**
     * A compiled JSONPath, or the problem with it.
     *
     * @throws InvalidAutomation naming the path
     */
    static JsonPath compile(String path) {
        if (path == null || path.isBlank()) {
            throw new InvalidAutomation("a condition needs a JSONPath such as $.level");
        }
        try {
            return JsonPath.compile(path.trim());
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw new InvalidAutomation(
                    "\"" + path + "\" is not a valid JSONPath (e.g. $.level or $.issue.tags[0]): " + e.getMessage());
        }
    }

    /** The parsed body, for reading several paths from one delivery. */
    static Object parse(String jsonText) {
        try {
            return JSON.jsonProvider().parse(jsonText == null ? "" : jsonText);
        } catch (RuntimeException e) {
            throw new InvalidAutomation("the body is not valid JSON; send a JSON object");
        }
    }

    /** What a path finds: empty for nothing, JSON null, or an indefinite path that matches nothing. */
    static Optional<JsonNode> read(Object document, JsonPath path) {
        // a definite path's leaf comes back unwrapped (a String, an Integer …), and JSON null as null
        Object found = path.read(document, JSON);
        JsonNode node = found == null ? null : found instanceof JsonNode n ? n : MAPPER.valueToTree(found);
        if (node == null
                || node.isNull()
                || (!path.isDefinite() && node instanceof ArrayNode array && array.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(node);
    }

    private static JsonNode expected(Condition condition) {
        String text = condition.valueJson();
        if (condition.op() == Op.EXISTS && (text == null || text.isBlank())) {
            return MAPPER.getNodeFactory().booleanNode(true);
        }
        if (text == null || text.length() > MAX_VALUE_CHARS) {
            throw new InvalidAutomation("condition on " + condition.path() + " needs a JSON value of at most "
                    + MAX_VALUE_CHARS + " characters");
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidAutomation("condition on " + condition.path() + ": the value " + text
                    + " is not JSON (a string needs quotes: \"error\")");
        }
    }

    private static boolean holds(Op op, Optional<JsonNode> actual, JsonNode expected) {
        if (op == Op.EXISTS) {
            return actual.isPresent() == expected.asBoolean();
        }
        if (actual.isEmpty()) {
            return false;
        }
        JsonNode value = actual.get();
        return switch (op) {
            case EQ -> same(value, expected);
            case NEQ -> !same(value, expected);
            case GT -> compare(value, expected) > 0;
            case GTE -> compare(value, expected) >= 0;
            case LT -> compare(value, expected) < 0 && compare(value, expected) != INCOMPARABLE;
            case LTE -> compare(value, expected) <= 0 && compare(value, expected) != INCOMPARABLE;
            case CONTAINS -> contains(value, expected);
            case EXISTS -> throw new IllegalStateException("handled above");
        };
    }

    private static final int INCOMPARABLE = Integer.MIN_VALUE;

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    /** The order of two numbers or two strings; {@link #INCOMPARABLE} for anything else. */
    private static int compare(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return Integer.signum(a.decimalValue().compareTo(b.decimalValue()));
        }
        if (a.isTextual() && b.isTextual()) {
            return Integer.signum(a.textValue().compareTo(b.textValue()));
        }
        return INCOMPARABLE;
    }

    private static boolean contains(JsonNode value, JsonNode expected) {
        if (value.isTextual() && expected.isTextual()) {
            return value.textValue().contains(expected.textValue());
        }
        if (value.isArray()) {
            for (JsonNode element : value) {
                if (same(element, expected)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A value as JSON, cut so a reason stays one readable line. */
    private static String shown(JsonNode node) {
        String text = node.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}

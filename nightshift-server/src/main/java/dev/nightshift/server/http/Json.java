package dev.nightshift.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one JSON configuration of the server: ISO times, no nulls, and a strict reader for what
 * clients send. A request body is exactly one JSON document of the declared types: unknown fields,
 * trailing content and type coercion ({@code "title":5}, {@code "autoCommit":1} or {@code "true"})
 * are refused, so a client's mistake is a 400 rather than a silently different request. Refusals
 * speak of fields and JSON types, never of the server's classes.
 */
public final class Json {
    public static final ObjectMapper MAPPER = strict(JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addModule(new JavaTimeModule())
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build());

    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");
    private static final java.util.regex.Pattern PORTS =
            java.util.regex.Pattern.compile("/api/sessions/[^/]+/ports/.+");
    /** The one route that also takes a prompt as multipart/form-data (with its attachments); it reads the body itself. */
    private static final java.util.regex.Pattern PROMPTS =
            java.util.regex.Pattern.compile("/api/sessions/[^/]+/prompts");

    private Json() {}

    /** Scalars become strings, numbers or booleans only from their own JSON type. */
    private static ObjectMapper strict(ObjectMapper mapper) {
        for (LogicalType type :
                new LogicalType[] {LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer, LogicalType.Float}) {
            var config = mapper.coercionConfigFor(type);
            for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer,
                CoercionInputShape.Float,
                CoercionInputShape.Boolean,
                CoercionInputShape.String
            }) {
                config.setCoercion(shape, CoercionAction.Fail);
            }
        }
        // a string stays a string, a whole number may still be read as a decimal one
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert);
        return mapper;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Refuses a request under {@code /api} that has a body but does not say it is JSON (415), before
     * any route sees it. Runs on the request's own (virtual) thread as a {@code before} handler. The
     * port proxy is left out: what a preview page posts is the sandboxed server's business; so is a
     * prompt sent as {@code multipart/form-data} with its attachments, whose route reads it itself.
     */
    public static void requireJsonContentType(Context ctx) {
        if (!WITH_BODY.contains(ctx.method().name())
                || PORTS.matcher(ctx.path()).matches()) {
            return;
        }
        String type = ctx.contentType();
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (media.equals("multipart/form-data") && PROMPTS.matcher(ctx.path()).matches()) {
            return; // read with the attachments' limits, not the JSON body's
        }
        if (ctx.bodyAsBytes().length == 0) {
            return;
        }
        if (!media.equals("application/json")) {
            throw new ApiException(
                    415,
                    "unsupported_media_type",
                    (type == null
                                    ? "the request has a body but no Content-Type"
                                    : "the request's Content-Type is '" + type + "'")
                            + "; send the body as JSON with 'Content-Type: application/json'");
        }
    }

    /** Parses a client's JSON into {@code type}, turning every parse problem into a 400 that names it. */
    public static <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("the request needs a JSON body");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest("the request body must be a JSON object, not null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest(
                    "unknown field '" + path(e) + "'; known fields: " + known(e.getKnownPropertyIds()));
        } catch (StreamReadException e) {
            var location = e.getLocation();
            throw ApiException.badRequest("malformed JSON"
                    + (location == null
                            ? ""
                            : " at line " + location.getLineNr() + ", column " + location.getColumnNr())
                    + "; send one JSON object");
        } catch (MismatchedInputException e) {
            if (e.getPath().isEmpty() && e.getOriginalMessage().startsWith("Trailing token")) {
                throw ApiException.badRequest("the body has more after its JSON object; send exactly one JSON object");
            }
            throw ApiException.badRequest(
                    e.getPath().isEmpty()
                            ? "the request body must be a JSON object"
                            : "'" + path(e) + "' must be " + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw ApiException.badRequest(
                    e.getPath().isEmpty()
                            ? "the request body could not be read as a JSON object"
                            : "'" + path(e) + "' has a value that cannot be used here");
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON; send one JSON object");
        }
    }

    /** The field's place in the document, {@code settings.autoCommit} or {@code items[2]}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String known(Collection<Object> ids) {
        return ids == null ? "none" : ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    /** The JSON type a field takes, in the API's words. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class
                || type == Short.class
                || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return Map.class.isAssignableFrom(type) || type.isRecord() ? "an object" : "of another type";
    }

    public static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON; send one JSON object");
        }
    }

    /** A JSON string literal, for building small documents by hand on hot paths. */
    public static String quote(String s) {
        return write(s);
    }

    /** Answers a request with {@code body} as JSON. */
    public static void respond(io.javalin.http.Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(write(body));
    }

    /**
     * Answers with a body that holds a newly made secret (a token, a share link): {@code no-store}
     * keeps it out of every cache between here and the person.
     */
    public static void respondSecret(io.javalin.http.Context ctx, int status, Object body) {
        ctx.header("Cache-Control", "no-store");
        respond(ctx, status, body);
    }
}

package dev.nightshift.agent.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.ModelException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns what a provider answered (status, headers, error JSON) or how the connection failed into a
 * {@link ModelException} of the right kind. Pure; every provider's error shape is read here:
 * OpenAI {@code {"error":{"message","type","code"}}}, Anthropic
 * {@code {"type":"error","error":{"type","message"}}}, and servers that answer with plain text.
 */
final class ProviderErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DETAIL = 500;

    private ProviderErrors() {}

    /** A provider's error, as parsed from its body. */
    record Detail(String message, String type, String code) {}

    static ModelException http(
            ModelRef model,
            Endpoint endpoint,
            int status,
            String body,
            Map<String, List<String>> headers,
            Instant now) {
        Detail detail = detail(body);
        String said = "HTTP " + status + (detail.message().isEmpty() ? "" : ": " + detail.message());
        Duration retryAfter = retryAfter(headers, now);
        if (status != 429 && status != 401 && status != 403 && contextOverflow(detail)) {
            return new ModelException(
                    Kind.CONTEXT_OVERFLOW,
                    model + " refused the conversation as longer than its context " + "window (" + said
                            + "); condense the conversation",
                    retryAfter,
                    null);
        }
        if (status == 401 || status == 403) {
            return new ModelException(
                    Kind.AUTHENTICATION,
                    model + " refused the credentials (" + said + "); " + endpoint.keyHint(),
                    null,
                    null);
        }
        if (status == 429) {
            return new ModelException(Kind.RATE_LIMITED, model + " is rate limited (" + said + ")", retryAfter, null);
        }
        if (status == 408) {
            return new ModelException(Kind.TIMEOUT, model + " timed out (" + said + ")", retryAfter, null);
        }
        if (status >= 500) {
            return new ModelException(Kind.SERVER_ERROR, model + "'s provider failed (" + said + ")", retryAfter, null);
        }
        if (status == 404) {
            return new ModelException(
                    Kind.BAD_REQUEST,
                    model + " was not found at " + endpoint.baseUrl() + " (" + said + "); check the model name and "
                            + endpoint.baseUrlVariable(),
                    null,
                    null);
        }
        return new ModelException(Kind.BAD_REQUEST, model + " rejected the request (" + said + ")", null, null);
    }

    /** How the connection to the provider failed (no HTTP answer, or the stream broke). */
    static ModelException transport(ModelRef model, Endpoint endpoint, Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof HttpTimeoutException || root instanceof ConnectException) {
                break;
            }
            root = root.getCause();
        }
        String message = null;
        for (Throwable t = failure; t != null && message == null; t = t.getCause() == t ? null : t.getCause()) {
            message = t.getMessage();
        }
        String what = root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        if (root instanceof HttpConnectTimeoutException
                || root instanceof ConnectException
                || root instanceof UnresolvedAddressException
                || root instanceof UnknownHostException) {
            return new ModelException(
                    Kind.CONNECTION,
                    "could not connect to " + model + " at " + endpoint.baseUrl() + " (" + what
                            + "); check that the server runs and " + endpoint.baseUrlVariable(),
                    null,
                    failure);
        }
        if (root instanceof HttpTimeoutException) {
            return new ModelException(Kind.TIMEOUT, model + " timed out (" + what + ")", null, failure);
        }
        if (root instanceof JsonProcessingException) {
            return new ModelException(
                    Kind.MALFORMED,
                    model + " sent a stream that could not be understood (" + what + ")",
                    null,
                    failure);
        }
        if (root instanceof IOException) {
            return new ModelException(
                    Kind.CONNECTION,
                    "the connection to " + model + " at " + endpoint.baseUrl() + " failed (" + what + ")",
                    null,
                    failure);
        }
        return new ModelException(Kind.MALFORMED, model + " failed in an unexpected way (" + what + ")", null, failure);
    }

    /**
     * An error reported inside an otherwise successful stream (Anthropic's {@code event: error}, a Chat
     * Completions {@code data: {"error":…}} chunk), by the provider's error type and message. Unknown
     * types count as server errors: the provider accepted the request and then failed.
     */
    static ModelException streamed(ModelRef model, Detail detail, Throwable cause) {
        String type = detail.type();
        String said = (type == null ? "" : type + ": ") + detail.message();
        if (contextOverflow(detail)) {
            return new ModelException(
                    Kind.CONTEXT_OVERFLOW,
                    model + " refused the conversation as longer than its context " + "window (" + said
                            + "); condense the conversation",
                    null,
                    cause);
        }
        String t = type == null ? "" : type;
        Kind kind = switch (t) {
            case "overloaded_error", "api_error", "server_error" -> Kind.SERVER_ERROR;
            case "rate_limit_error" -> Kind.RATE_LIMITED;
            case "authentication_error", "permission_error" -> Kind.AUTHENTICATION;
            case "invalid_request_error", "not_found_error", "request_too_large" -> Kind.BAD_REQUEST;
            case "timeout_error" -> Kind.TIMEOUT;
            default -> Kind.SERVER_ERROR;
        };
        return new ModelException(kind, model + " reported an error while streaming (" + said + ")", null, cause);
    }

    /**
     * Whether an error says the conversation does not fit the model's window. OpenAI: code
     * {@code context_length_exceeded} / "maximum context length" (vLLM says the same); Anthropic: "prompt
     * is too long"; llama.cpp: "exceeds the available context size"; others: "context length", "context
     * window", "too many tokens".
     */
    static boolean contextOverflow(Detail detail) {
        if ("context_length_exceeded".equals(detail.code()) || "context_length_exceeded".equals(detail.type())) {
            return true;
        }
        String m = detail.message().toLowerCase(Locale.ROOT);
        return m.contains("maximum context length")
                || m.contains("prompt is too long")
                || m.contains("context length")
                || m.contains("context_length_exceeded")
                || m.contains("context window")
                || m.contains("context size")
                || m.contains("too many tokens");
    }

    /** The message, type and code of a provider's error body; the raw text (shortened) when it is not JSON. */
    static Detail detail(String body) {
        if (body == null || body.isBlank()) {
            return new Detail("", null, null);
        }
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root.path("error");
            if (error.isObject()) {
                return new Detail(
                        shorten(text(error, "message", body)), textOrNull(error, "type"), textOrNull(error, "code"));
            }
            if (error.isTextual()) {
                // Ollama and some proxies: {"error": "message"}
                return new Detail(shorten(error.asText()), null, null);
            }
            if (root.has("message")) {
                return new Detail(
                        shorten(root.path("message").asText()), textOrNull(root, "type"), textOrNull(root, "code"));
            }
        } catch (IOException e) {
            // not JSON: use the text
        }
        return new Detail(shorten(body.strip()), null, null);
    }

    /**
     * Retry-After as the provider sent it: {@code retry-after-ms} (OpenAI), {@code retry-after} in
     * seconds (possibly fractional) or as an HTTP date. Null when absent or unreadable.
     */
    static Duration retryAfter(Map<String, List<String>> headers, Instant now) {
        String ms = header(headers, "retry-after-ms");
        if (ms != null) {
            try {
                double millis = Double.parseDouble(ms.trim());
                if (millis >= 0) {
                    return Duration.ofMillis(Math.round(millis));
                }
            } catch (NumberFormatException e) {
                // fall through to retry-after
            }
        }
        String value = header(headers, "retry-after");
        if (value == null) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(value.trim());
            return seconds < 0 ? null : Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    private static String header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null
                    && e.getKey().equalsIgnoreCase(name)
                    && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String shorten(String s) {
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL) + "…";
    }
}

package dev.nightshift.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.agent.model.ModelException.Kind;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderErrorsTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final ModelRef MODEL = ModelRef.parse("openai/gpt-5");
    private static final Endpoint ENDPOINT = Endpoint.of(GatewayConfig.from(Map.of("OPENAI_API_KEY", "k")), "openai");

    private static Kind kind(int status, String body) {
        return ProviderErrors.http(MODEL, ENDPOINT, status, body, Map.of(), NOW).kind();
    }

    @Test
    void statusesMapToKinds() {
        assertThat(kind(429, "{}")).isEqualTo(Kind.RATE_LIMITED);
        assertThat(kind(500, "")).isEqualTo(Kind.SERVER_ERROR);
        assertThat(kind(503, "Service Unavailable")).isEqualTo(Kind.SERVER_ERROR);
        assertThat(kind(
                        529,
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"))
                .isEqualTo(Kind.SERVER_ERROR);
        assertThat(kind(401, "{}")).isEqualTo(Kind.AUTHENTICATION);
        assertThat(kind(403, "{}")).isEqualTo(Kind.AUTHENTICATION);
        assertThat(kind(400, "{}")).isEqualTo(Kind.BAD_REQUEST);
        assertThat(kind(404, "{}")).isEqualTo(Kind.BAD_REQUEST);
        assertThat(kind(408, "{}")).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void contextOverflowInEachProvidersWords() {
        assertThat(kind(
                        400,
                        "{\"error\":{\"message\":\"too long\",\"type\":\"invalid_request_error\","
                                + "\"code\":\"context_length_exceeded\"}}"))
                .isEqualTo(Kind.CONTEXT_OVERFLOW);
        assertThat(kind(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\"}}"))
                .isEqualTo(Kind.CONTEXT_OVERFLOW);
        assertThat(kind(
                        400,
                        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                                + "\"message\":\"prompt is too long: 208310 tokens > 200000 maximum\"}}"))
                .isEqualTo(Kind.CONTEXT_OVERFLOW);
        assertThat(kind(400, "{\"error\":\"input length exceeds the context length\"}"))
                .isEqualTo(Kind.CONTEXT_OVERFLOW);
        assertThat(kind(413, "Too many tokens in the request")).isEqualTo(Kind.CONTEXT_OVERFLOW);
        // a token rate limit is a rate limit, not an overflow
        assertThat(kind(429, "{\"error\":{\"message\":\"too many tokens per minute\"}}"))
                .isEqualTo(Kind.RATE_LIMITED);
    }

    @Test
    void messagesSayWhatTheProviderSaid() {
        ModelException e = ProviderErrors.http(
                MODEL,
                ENDPOINT,
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided\",\"code\":\"invalid_api_key\"}}",
                Map.of(),
                NOW);
        assertThat(e.getMessage())
                .contains("HTTP 401: Incorrect API key provided")
                .contains("check OPENAI_API_KEY");
        assertThat(ProviderErrors.http(MODEL, ENDPOINT, 500, "x".repeat(5000), Map.of(), NOW)
                        .getMessage()
                        .length())
                .isLessThan(700);
    }

    @Test
    void retryAfterInItsForms() {
        assertThat(ProviderErrors.retryAfter(Map.of("Retry-After", List.of("2")), NOW))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(ProviderErrors.retryAfter(Map.of("retry-after", List.of("0.25")), NOW))
                .isEqualTo(Duration.ofMillis(250));
        assertThat(ProviderErrors.retryAfter(
                        Map.of("retry-after", List.of("1"), "retry-after-ms", List.of("1500")), NOW))
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(ProviderErrors.retryAfter(Map.of("retry-after", List.of("Wed, 01 Jan 2025 00:00:07 GMT")), NOW))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(ProviderErrors.retryAfter(Map.of("retry-after", List.of("whenever")), NOW))
                .isNull();
        assertThat(ProviderErrors.retryAfter(Map.of(), NOW)).isNull();
        ModelException e = ProviderErrors.http(MODEL, ENDPOINT, 429, "{}", Map.of("retry-after", List.of("3")), NOW);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void transportFailures() {
        assertThat(ProviderErrors.transport(MODEL, ENDPOINT, new ConnectException("Connection refused"))
                        .kind())
                .isEqualTo(Kind.CONNECTION);
        assertThat(ProviderErrors.transport(MODEL, ENDPOINT, new HttpConnectTimeoutException("connect timed out"))
                        .kind())
                .isEqualTo(Kind.CONNECTION);
        assertThat(ProviderErrors.transport(MODEL, ENDPOINT, new java.io.EOFException("closed"))
                        .kind())
                .isEqualTo(Kind.CONNECTION);
        assertThat(ProviderErrors.transport(
                                MODEL,
                                ENDPOINT,
                                new RuntimeException(new com.fasterxml.jackson.core.JsonParseException(null, "bad")))
                        .kind())
                .isEqualTo(Kind.MALFORMED);
    }

    @Test
    void errorsStreamedInsideAResponse() {
        assertThat(streamed("overloaded_error", "Overloaded")).isEqualTo(Kind.SERVER_ERROR);
        assertThat(streamed("rate_limit_error", "slow down")).isEqualTo(Kind.RATE_LIMITED);
        assertThat(streamed("invalid_request_error", "prompt is too long")).isEqualTo(Kind.CONTEXT_OVERFLOW);
        assertThat(streamed(null, "something broke")).isEqualTo(Kind.SERVER_ERROR);
        assertThat(ProviderErrors.streamed(
                                MODEL,
                                ProviderErrors.detail(
                                        "{\"error\":{\"message\":\"x\",\"code\":\"context_length_exceeded\"}}"),
                                null)
                        .kind())
                .isEqualTo(Kind.CONTEXT_OVERFLOW);
    }

    private static Kind streamed(String type, String message) {
        return ProviderErrors.streamed(MODEL, new ProviderErrors.Detail(message, type, null), null)
                .kind();
    }
}

package dev.nightshift.linear;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One request to Linear and its JSON answer, read no further than a limit: what the GraphQL client and
 * the OAuth endpoints both do. An answer that is not JSON reads as missing (the caller decides from the
 * status); an unreachable Linear, an oversized answer or an interruption is a {@link LinearException}.
 * Runs on the caller's thread.
 */
final class JsonExchange {
    /** The status, {@code Retry-After} (null when absent) and body of an answer. */
    record Answer(int status, String retryAfter, JsonNode body) {}

    private JsonExchange() {}

    static Answer send(HttpClient http, HttpRequest request, int maxBytes, String doing) {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(maxBytes + 1);
            }
            if (bytes.length > maxBytes) {
                throw new LinearException(
                        response.statusCode(), "", doing + ": Linear's answer is larger than " + maxBytes + " bytes");
            }
            JsonNode json;
            try {
                json = bytes.length == 0 ? MissingNode.getInstance() : Json.MAPPER.readTree(bytes);
            } catch (IOException notJson) {
                json = MissingNode.getInstance();
            }
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Retry-After").orElse(null),
                    json == null ? MissingNode.getInstance() : json);
        } catch (IOException e) {
            throw new LinearException(
                    0,
                    "",
                    doing + ": could not reach Linear at " + request.uri().getScheme() + "://"
                            + request.uri().getAuthority() + ": " + e,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LinearException(0, "", doing + ": interrupted while calling Linear", e);
        }
    }
}

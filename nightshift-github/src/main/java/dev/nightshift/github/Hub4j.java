package dev.nightshift.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.HttpException;
import org.kohsuke.github.connector.GitHubConnector;

/** The github-api library as this module uses it: one client per token, our rate limit hooks. */
final class Hub4j {

    private Hub4j() {}

    /**
     * A client acting with {@code token}. A plain authorization provider, not
     * {@code withOAuthToken}: for those github-api first fetches {@code /user} to learn the login,
     * one more request per call that we do not need. Building one makes no request.
     */
    static GitHub connect(
            GitHubEndpoints endpoints, GitHubConnector connector, String token, Sleeper sleeper, Clock clock)
            throws IOException {
        String authorization = "Bearer " + Objects.requireNonNull(token, "token");
        return new GitHubBuilder()
                .withEndpoint(endpoints.api().toString())
                .withAuthorizationProvider(() -> authorization)
                .withConnector(connector)
                .withAbuseLimitHandler(LimitHandlers.secondary(sleeper, clock))
                .withRateLimitHandler(LimitHandlers.PRIMARY)
                .build();
    }

    /** github-api puts the whole error body in the message; GitHub's own words are its "message". */
    static String message(HttpException e) {
        String raw = e.getMessage();
        if (raw == null) {
            return "(no message)";
        }
        try {
            JsonNode body = Http.JSON.readTree(raw);
            if (body != null && body.hasNonNull("message")) {
                return body.get("message").asText();
            }
        } catch (IOException notJson) {
            // a message of github-api's own
        }
        return raw;
    }

    /** A response header of a refusal, whatever the case of its name; null when absent. */
    static String header(HttpException e, String name) {
        Map<String, List<String>> headers = e.getResponseHeaderFields();
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey() != null
                    && h.getKey().equalsIgnoreCase(name)
                    && !h.getValue().isEmpty()) {
                return h.getValue().get(0);
            }
        }
        return null;
    }
}

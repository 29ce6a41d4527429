package dev.nightshift.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The JSON calls this module makes itself (OAuth, App tokens, the signed-in user), over
 * {@code java.net.http}. Waits out GitHub's secondary rate limit within {@link SecondaryRateLimit}'s
 * bound, and turns refusals into {@link GitHubException}s that carry GitHub's message.
 */
final class Http {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The REST API version this module was written against. */
    static final String API_VERSION = "2022-11-28";

    static final String API_MEDIA_TYPE = "application/vnd.github+json";
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Clock clock;
    private final Sleeper sleeper;

    Http(HttpClient client, Clock clock, Sleeper sleeper) {
        this.client = client;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Redirects are not followed: a redirect to another host would take the token along. */
    static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** What GitHub answered; {@code body} is a MissingNode when it was empty or not JSON. */
    record Reply(int status, HttpHeaders headers, JsonNode body, String text) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** GitHub's {@code message} field, else the raw body. */
        String message() {
            String m = body.path("message").asText(null);
            return m != null ? m : text;
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    /** A REST API call with a bearer token (user, installation, or the App's JWT). */
    Reply api(String method, URI uri, String bearer) {
        HttpRequest request = apiRequest(uri, bearer, API_MEDIA_TYPE)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return send(request);
    }

    /** A REST API request with the headers GitHub asks for; the caller adds method and body. */
    static HttpRequest.Builder apiRequest(URI uri, String bearer, String accept) {
        return HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", accept)
                .header("X-GitHub-Api-Version", API_VERSION)
                .header("Authorization", "Bearer " + bearer);
    }

    /** An OAuth web endpoint: a form POST; asks for JSON, which GitHub otherwise does not send. */
    Reply form(URI uri, Map<String, String> fields) {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((k, v) -> body.add(UrlEncoding.query(k) + "=" + UrlEncoding.query(v)));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return send(request);
    }

    private Reply send(HttpRequest request) {
        for (int attempt = 1; ; attempt++) {
            Reply reply = once(request);
            String retryAfter = reply.header("Retry-After").orElse(null);
            if (!SecondaryRateLimit.applies(reply.status(), retryAfter, reply.message())) {
                return reply;
            }
            if (attempt >= SecondaryRateLimit.MAX_ATTEMPTS) {
                throw new GitHubException(
                        reply.status(),
                        request.method() + " " + request.uri().getPath() + ": still rate limited after " + attempt
                                + " tries: " + reply.message());
            }
            Duration wait = SecondaryRateLimit.waitFor(retryAfter, clock.instant())
                    .orElseThrow(() -> new GitHubException(reply.status(), SecondaryRateLimit.tooLong(retryAfter)));
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GitHubException(0, "interrupted while waiting out GitHub's rate limit", e);
            }
        }
    }

    private Reply once(HttpRequest request) {
        return once(request, Integer.MAX_VALUE);
    }

    /**
     * One request, without retries, for callers that run their own retry loop. Reads at most
     * {@code maxBodyBytes} of the answer (cut between characters) and drops the rest unread.
     */
    Reply once(HttpRequest request, int maxBodyBytes) {
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String text;
            try (InputStream in = response.body()) {
                text = BoundedText.head(in, maxBodyBytes);
            }
            JsonNode body;
            try {
                body = text.isBlank() ? MissingNode.getInstance() : JSON.readTree(text);
            } catch (IOException notJson) {
                body = MissingNode.getInstance();
            }
            return new Reply(response.statusCode(), response.headers(), body, text);
        } catch (IOException e) {
            throw new GitHubException(0, "could not reach GitHub at " + origin(request.uri()) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubException(0, "interrupted while calling GitHub", e);
        }
    }

    /** A refusal as an exception: 401 as {@link GitHubAuthException}, so callers can refresh and retry. */
    static GitHubException refused(Reply reply, String doing) {
        if (reply.status() == 401) {
            return new GitHubAuthException(
                    doing + ": GitHub refused the token (401 " + reply.message() + "); refresh it or sign in again");
        }
        return new GitHubException(
                reply.status(), doing + ": GitHub answered " + reply.status() + " " + reply.message());
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}

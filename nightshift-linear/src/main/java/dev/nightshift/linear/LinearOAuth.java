package dev.nightshift.linear;

import static dev.nightshift.linear.Json.nonEmpty;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Installing the Nightshift application in a Linear workspace with OAuth 2.0, the application as the
 * actor ({@code actor=app}): what it writes shows as the app, and the app is a user people can assign
 * and mention. A workspace administrator approves the install at {@link #authorizeUrl}; Linear sends
 * the browser back with a code, which {@link #exchange} trades for an access token (about a day) and
 * a refresh token; {@link #refresh} trades the refresh token for a new pair (Linear may rotate it:
 * the answer's refresh token replaces the old one); {@link #revoke} ends the installation.
 *
 * <p>Requests are {@code application/x-www-form-urlencoded} {@code POST}s with the client's id and
 * secret in the body; answers are JSON. A refusal ({@code {"error", "error_description"}}, RFC 6749
 * §5.2) becomes a {@link LinearException} whose {@link LinearException#code() code} is Linear's
 * {@code error} ({@value LinearException#INVALID_GRANT}, {@code invalid_client}, …) and whose message
 * carries its description. Nothing is retried here: a code is single-use and a refresh token may be
 * used up by a request whose answer was lost, so the caller decides (re-reading what another node
 * stored, typically).
 *
 * <p>Each call blocks the calling thread for one request; instances hold no per-call state and are
 * shared by any number of threads.
 */
public final class LinearOAuth {

    /** Where a workspace administrator approves an install. */
    public static final URI DEFAULT_AUTHORIZE_URL = URI.create("https://linear.app/oauth/authorize");
    /** Where codes and refresh tokens are exchanged; revocation is its sibling {@code revoke}. */
    public static final URI DEFAULT_TOKEN_URL = URI.create("https://api.linear.app/oauth/token");
    /**
     * What the app asks for: reading and writing as itself, and being assignable (issues can be
     * delegated to it) and mentionable (it hears {@code @app} in comments).
     */
    public static final List<String> APP_SCOPES = List.of("read", "write", "app:assignable", "app:mentionable");

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** A token answer is small; a larger one is refused rather than held in memory. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    /**
     * What Linear issued.
     *
     * @param accessToken the bearer token of the app actor
     * @param refreshToken to renew it; null when Linear issued none (a token that does not expire)
     * @param expiresAt when the access token expires, from {@code expires_in} counted from the moment
     *     the answer arrived; null when Linear gave no lifetime
     * @param scopes what was granted, in Linear's order
     */
    public record Tokens(String accessToken, String refreshToken, Instant expiresAt, List<String> scopes) {
        public Tokens {
            Objects.requireNonNull(accessToken, "accessToken");
            scopes = List.copyOf(scopes);
        }

        /** Never the tokens themselves: records end up in logs. */
        @Override
        public String toString() {
            return "Tokens[expiresAt=" + expiresAt + ", scopes=" + scopes + ", refreshable=" + (refreshToken != null)
                    + "]";
        }
    }

    private final URI authorizeUrl;
    private final URI tokenUrl;
    private final URI revokeUrl;
    private final String clientId;
    private final String clientSecret;
    private final HttpClient http;
    private final Clock clock;

    /**
     * @param authorizeUrl {@link #DEFAULT_AUTHORIZE_URL} for Linear
     * @param tokenUrl {@link #DEFAULT_TOKEN_URL} for Linear; revocation goes to {@code revoke} beside it
     * @param http should not follow redirects (see {@link LinearClient#defaultHttpClient}): the body
     *     carries the client secret
     * @param clock to turn {@code expires_in} into an instant
     */
    public LinearOAuth(
            URI authorizeUrl, URI tokenUrl, String clientId, String clientSecret, HttpClient http, Clock clock) {
        this.authorizeUrl = httpUrl(authorizeUrl, "authorize");
        this.tokenUrl = httpUrl(tokenUrl, "token");
        this.revokeUrl = this.tokenUrl.resolve("revoke");
        this.clientId = requireText(clientId, "clientId");
        this.clientSecret = requireText(clientSecret, "clientSecret");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The application's client id, as the authorize URL names it. */
    public String clientId() {
        return clientId;
    }

    /**
     * Where to send the administrator's browser: {@code client_id}, {@code redirect_uri},
     * {@code response_type=code}, the scopes comma-separated, {@code state}, and {@code actor=app}.
     *
     * @param redirectUri one of the callback URLs registered with the application
     * @param state a single-use secret the callback must bring back (against cross-site requests)
     */
    public URI authorizeUrl(URI redirectUri, String state, List<String> scopes) {
        Objects.requireNonNull(redirectUri, "redirectUri");
        requireText(state, "state");
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("at least one scope is needed");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("redirect_uri", redirectUri.toString());
        query.put("response_type", "code");
        query.put("scope", String.join(",", scopes));
        query.put("state", state);
        query.put("actor", "app");
        String base = authorizeUrl.toString();
        return URI.create(base + (authorizeUrl.getRawQuery() == null ? "?" : "&") + form(query));
    }

    /**
     * Trades the code Linear sent to the callback for tokens.
     *
     * @param redirectUri the same one the authorize URL named
     * @throws LinearException when Linear refuses (an unknown, used or expired code is
     *     {@value LinearException#INVALID_GRANT}) or cannot be reached
     */
    public Tokens exchange(String code, URI redirectUri) {
        requireText(code, "code");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return tokens(post(tokenUrl, form, null, "exchange the authorization code"), null);
    }

    /**
     * Trades a refresh token for a new access token. When Linear's answer carries a refresh token it
     * replaces this one (which may no longer work); when it carries none, this one stays.
     *
     * @throws LinearException when Linear refuses (a revoked or used-up refresh token is
     *     {@value LinearException#INVALID_GRANT}) or cannot be reached
     */
    public Tokens refresh(String refreshToken) {
        requireText(refreshToken, "refreshToken");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return tokens(post(tokenUrl, form, null, "refresh the access token"), refreshToken);
    }

    /**
     * Revokes the installation's tokens, so neither works any more. The token goes in the body
     * ({@code token}, {@code token_type_hint}, with the client's credentials); an access token is also
     * sent as the bearer of the request, as Linear's revocation reads it.
     *
     * @param token the refresh token when there is one (it outlives the access token), else the
     *     access token
     * @param refreshToken whether {@code token} is a refresh token
     * @throws LinearException when Linear refuses (e.g. a token already revoked) or cannot be reached
     */
    public void revoke(String token, boolean refreshToken) {
        requireText(token, "token");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        form.put("token_type_hint", refreshToken ? "refresh_token" : "access_token");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        post(revokeUrl, form, refreshToken ? null : token, "revoke the Linear installation");
    }

    /** One answer: its status and JSON (MissingNode when none or unreadable). */
    private record Answer(int status, JsonNode body) {}

    private JsonNode post(URI url, Map<String, String> form, String bearer, String doing) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(form)));
        if (bearer != null) {
            try {
                request.header("Authorization", "Bearer " + bearer.strip());
            } catch (IllegalArgumentException badHeader) {
                throw new LinearException(0, "", doing + ": the token is not a valid header");
            }
        }
        Answer answer = send(request.build(), doing);
        if (answer.status() >= 200 && answer.status() <= 299) {
            return answer.body();
        }
        String error = nonEmpty(answer.body().path("error"));
        String description = nonEmpty(answer.body().path("error_description"));
        throw new LinearException(
                answer.status(),
                error == null ? "" : cut(error, 100),
                doing + ": Linear answered "
                        + (error == null ? "HTTP " + answer.status() : cut(error, 100))
                        + (description == null ? "" : ": " + cut(description, 500)));
    }

    private Answer send(HttpRequest request, String doing) {
        JsonExchange.Answer answer = JsonExchange.send(http, request, MAX_RESPONSE_BYTES, doing);
        return new Answer(answer.status(), answer.body());
    }

    /** Reads a token answer; {@code keptRefreshToken} stands when the answer has no refresh token. */
    private Tokens tokens(JsonNode body, String keptRefreshToken) {
        String access = nonEmpty(body.path("access_token"));
        if (access == null) {
            throw new LinearException(200, "", "Linear's token answer has no access_token");
        }
        String tokenType = nonEmpty(body.path("token_type"));
        if (tokenType != null && !tokenType.equalsIgnoreCase("bearer")) {
            throw new LinearException(200, "", "Linear issued a token of type " + cut(tokenType, 40) + ", not Bearer");
        }
        String refresh = nonEmpty(body.path("refresh_token"));
        JsonNode expiresIn = body.path("expires_in");
        Instant expiresAt = null;
        if (expiresIn.canConvertToLong() && expiresIn.asLong() > 0) {
            expiresAt = clock.instant().plusSeconds(expiresIn.asLong());
        } else if (expiresIn.isTextual() && expiresIn.textValue().matches("[0-9]{1,12}")) {
            expiresAt = clock.instant().plusSeconds(Long.parseLong(expiresIn.textValue()));
        }
        return new Tokens(access, refresh != null ? refresh : keptRefreshToken, expiresAt, scopes(body.path("scope")));
    }

    /** Linear's {@code scope}: an array of strings, or one string separated by commas or spaces. */
    static List<String> scopes(JsonNode scope) {
        List<String> scopes = new ArrayList<>();
        if (scope.isArray()) {
            for (JsonNode s : scope) {
                String value = nonEmpty(s);
                if (value != null && !scopes.contains(value.strip())) {
                    scopes.add(value.strip());
                }
            }
        } else if (scope.isTextual()) {
            for (String s : scope.textValue().split("[,\\s]+")) {
                if (!s.isBlank() && !scopes.contains(s)) {
                    scopes.add(s);
                }
            }
        }
        return scopes;
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static URI httpUrl(URI url, String what) {
        Objects.requireNonNull(url, what);
        String scheme = url.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || url.getHost() == null) {
            throw new IllegalArgumentException("the Linear " + what + " URL must be an http(s) URL, got " + url);
        }
        return url;
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "…";
    }
}

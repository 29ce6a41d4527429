package dev.nightshift.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Signing users in with a GitHub App (GitHub's "user access token" flow): send the browser to
 * {@link #authorizeUrl}, exchange the code GitHub sends back for tokens, refresh them before they
 * expire, and look up who the user is. Thread-safe.
 */
public final class GitHubOAuth {

    private final GitHubEndpoints endpoints;
    private final String clientId;
    private final String clientSecret;
    private final Http http;
    private final Clock clock;

    /** With a client of its own and the system clock. */
    public GitHubOAuth(GitHubEndpoints endpoints, String clientId, String clientSecret) {
        this(endpoints, clientId, clientSecret, Http.defaultClient(), Clock.systemUTC());
    }

    /**
     * @param clientId the App's client ID (not its numeric App ID)
     * @param clientSecret one of the App's client secrets
     * @param clock turns GitHub's {@code expires_in} into instants
     */
    public GitHubOAuth(
            GitHubEndpoints endpoints, String clientId, String clientSecret, HttpClient client, Clock clock) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = new Http(Objects.requireNonNull(client, "client"), clock, Sleeper.REAL);
    }

    /** Where to send the browser: GitHub asks the user to authorize the App, then redirects back. */
    public URI authorizeUrl(String state, URI redirect) {
        return endpoints.web("/login/oauth/authorize?client_id=" + UrlEncoding.query(clientId)
                + "&redirect_uri=" + UrlEncoding.query(redirect.toString())
                + "&state=" + UrlEncoding.query(state));
    }

    /**
     * Exchanges the {@code code} from GitHub's redirect for tokens. {@code redirect} must be the one
     * given to {@link #authorizeUrl}.
     *
     * @throws GitHubOAuthException when GitHub refuses the code (used, expired, or wrong redirect)
     */
    public OAuthTokens exchange(String code, URI redirect) {
        Map<String, String> form = credentials();
        form.put("code", code);
        form.put("redirect_uri", redirect.toString());
        return tokens(form, "exchanging the sign-in code");
    }

    /**
     * New tokens for a refresh token. GitHub's refresh tokens are single use: store both new tokens,
     * the old refresh token is dead.
     *
     * @throws GitHubOAuthException {@code bad_refresh_token} when it was used, revoked or expired
     */
    public OAuthTokens refresh(String refreshToken) {
        Map<String, String> form = credentials();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return tokens(form, "refreshing the GitHub token");
    }

    /**
     * The account behind {@code accessToken}. When its email is private, the primary verified one
     * from {@code /user/emails} (which needs the App's "Email addresses" permission; without it the
     * email stays null).
     *
     * @throws GitHubAuthException when the token is no longer valid
     */
    public GitHubUser user(String accessToken) {
        Http.Reply reply = http.api("GET", endpoints.api("/user"), accessToken);
        if (!reply.ok()) {
            throw Http.refused(reply, "reading the GitHub user");
        }
        JsonNode u = reply.body();
        String email = text(u, "email");
        if (email == null) {
            email = primaryVerifiedEmail(accessToken);
        }
        return new GitHubUser(u.path("id").asLong(), u.path("login").asText(), text(u, "name"), email);
    }

    /**
     * Every address GitHub says the account has verified (empty when the App was not granted email
     * access). Admission by e-mail or domain counts only these.
     */
    public java.util.List<String> verifiedEmails(String accessToken) {
        Http.Reply reply = http.api("GET", endpoints.api("/user/emails"), accessToken);
        if (reply.status() == 403 || reply.status() == 404) {
            return java.util.List.of();
        }
        if (!reply.ok()) {
            throw Http.refused(reply, "reading the GitHub user's emails");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode e : reply.body()) {
            if (e.path("verified").asBoolean() && text(e, "email") != null) {
                out.add(text(e, "email"));
            }
        }
        return out;
    }

    /**
     * The organisations ({@code acme}) and teams ({@code acme/platform}) the account belongs to, read
     * with its own token from {@code /user/orgs} and {@code /user/teams} (first 100 of each; the App
     * needs the "Members" organisation permission to see them). Used for admission at sign-in and
     * at token refresh, so leaving the organisation ends access.
     */
    public java.util.Set<String> memberships(String accessToken) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        Http.Reply orgs = http.api("GET", endpoints.api("/user/orgs?per_page=100"), accessToken);
        if (!orgs.ok()) {
            throw Http.refused(orgs, "reading the GitHub user's organisations");
        }
        for (JsonNode o : orgs.body()) {
            out.add(o.path("login").asText().toLowerCase(java.util.Locale.ROOT));
        }
        Http.Reply teams = http.api("GET", endpoints.api("/user/teams?per_page=100"), accessToken);
        if (!teams.ok()) {
            throw Http.refused(teams, "reading the GitHub user's teams");
        }
        for (JsonNode t : teams.body()) {
            out.add((t.path("organization").path("login").asText() + "/"
                            + t.path("slug").asText())
                    .toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    private String primaryVerifiedEmail(String accessToken) {
        Http.Reply reply = http.api("GET", endpoints.api("/user/emails"), accessToken);
        if (reply.status() == 403 || reply.status() == 404) {
            return null; // the App was not granted email access: no email is a valid answer
        }
        if (!reply.ok()) {
            throw Http.refused(reply, "reading the GitHub user's emails");
        }
        for (JsonNode e : reply.body()) {
            if (e.path("primary").asBoolean() && e.path("verified").asBoolean()) {
                return text(e, "email");
            }
        }
        return null;
    }

    private Map<String, String> credentials() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return form;
    }

    private OAuthTokens tokens(Map<String, String> form, String doing) {
        Instant now = clock.instant();
        Http.Reply reply = http.form(endpoints.web("/login/oauth/access_token"), form);
        if (!reply.ok()) {
            throw Http.refused(reply, doing);
        }
        JsonNode b = reply.body();
        String error = text(b, "error");
        if (error != null) {
            String description = text(b, "error_description");
            throw new GitHubOAuthException(
                    error,
                    doing + ": GitHub refused it (" + error + (description == null ? "" : ": " + description)
                            + "); sign in again");
        }
        String accessToken = text(b, "access_token");
        if (accessToken == null) {
            throw new GitHubException(reply.status(), doing + ": GitHub's answer has no access_token");
        }
        String type = text(b, "token_type");
        if (type != null && !type.equalsIgnoreCase("bearer")) {
            throw new GitHubException(reply.status(), doing + ": unexpected token_type " + type);
        }
        return new OAuthTokens(
                accessToken,
                after(now, b, "expires_in"),
                text(b, "refresh_token"),
                after(now, b, "refresh_token_expires_in"));
    }

    private static Instant after(Instant now, JsonNode body, String secondsField) {
        JsonNode v = body.get(secondsField);
        return v == null || v.isNull() ? null : now.plusSeconds(v.asLong());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}

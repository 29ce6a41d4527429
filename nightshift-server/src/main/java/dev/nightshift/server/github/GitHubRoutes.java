package dev.nightshift.server.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.Secrets;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.port.Store;
import dev.nightshift.github.GitHubApp;
import dev.nightshift.github.GitHubException;
import dev.nightshift.github.GitHubOAuth;
import dev.nightshift.github.GitHubUser;
import dev.nightshift.github.OAuthState;
import dev.nightshift.github.OAuthTokens;
import dev.nightshift.github.PullRequestEvent;
import dev.nightshift.github.PullRequestState;
import dev.nightshift.github.Webhooks;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.IdentityLinks;
import dev.nightshift.server.auth.SignIn;
import dev.nightshift.server.auth.SignInPage;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.live.EventLog;
import io.javalin.http.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * GitHub's doors into the control plane: sign-in (a GitHub App's user-to-server OAuth flow, with a
 * server-stored single-use {@code state}) and the webhook, whose deliveries are checked against
 * the HMAC of the raw body, applied once per delivery id, and never move a pull request's state
 * backwards.
 */
public final class GitHubRoutes {
    static final String STATE_PURPOSE = "github-oauth";
    static final int MAX_WEBHOOK_BYTES = 1 << 20;
    private static final String PROVIDER = "github";

    private final Store store;
    private final EventLog log;
    private final GitCredentials credentials;
    private final GitHubOAuth oauth; // null: sign-in is not configured
    private final GitHubApp app; // null: no App credentials
    private final String host;
    private final byte[] webhookSecret;
    private final Supplier<String> publicUrl;
    private final Clock clock;
    private final Authenticator auth;
    private final SignIn signIn;
    private GitHubWorkplace workplace; // null: no App, so no mentions, issues or CI follow-ups

    public GitHubRoutes(
            Store store,
            EventLog log,
            GitCredentials credentials,
            GitHubOAuth oauth,
            GitHubApp app,
            String host,
            String webhookSecret,
            Supplier<String> publicUrl,
            Authenticator auth,
            SignIn signIn,
            Clock clock) {
        this.signIn = signIn;
        this.app = app;
        this.auth = auth;
        this.store = store;
        this.log = log;
        this.credentials = credentials;
        this.oauth = oauth;
        this.host = host;
        this.webhookSecret = webhookSecret == null ? new byte[0] : webhookSecret.getBytes(StandardCharsets.UTF_8);
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    /** Hands verified, first-seen deliveries to the GitHub workplace too (set once while the server is wired). */
    public void workplace(GitHubWorkplace workplace) {
        this.workplace = workplace;
    }

    public void register(RouteTable routes) {
        routes.get("/auth/github/login", this::login);
        routes.get("/auth/github/callback", this::callback);
        routes.post("/webhooks/github", this::webhook);
        routes.get("/api/github/installations/{installationId}/repositories", this::installationRepositories);
    }

    /** Whether people can sign in with GitHub here. */
    public boolean signInConfigured() {
        return oauth != null;
    }

    // -- the App (what is no person's action) -------------------------------------------------

    /** The repositories an installation of the App can reach, read with an installation token (administrators). */
    private void installationRepositories(Context ctx) {
        var caller = auth.fromHeader(ctx.header("Authorization"));
        caller.requireAdmin("listing an App installation's repositories is for administrators");
        if (app == null) {
            throw ApiException.notFound(
                    "no GitHub App is configured: set NIGHTSHIFT_GITHUB_APP_ID and NIGHTSHIFT_GITHUB_APP_PRIVATE_KEY_FILE");
        }
        long installation;
        try {
            installation = Long.parseLong(ctx.pathParam("installationId"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(
                    "the installation id is a number (see the App's installation page or a webhook's installation.id)");
        }
        try {
            var repositories = app.installationRepositories(installation);
            store.audit()
                    .record(
                            caller.userId(),
                            null,
                            "github.app.repositories",
                            "installation " + installation,
                            "ok",
                            repositories.size() + " repositories",
                            clock.instant());
            Json.respond(ctx, 200, Map.of("installationId", installation, "repositories", repositories));
        } catch (GitHubException e) {
            store.audit()
                    .record(
                            caller.userId(),
                            null,
                            "github.app.repositories",
                            "installation " + installation,
                            "failed",
                            e.getMessage(),
                            clock.instant());
            throw new ApiException(502, "upstream", "GitHub refused: " + e.getMessage());
        }
    }

    // -- sign-in ----------------------------------------------------------------------------

    private GitHubOAuth oauth() {
        if (oauth == null) {
            throw ApiException.notFound(
                    "GitHub sign-in is not configured on this server: set NIGHTSHIFT_GITHUB_CLIENT_ID and "
                            + "NIGHTSHIFT_GITHUB_CLIENT_SECRET");
        }
        return oauth;
    }

    private URI redirect() {
        return URI.create(publicUrl.get() + "/auth/github/callback");
    }

    private void login(Context ctx) {
        GitHubOAuth client = oauth();
        OAuthState state = OAuthState.generate(clock.instant());
        Map<String, String> payload = new LinkedHashMap<>();
        String linkUser = IdentityLinks.consume(store, ctx.queryParam("link"), PROVIDER, clock);
        if (linkUser != null) {
            payload.put("link", linkUser);
        }
        String uiState = SignInPage.uiState(ctx);
        if (!uiState.isEmpty()) {
            payload.put("ui", uiState);
        }
        store.oneTimeValues().save(STATE_PURPOSE, Secrets.hash(state.value()), Json.write(payload), state.expiresAt());
        ctx.redirect(client.authorizeUrl(state.value(), redirect()).toString());
    }

    private void callback(Context ctx) {
        GitHubOAuth client = oauth();
        String state = ctx.queryParam("state");
        String code = ctx.queryParam("code");
        if (ctx.queryParam("error") != null) {
            throw ApiException.badRequest(
                    "GitHub did not sign you in: " + ctx.queryParam("error") + "; start again at /auth/github/login");
        }
        if (state == null || code == null) {
            throw ApiException.badRequest(
                    "the sign-in callback needs 'code' and 'state'; start again at /auth/github/login");
        }
        // consumed before anything else: a replayed or forged callback finds nothing
        Optional<String> saved = store.oneTimeValues().consume(STATE_PURPOSE, Secrets.hash(state), clock.instant());
        if (saved.isEmpty()) {
            store.audit()
                    .record(
                            null,
                            null,
                            "signin.github",
                            host,
                            "refused",
                            "unknown, used or expired state",
                            clock.instant());
            throw ApiException.unauthorized(
                    "this sign-in link is unknown, was already used or expired; start again at /auth/github/login");
        }
        JsonNode payload = saved.get().isEmpty() ? Json.tree("{}") : Json.tree(saved.get());
        OAuthTokens tokens;
        SignIn.Account account;
        try {
            tokens = client.exchange(code, redirect());
            GitHubUser gitHubUser = client.user(tokens.accessToken());
            // memberships are read only when admission asks for them: the App may lack the permission otherwise
            var memberships = signIn.rules().gitHubOrgs().isEmpty()
                    ? java.util.Set.<String>of()
                    : client.memberships(tokens.accessToken());
            account = new SignIn.Account(
                    PROVIDER,
                    host,
                    String.valueOf(gitHubUser.id()),
                    gitHubUser.login(),
                    gitHubUser.name() == null ? gitHubUser.login() : gitHubUser.name(),
                    gitHubUser.noreplyEmail(),
                    client.verifiedEmails(tokens.accessToken()),
                    memberships,
                    java.util.Set.of());
        } catch (GitHubException e) {
            store.audit().record(null, null, "signin.github", host, "failed", e.getMessage(), clock.instant());
            throw ApiException.badRequest(
                    "GitHub refused the sign-in: " + e.getMessage() + "; start again at /auth/github/login");
        }
        String userId = SignInPage.complete(ctx, signIn, account, payload, PROVIDER);
        if (userId != null) {
            credentials.putOAuth(
                    userId,
                    host,
                    tokens.accessToken(),
                    tokens.accessExpiresAt(),
                    tokens.refreshToken(),
                    tokens.refreshExpiresAt());
        }
    }

    // -- webhooks ---------------------------------------------------------------------------

    private void webhook(Context ctx) {
        if (webhookSecret.length == 0) {
            throw new ApiException(
                    503,
                    "not_configured",
                    "webhooks are not configured on this server: set NIGHTSHIFT_GITHUB_WEBHOOK_SECRET "
                            + "to the secret of the GitHub webhook");
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_WEBHOOK_BYTES) {
            throw new ApiException(
                    413, "too_large", "a webhook delivery may have at most " + MAX_WEBHOOK_BYTES + " bytes");
        }
        if (!Webhooks.verify(webhookSecret, body, ctx.header(Webhooks.SIGNATURE_HEADER))) {
            throw ApiException.unauthorized("the " + Webhooks.SIGNATURE_HEADER
                    + " signature does not match this body and the " + "configured webhook secret");
        }
        String delivery = ctx.header("X-GitHub-Delivery");
        if (delivery == null || delivery.isBlank() || delivery.length() > 200) {
            throw ApiException.badRequest("the X-GitHub-Delivery header is missing");
        }
        if (!store.oneTimeValues().firstDelivery(PROVIDER, delivery, clock.instant())) {
            Json.respond(ctx, 200, Map.of("status", "duplicate", "delivery", delivery));
            return;
        }
        String event = Optional.ofNullable(ctx.header(Webhooks.EVENT_HEADER)).orElse("");
        String handled = workplace == null
                ? "ignored: no GitHub App is configured"
                : dev.nightshift.github.GitHubEvents.parse(event, body)
                        .map(workplace::handle)
                        .orElse("ignored");
        if (handled.startsWith("failed")) {
            // GitHub shows the delivery as failed; a redelivery from the App's settings is handled again
            store.oneTimeValues().forgetDelivery(PROVIDER, delivery);
            throw new ApiException(
                    502,
                    "handling_failed",
                    "the " + event + " delivery could not be handled ("
                            + handled.substring(handled.indexOf(':') + 1).strip()
                            + "); redeliver it from the GitHub App's advanced settings once GitHub answers again");
        }
        if (!event.equals("pull_request")) {
            Json.respond(
                    ctx,
                    200,
                    Map.of(
                            "status",
                            handled.startsWith("ignored") ? "ignored" : "handled",
                            "event",
                            event,
                            "detail",
                            handled));
            return;
        }
        Optional<PullRequestEvent> parsed;
        try {
            parsed = Webhooks.parsePullRequest(body);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("the pull_request payload could not be read: " + e.getMessage());
        }
        int updated = parsed.map(this::apply).orElse(0);
        Json.respond(ctx, 200, Map.of("status", "applied", "artifactsUpdated", updated, "detail", handled));
    }

    /** Mirrors the pull request's state onto every session artifact for it, never moving backwards. */
    private int apply(PullRequestEvent event) {
        int updated = 0;
        for (Artifact artifact :
                store.artifacts().findByUrl("pr", event.htmlUrl().toString())) {
            for (int attempt = 0; attempt < 3; attempt++) {
                Artifact current = attempt == 0
                        ? artifact
                        : store.artifacts().list(artifact.sessionId()).stream()
                                .filter(a -> a.id().equals(artifact.id()))
                                .findFirst()
                                .orElse(artifact);
                JsonNode data = Json.tree(current.data());
                Instant storedAt = data.hasNonNull("updatedAt")
                        ? Instant.parse(data.get("updatedAt").asText())
                        : null;
                PullRequestState storedState = data.hasNonNull("state")
                        ? PullRequestState.valueOf(data.get("state").asText().toUpperCase(Locale.ROOT))
                        : null;
                if (!Webhooks.supersedes(storedAt, storedState, event.updatedAt(), event.state())) {
                    break;
                }
                Map<String, Object> next = new LinkedHashMap<>();
                next.put("number", event.number());
                next.put("state", event.state().name().toLowerCase(Locale.ROOT));
                next.put("draft", data.path("draft").asBoolean(false));
                next.put("updatedAt", event.updatedAt().toString());
                if (store.artifacts().replaceIfData(current.id(), current.data(), current.url(), Json.write(next))) {
                    Artifact written = new Artifact(
                            current.id(),
                            current.sessionId(),
                            current.type(),
                            current.url(),
                            Json.write(next),
                            current.createdAt());
                    log.append(current.sessionId(), null, EventPayload.Artifact.of(written));
                    updated++;
                    break;
                }
            }
        }
        return updated;
    }
}

package dev.nightshift.server.linear;

import dev.nightshift.core.Secrets;
import dev.nightshift.core.model.User;
import dev.nightshift.core.port.Store;
import dev.nightshift.linear.LinearException;
import dev.nightshift.linear.LinearOAuth;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.auth.SignInPage;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Connecting the deployment to Linear as an application, for administrators:
 * <ul>
 *   <li>{@code GET /api/linear/install} sends the browser to Linear's approval page (302; a client
 *       asking for JSON gets the URL instead, to navigate itself) with a single-use {@code state}
 *       stored hashed for ten minutes and bound to the administrator who asked;
 *   <li>{@code GET /linear/callback} is where Linear sends the browser back: the state is consumed
 *       before anything else (a forged, replayed or expired one is a 400 and changes nothing), the
 *       administrator is checked again, the code is exchanged and the tokens are stored sealed
 *       ({@link LinearInstallation}); the page says Linear is connected;
 *   <li>{@code GET /api/linear} says whether and how Linear is connected (never a token);
 *   <li>{@code DELETE /api/linear} forgets the installation and revokes it at Linear.
 * </ul>
 * None of them takes a body (more than {@value #MAX_BODY_BYTES} bytes is a 413). The {@code /api}
 * routes fall under the API rate limits; the callback under the sign-in limits ({@code /linear/*}).
 * Every step is audited ({@code linear.install*}, {@code linear.disconnect}). Runs on the server's
 * request threads.
 */
public final class LinearInstallRoutes {
    static final int MAX_BODY_BYTES = 1024;
    static final String STATE_PURPOSE = "linear-install";
    static final Duration STATE_TTL = Duration.ofMinutes(10);
    /** Where Linear sends the browser back; register {@code <public URL>/linear/callback} with the app. */
    public static final String CALLBACK_PATH = "/linear/callback";

    private final Store store;
    private final Authenticator auth;
    private final LinearInstallation installation;
    private final LinearOAuth oauth; // null: NIGHTSHIFT_LINEAR_CLIENT_ID is not set
    private final boolean webhookSecretSet;
    private final Supplier<String> publicUrl;
    private final Clock clock;

    public LinearInstallRoutes(
            Store store,
            Authenticator auth,
            LinearInstallation installation,
            LinearOAuth oauth,
            boolean webhookSecretSet,
            Supplier<String> publicUrl,
            Clock clock) {
        this.store = store;
        this.auth = auth;
        this.installation = installation;
        this.oauth = oauth;
        this.webhookSecretSet = webhookSecretSet;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.get("/api/linear", this::status);
        routes.delete("/api/linear", this::disconnect);
        routes.get("/api/linear/install", this::install);
        routes.get(CALLBACK_PATH, this::callback);
    }

    private URI redirect() {
        return URI.create(publicUrl.get() + CALLBACK_PATH);
    }

    private Caller admin(Context ctx) {
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        caller.requireAdmin("only administrators connect Nightshift to Linear or disconnect it");
        return caller;
    }

    private static void noBody(Context ctx) {
        if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES || ctx.bodyAsBytes().length > MAX_BODY_BYTES) {
            throw new ApiException(
                    413, "payload_too_large", "this request takes no body (at most " + MAX_BODY_BYTES + " bytes)");
        }
    }

    private LinearOAuth oauth() {
        if (oauth == null) {
            throw ApiException.notFound(
                    "installing the Linear app is not configured on this server: set NIGHTSHIFT_LINEAR_CLIENT_ID and "
                            + "NIGHTSHIFT_LINEAR_CLIENT_SECRET (the application's, from Linear's Settings → API)");
        }
        return oauth;
    }

    // --- GET /api/linear ---

    private void status(Context ctx) {
        admin(ctx);
        noBody(ctx);
        Optional<LinearInstallation.Status> status = installation.status();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("connected", status.isPresent());
        view.put(
                "method",
                status.map(s -> s.method() == LinearInstallation.Method.OAUTH ? "oauth" : "access_token")
                        .orElse(null));
        status.ifPresent(s -> {
            view.put("scopes", s.scopes());
            view.put("expiresAt", s.expiresAt());
            view.put("connectedAt", s.connectedAt());
            view.put("refreshable", s.refreshable());
        });
        view.put("installable", oauth != null);
        view.put("staticTokenSet", installation.staticTokenSet());
        view.put("callbackUrl", redirect().toString());
        view.put("webhookUrl", publicUrl.get() + "/webhooks/linear");
        view.put("webhookSecretSet", webhookSecretSet);
        ctx.header("Cache-Control", "no-store");
        Json.respond(ctx, 200, view);
    }

    // --- DELETE /api/linear ---

    private void disconnect(Context ctx) {
        Caller caller = admin(ctx);
        noBody(ctx);
        Optional<LinearInstallation.Opened> stored = installation.opened();
        if (stored.isEmpty()) {
            if (installation.staticTokenSet()) {
                throw ApiException.conflict(
                        "Linear is connected with NIGHTSHIFT_LINEAR_ACCESS_TOKEN: remove it from the "
                                + "configuration and restart, and revoke the token in Linear's Settings → API");
            }
            throw ApiException.notFound("Linear is not connected");
        }
        // forgotten first: from here on no call uses the installation, whatever Linear answers
        installation.forget();
        boolean revoked = false;
        String detail;
        if (oauth == null) {
            detail = "not revoked at Linear (NIGHTSHIFT_LINEAR_CLIENT_ID is not set): remove the application in "
                    + "Linear's Settings → Applications";
        } else {
            LinearInstallation.Opened tokens = stored.get();
            try {
                if (tokens.refreshToken() != null) {
                    oauth.revoke(tokens.refreshToken(), true);
                } else {
                    oauth.revoke(tokens.accessToken(), false);
                }
                revoked = true;
                detail = "revoked at Linear";
            } catch (LinearException e) {
                detail = "Linear did not revoke it (" + e.getMessage() + "): remove the application in Linear's "
                        + "Settings → Applications";
            }
        }
        audit(caller.userId(), "linear.disconnect", revoked ? "ok" : "partial", detail);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("disconnected", true);
        view.put("revokedAtLinear", revoked);
        view.put(
                "message",
                "Linear is disconnected: " + detail
                        + (installation.staticTokenSet() ? "; NIGHTSHIFT_LINEAR_ACCESS_TOKEN is used again" : ""));
        Json.respond(ctx, 200, view);
    }

    // --- GET /api/linear/install ---

    private void install(Context ctx) {
        Caller caller = admin(ctx);
        noBody(ctx);
        LinearOAuth client = oauth();
        String state = Secrets.newSecret("nsl");
        Instant expiresAt = clock.instant().plus(STATE_TTL);
        store.oneTimeValues().save(STATE_PURPOSE, Secrets.hash(state), caller.userId(), expiresAt);
        URI url = client.authorizeUrl(redirect(), state, LinearOAuth.APP_SCOPES);
        audit(caller.userId(), "linear.install_started", "ok", "to " + redirect());
        ctx.header("Cache-Control", "no-store");
        if (SignInPage.wantsJson(ctx)) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("url", url.toString());
            view.put("expiresAt", expiresAt);
            Json.respond(ctx, 200, view);
        } else {
            ctx.redirect(url.toString());
        }
    }

    // --- GET /linear/callback ---

    private void callback(Context ctx) {
        noBody(ctx);
        String state = ctx.queryParam("state");
        Optional<String> adminId = state == null || state.isBlank() || state.length() > 200
                ? Optional.empty()
                : store.oneTimeValues().consume(STATE_PURPOSE, Secrets.hash(state.strip()), clock.instant());
        if (adminId.isEmpty()) {
            audit(null, "linear.install", "refused", "unknown, used or expired state");
            refuse(
                    ctx,
                    ApiException.badRequest("this link to connect Linear is unknown, was already used or expired; "
                            + "start again from the Automations page (or GET /api/linear/install)"));
            return;
        }
        if (ctx.queryParam("error") != null) {
            String why = cut(ctx.queryParam("error"))
                    + Optional.ofNullable(ctx.queryParam("error_description"))
                            .map(d -> ": " + cut(d))
                            .orElse("");
            audit(adminId.get(), "linear.install", "refused", "Linear answered " + why);
            refuse(ctx, ApiException.badRequest("Linear did not install the app (" + why + "); start again"));
            return;
        }
        String code = ctx.queryParam("code");
        if (code == null || code.isBlank() || code.length() > 1000) {
            audit(adminId.get(), "linear.install", "refused", "no code");
            refuse(ctx, ApiException.badRequest("Linear's answer has no code; start again"));
            return;
        }
        Optional<User> admin = store.users().byId(adminId.get()).filter(u -> u.active() && u.admin());
        if (admin.isEmpty()) {
            audit(adminId.get(), "linear.install", "refused", "no longer an active administrator");
            refuse(ctx, ApiException.forbidden("only administrators connect Nightshift to Linear"));
            return;
        }
        LinearOAuth.Tokens tokens;
        try {
            tokens = oauth().exchange(code.strip(), redirect());
        } catch (LinearException e) {
            audit(admin.get().id(), "linear.install", "failed", e.getMessage());
            refuse(
                    ctx,
                    new ApiException(
                            502, "upstream", "Linear refused the installation: " + e.getMessage() + "; start again"));
            return;
        }
        installation.install(tokens);
        audit(
                admin.get().id(),
                "linear.install",
                "ok",
                "scopes " + String.join(",", tokens.scopes()) + ", expires " + tokens.expiresAt());
        if (SignInPage.wantsJson(ctx)) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("connected", true);
            view.put("method", "oauth");
            view.put("scopes", tokens.scopes());
            view.put("expiresAt", tokens.expiresAt());
            Json.respond(ctx, 200, view);
            return;
        }
        page(
                ctx,
                200,
                "Linear is connected",
                "Nightshift now acts in Linear as its application"
                        + (tokens.scopes().isEmpty() ? "" : " (" + String.join(", ", tokens.scopes()) + ")")
                        + ". Issues assigned or delegated to it start sessions"
                        + (webhookSecretSet
                                ? "."
                                : " once its webhook is set up: NIGHTSHIFT_LINEAR_WEBHOOK_SECRET is still empty."));
    }

    /** A refusal: the API's JSON error for a script, a small page in words for a browser. */
    private static void refuse(Context ctx, ApiException e) {
        if (SignInPage.wantsJson(ctx)) {
            throw e;
        }
        page(ctx, e.status(), "Linear was not connected", e.getMessage());
    }

    private static void page(Context ctx, int status, String title, String message) {
        SignInPage.page(ctx, status, title, message, "/automations");
    }

    private void audit(String userId, String action, String outcome, String detail) {
        store.audit().record(userId, null, action, LinearInstallation.HOST, outcome, detail, clock.instant());
    }

    /** At most 200 characters of what a client sent. */
    private static String cut(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200) + "…";
    }
}

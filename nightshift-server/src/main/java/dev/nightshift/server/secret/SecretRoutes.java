package dev.nightshift.server.secret;

import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.SecretRules;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.secret.Delivery;
import dev.nightshift.core.secret.StoredSecret;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The vault over the API. Deployment and repository secrets are administrators' (a token with the
 * {@code admin} scope); a user secret belongs to one person (a token with {@code account}) and
 * applies to the sessions they start. No route ever answers with a value; every change is
 * audited (name and scope, never the value). Handlers run on the server's virtual threads.
 */
public final class SecretRoutes {
    /** The largest request body: a 16 KiB value, JSON-escaped, and the rest. */
    static final int MAX_BODY_CHARS = 128 * 1024;

    static final String ENV_WARNING = "delivery 'env' puts the real value into the sandbox's environment, where "
            + "the agent (or anything it runs) can read, print or send it; use 'egress' unless the tool "
            + "cannot go through the proxy";

    private final Store store;
    private final Vault vault;
    private final Authenticator auth;
    private final Clock clock;

    public SecretRoutes(Store store, Vault vault, Authenticator auth, Clock clock) {
        this.store = store;
        this.vault = vault;
        this.auth = auth;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.get("/api/secrets", this::list);
        routes.post("/api/secrets", this::create);
        routes.put("/api/secrets/{id}", this::update);
        routes.delete("/api/secrets/{id}", this::delete);
    }

    /** Where a secret applies: nothing (the deployment), a repository pattern, or {@code user: true}. */
    public record ScopeRequest(String repository, Boolean user) {}

    /** {@code POST /api/secrets}. */
    public record CreateSecret(
            String name,
            String value,
            String delivery,
            List<String> hosts,
            List<String> methods,
            List<String> pathPrefixes,
            List<String> headers,
            List<String> queryParams,
            ScopeRequest scope) {}

    /** {@code PUT /api/secrets/{id}}: what is given changes; {@code version}, when given, must be the stored one. */
    public record UpdateSecret(
            String name,
            String value,
            String delivery,
            List<String> hosts,
            List<String> methods,
            List<String> pathPrefixes,
            List<String> headers,
            List<String> queryParams,
            ScopeRequest scope,
            Long version) {}

    private void list(Context ctx) {
        Caller caller = person(ctx);
        boolean admin = caller.admin();
        Map<String, String> logins = new HashMap<>();
        List<Map<String, Object>> views = vault.list().stream()
                .filter(s -> admin || s.scope() != StoredSecret.Kind.USER || mine(caller, s))
                .map(s -> admin || mine(caller, s) ? view(s, logins) : nameOnly(s))
                .toList();
        Json.respond(ctx, 200, Map.of("secrets", views));
    }

    private void create(Context ctx) {
        Caller caller = person(ctx);
        CreateSecret request = Json.read(body(ctx), CreateSecret.class);
        Vault.Scope scope = scope(caller, request.scope());
        mayManage(caller, scope);
        StoredSecret stored = vault.create(
                scope,
                new SecretRules.Draft(
                        request.name(),
                        request.value(),
                        delivery(request.delivery()),
                        request.hosts(),
                        request.methods(),
                        request.pathPrefixes(),
                        request.headers(),
                        request.queryParams()),
                caller.userId());
        audit(caller, "secret.create", stored);
        Json.respond(ctx, 201, withWarning(view(stored, new HashMap<>())));
    }

    private void update(Context ctx) {
        Caller caller = person(ctx);
        StoredSecret current = visible(caller, ctx.pathParam("id"));
        UpdateSecret request = Json.read(body(ctx), UpdateSecret.class);
        if ((request.name() != null && !request.name().equals(current.name())) || request.scope() != null) {
            throw ApiException.badRequest("a secret's name and scope cannot change; create a new secret "
                    + "(POST /api/secrets) and delete this one");
        }
        StoredSecret updated = vault.update(
                current.id(),
                request.version(),
                new Vault.Change(
                        request.value(),
                        request.delivery() == null ? null : delivery(request.delivery()),
                        request.hosts(),
                        request.methods(),
                        request.pathPrefixes(),
                        request.headers(),
                        request.queryParams()),
                caller.userId());
        audit(caller, request.value() != null ? "secret.rotate" : "secret.update", updated);
        Json.respond(ctx, 200, withWarning(view(updated, new HashMap<>())));
    }

    private void delete(Context ctx) {
        Caller caller = person(ctx);
        StoredSecret current = visible(caller, ctx.pathParam("id"));
        if (!vault.delete(current.id())) {
            throw ApiException.notFound("no secret '" + current.id() + "'; list them with GET /api/secrets");
        }
        audit(caller, "secret.delete", current);
        ctx.status(204);
    }

    /** A person (no share link) with a token that may manage their account, or an administrator's. */
    private Caller person(Context ctx) {
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        if (caller.isShareLink()) {
            throw ApiException.forbidden("a share link cannot manage secrets; sign in with your own token");
        }
        if (!caller.admin()) {
            caller.require(Scope.ACCOUNT);
        }
        return caller;
    }

    /** The secret, if the caller may change it: their own user secret, or any one for an administrator. */
    private StoredSecret visible(Caller caller, String id) {
        Optional<StoredSecret> found = vault.find(id);
        if (found.isEmpty() || (!mine(caller, found.get()) && !caller.user().admin())) {
            throw ApiException.notFound("no secret '" + id + "' of yours; list them with GET /api/secrets");
        }
        StoredSecret secret = found.get();
        if (!mine(caller, secret)) {
            mayManage(caller, new Vault.Scope(secret.scope(), secret.scopeKey()));
        }
        return secret;
    }

    private static boolean mine(Caller caller, StoredSecret s) {
        return s.scope() == StoredSecret.Kind.USER && s.scopeKey().equals(caller.userId());
    }

    private static void mayManage(Caller caller, Vault.Scope scope) {
        if (scope.kind() == StoredSecret.Kind.USER && scope.key().equals(caller.userId())) {
            caller.require(Scope.ACCOUNT);
            return;
        }
        caller.requireAdmin("only administrators manage secrets for " + Vault.describe(scope)
                + "; store it as your own with \"scope\":{\"user\":true}");
    }

    private static Vault.Scope scope(Caller caller, ScopeRequest request) {
        if (request == null || (request.repository() == null && !Boolean.TRUE.equals(request.user()))) {
            return Vault.Scope.DEPLOYMENT;
        }
        if (request.repository() != null && Boolean.TRUE.equals(request.user())) {
            throw ApiException.badRequest("'scope' is either {\"repository\": pattern} or {\"user\": true}, not both");
        }
        if (Boolean.TRUE.equals(request.user())) {
            return new Vault.Scope(StoredSecret.Kind.USER, caller.userId());
        }
        SecretRules.checkRepositoryPattern(request.repository()).ifPresent(rule -> {
            throw ApiException.badRequest(rule);
        });
        return new Vault.Scope(
                StoredSecret.Kind.REPOSITORY, request.repository().strip());
    }

    private static Delivery delivery(String wire) {
        if (wire == null) {
            return Delivery.EGRESS;
        }
        try {
            return Delivery.fromWire(wire);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'delivery' " + e.getMessage());
        }
    }

    private static String body(Context ctx) {
        String body = ctx.body();
        if (body.length() > MAX_BODY_CHARS) {
            throw new ApiException(
                    413,
                    "payload_too_large",
                    "the request is larger than " + MAX_BODY_CHARS / 1024
                            + " KiB; a secret's value has at most 16 KiB");
        }
        return body;
    }

    private void audit(Caller caller, String action, StoredSecret s) {
        store.audit()
                .record(
                        caller.userId(),
                        null,
                        action,
                        s.scope().wire() + ":" + s.scopeKey() + ":" + s.name(),
                        "ok",
                        s.delivery().wire() + " v" + s.version(),
                        clock.instant());
    }

    private static Map<String, Object> withWarning(Map<String, Object> view) {
        if (Delivery.ENV.wire().equals(view.get("delivery"))) {
            view.put("warning", ENV_WARNING);
        }
        return view;
    }

    /** Everything but the value. */
    private Map<String, Object> view(StoredSecret s, Map<String, String> logins) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", s.id());
        view.put("name", s.name());
        view.put("delivery", s.delivery().wire());
        view.put("hosts", s.hosts());
        view.put("methods", s.methods());
        view.put("pathPrefixes", s.pathPrefixes());
        view.put("headers", s.headers());
        view.put("queryParams", s.queryParams());
        view.put("scope", scopeView(s, logins));
        view.put("createdBy", login(s.createdBy(), logins));
        view.put("createdAt", s.createdAt());
        view.put("updatedBy", login(s.updatedBy(), logins));
        view.put("updatedAt", s.updatedAt());
        view.put("version", s.version());
        return view;
    }

    /** What a person who is no administrator may know of a deployment or repository secret. */
    private static Map<String, Object> nameOnly(StoredSecret s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", s.name());
        view.put("scope", scopeView(s, null));
        return view;
    }

    private static Map<String, Object> scopeView(StoredSecret s, Map<String, String> logins) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("kind", s.scope().wire());
        switch (s.scope()) {
            case REPOSITORY -> scope.put("repository", s.scopeKey());
            case USER -> {
                if (logins != null) {
                    scope.put("user", s.scopeKey());
                }
            }
            case DEPLOYMENT -> {}
        }
        return scope;
    }

    private String login(String userId, Map<String, String> logins) {
        if (userId == null) {
            return null;
        }
        return logins.computeIfAbsent(
                userId, id -> store.users().byId(id).map(User::login).orElse(id));
    }
}

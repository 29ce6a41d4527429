package dev.nightshift.server.api;

import dev.nightshift.core.model.AuditEntry;
import dev.nightshift.core.model.Identity;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.User;
import dev.nightshift.core.port.AuditQuery;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.StoreException;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.auth.IdentityLinks;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.http.Views;
import dev.nightshift.server.live.LiveAccess;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * People and their accounts: linked identities (your own, and an administrator's view of
 * everyone's), administrators' changes to users (administration, deactivation), and the audit log
 * (administrators only: filters, paging, a JSON-lines export). Every change is audited.
 */
public final class AccountRoutes {
    static final int MAX_AUDIT_PAGE = 500;
    static final int DEFAULT_AUDIT_PAGE = 100;

    private final Store store;
    private final Authenticator auth;
    private final LiveAccess live;
    private final Supplier<String> publicUrl;
    private final Function<String, String> loginPath;
    private final Clock clock;

    /**
     * @param loginPath the sign-in path of a configured provider ({@code github}, {@code oidc:<name>}), null for
     *     an unknown or unconfigured one
     */
    public AccountRoutes(
            Store store,
            Authenticator auth,
            LiveAccess live,
            Supplier<String> publicUrl,
            Function<String, String> loginPath,
            Clock clock) {
        this.store = store;
        this.auth = auth;
        this.live = live;
        this.publicUrl = publicUrl;
        this.loginPath = loginPath;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.get("/api/me/identities", this::myIdentities);
        routes.post("/api/me/identities/link", this::startLink);
        routes.delete("/api/me/identities/{identityId}", this::unlinkMine);
        routes.patch("/api/users/{login}", this::updateUser);
        routes.get("/api/users/{login}/identities", this::identitiesOf);
        routes.put("/api/users/{login}/identities", this::linkFor);
        routes.delete("/api/users/{login}/identities/{identityId}", this::unlinkFor);
        routes.get("/api/audit", this::audit);
        routes.get("/api/audit/export", this::export);
    }

    private Caller person(Context ctx) {
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        if (caller.isShareLink()) {
            throw ApiException.forbidden("a share link has no account; sign in with your own token");
        }
        caller.require(Scope.ACCOUNT);
        return caller;
    }

    private Caller admin(Context ctx) {
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        caller.requireAdmin("this is for administrators");
        return caller;
    }

    // -- your own identities ---------------------------------------------------------------

    private void myIdentities(Context ctx) {
        Caller caller = person(ctx);
        Json.respond(
                ctx,
                200,
                Map.of(
                        "identities",
                        store.identities().forUser(caller.userId()).stream()
                                .map(Views::identity)
                                .toList()));
    }

    private void startLink(Context ctx) {
        Caller caller = person(ctx);
        var request = Json.read(ctx.body(), Requests.StartLink.class);
        String provider = request.provider() == null ? "" : request.provider();
        String path = loginPath.apply(provider);
        if (path == null) {
            throw ApiException.badRequest(
                    "'provider' must be a sign-in provider this server has configured (see GET /auth/providers), got '"
                            + provider + "'");
        }
        String secret = IdentityLinks.create(store, caller.userId(), provider, clock);
        ctx.header("Cache-Control", "no-store");
        Json.respond(
                ctx,
                201,
                Map.of(
                        "url",
                        publicUrl.get() + path + "?link=" + secret,
                        "message",
                        "open this URL in your browser within 10 minutes to link your " + provider + " account"));
    }

    private void unlinkMine(Context ctx) {
        Caller caller = person(ctx);
        unlink(caller, caller.user(), ctx.pathParam("identityId"));
        ctx.status(204);
    }

    // -- administrators --------------------------------------------------------------------

    private User userByLogin(String login) {
        return store.users().byLogin(login).orElseThrow(() -> ApiException.notFound("no user " + login));
    }

    private void updateUser(Context ctx) {
        Caller caller = admin(ctx);
        User user = userByLogin(ctx.pathParam("login"));
        var request = Json.read(ctx.body(), Requests.UpdateUser.class);
        if (request.admin() == null && request.active() == null) {
            throw ApiException.badRequest("send 'admin' (true or false) and/or 'active' (true or false)");
        }
        if (user.id().equals(caller.userId())
                && (Boolean.FALSE.equals(request.admin()) || Boolean.FALSE.equals(request.active()))) {
            throw ApiException.conflict(
                    "you cannot remove your own administration or deactivate yourself; ask another administrator");
        }
        Instant now = clock.instant();
        if (request.admin() != null && request.admin() != user.admin()) {
            store.users().setAdmin(user.id(), request.admin());
            store.audit()
                    .record(
                            caller.userId(),
                            null,
                            "user.admin",
                            user.login(),
                            "ok",
                            request.admin() ? "granted" : "removed",
                            now);
        }
        if (request.active() != null && request.active() != user.active()) {
            if (request.active()) {
                store.users().setDeactivated(user.id(), null);
                store.audit().record(caller.userId(), null, "user.reactivate", user.login(), "ok", null, now);
            } else {
                // the account first, so no request authenticates after this; then every token, then open streams
                store.users().setDeactivated(user.id(), now);
                int revoked = store.tokens().revokeAllForUser(user.id(), now);
                int closed = live.userChanged(user.id());
                store.audit()
                        .record(
                                caller.userId(),
                                null,
                                "user.deactivate",
                                user.login(),
                                "ok",
                                revoked + " tokens revoked, " + closed
                                        + (closed == 1 ? " live connection" : " live connections") + " closed",
                                now);
            }
        }
        if (Boolean.FALSE.equals(request.admin())) {
            live.userChanged(user.id()); // sessions seen only as an administrator must not stay open
        }
        Json.respond(
                ctx,
                200,
                Map.of("user", Views.user(store.users().byId(user.id()).orElseThrow())));
    }

    private void identitiesOf(Context ctx) {
        admin(ctx);
        User user = userByLogin(ctx.pathParam("login"));
        Json.respond(
                ctx,
                200,
                Map.of(
                        "identities",
                        store.identities().forUser(user.id()).stream()
                                .map(Views::identity)
                                .toList()));
    }

    private void linkFor(Context ctx) {
        Caller caller = admin(ctx);
        User user = userByLogin(ctx.pathParam("login"));
        var request = Json.read(ctx.body(), Requests.LinkIdentity.class);
        String kind = required("kind", request.kind(), 20);
        if (!List.of("github", "oidc", "slack", "linear").contains(kind)) {
            throw ApiException.badRequest("'kind' must be github, oidc, slack or linear");
        }
        String issuer = required("issuer", request.issuer(), 500);
        String subject = required("subject", request.subject(), 255);
        if (request.login() != null && request.login().length() > 200) {
            throw ApiException.badRequest("'login' is longer than 200 characters");
        }
        Identity identity;
        try {
            identity =
                    store.identities().link(user.id(), kind, issuer, subject, request.login(), null, clock.instant());
        } catch (StoreException e) {
            store.audit()
                    .record(
                            caller.userId(),
                            null,
                            "identity.link",
                            kind + " " + issuer + " " + subject,
                            "refused",
                            "already linked; for " + user.login(),
                            clock.instant());
            throw ApiException.conflict("this " + kind + " account is already linked to a user; unlink it there first");
        }
        store.audit()
                .record(
                        caller.userId(),
                        null,
                        "identity.link",
                        kind + " " + issuer + " " + subject,
                        "ok",
                        "linked to " + user.login() + " by an administrator",
                        clock.instant());
        Json.respond(ctx, 201, Views.identity(identity));
    }

    private void unlinkFor(Context ctx) {
        Caller caller = admin(ctx);
        unlink(caller, userByLogin(ctx.pathParam("login")), ctx.pathParam("identityId"));
        ctx.status(204);
    }

    private void unlink(Caller caller, User owner, String identityId) {
        Identity identity = store.identities().forUser(owner.id()).stream()
                .filter(i -> i.id().equals(identityId))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound(owner.login() + " has no linked identity " + identityId));
        store.identities().unlink(owner.id(), identityId);
        store.audit()
                .record(
                        caller.userId(),
                        null,
                        "identity.unlink",
                        identity.kind() + " " + identity.issuer() + " " + identity.subject(),
                        "ok",
                        "from " + owner.login(),
                        clock.instant());
    }

    // -- the audit log -----------------------------------------------------------------------

    private AuditQuery query(Context ctx, int limit) {
        String actor = ctx.queryParam("actor");
        String userId = null;
        if (actor != null) {
            userId = store.users()
                    .byLogin(actor)
                    .map(User::id)
                    .orElseThrow(() -> ApiException.badRequest("no user '" + actor + "' (actor is a login)"));
        }
        Instant since = null;
        if (ctx.queryParam("since") != null) {
            try {
                since = Instant.parse(ctx.queryParam("since"));
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("'since' must be an ISO-8601 instant like 2026-12-01T00:00:00Z");
            }
        }
        String action = ctx.queryParam("action");
        if (action != null && action.length() > 64) {
            throw ApiException.badRequest("'action' is longer than 64 characters");
        }
        return new AuditQuery(userId, ctx.queryParam("session"), action, since, ctx.queryParam("before"), limit);
    }

    private void audit(Context ctx) {
        admin(ctx);
        int limit = limit(ctx.queryParam("limit"));
        // one look-ahead row tells whether another page exists
        List<AuditEntry> entries = store.audit().list(query(ctx, limit + 1));
        boolean more = entries.size() > limit;
        List<AuditEntry> page = more ? entries.subList(0, limit) : entries;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", page);
        body.put("hasMore", more);
        if (more) {
            body.put("next", page.getLast().id());
        }
        Json.respond(ctx, 200, body);
    }

    /** Every matching entry as JSON lines, newest first, read page by page so memory stays flat. */
    private void export(Context ctx) throws IOException {
        admin(ctx);
        AuditQuery first = query(ctx, MAX_AUDIT_PAGE);
        ctx.status(200).contentType("application/x-ndjson");
        ctx.header("Content-Disposition", "attachment; filename=\"nightshift-audit.jsonl\"");
        ctx.header("Cache-Control", "no-store");
        OutputStream out = ctx.res().getOutputStream();
        AuditQuery q = first;
        while (true) {
            List<AuditEntry> page = store.audit().list(q);
            for (AuditEntry e : page) {
                out.write((Json.write(e) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (page.size() < q.limit()) {
                break;
            }
            q = new AuditQuery(
                    q.userId(),
                    q.sessionId(),
                    q.action(),
                    q.since(),
                    page.getLast().id(),
                    q.limit());
        }
        out.flush();
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_AUDIT_PAGE;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_AUDIT_PAGE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("'limit' must be a number from 1 to " + MAX_AUDIT_PAGE);
    }

    private static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        if (value.length() > max) {
            throw ApiException.badRequest("'" + field + "' is longer than " + max + " characters");
        }
        return value.trim();
    }
}

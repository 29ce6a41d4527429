package dev.nightshift.server.api;

import dev.nightshift.core.Secrets;
import dev.nightshift.core.model.Attachment;
import dev.nightshift.core.model.Role;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.TokenKind;
import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.policy.HistoryPaging;
import dev.nightshift.core.policy.TokenScopes;
import dev.nightshift.core.port.EnqueueResult;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.SessionQuery;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.StoreException;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.http.Views;
import dev.nightshift.server.live.LiveAccess;
import dev.nightshift.server.session.Attachments;
import dev.nightshift.server.session.SessionService;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** The JSON API under {@code /api}: sessions, prompts, events, artifacts, participants, tokens, users. */
public final class ApiRoutes {
    private static final int MAX_SESSION_PAGE = 200;
    private static final int DEFAULT_SESSION_PAGE = 50;
    private static final int MAX_TOKEN_DAYS = 3650;
    static final String SHARE_LINK_REFUSED = "a share link can only watch its own session";
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Store store;
    private final SessionService sessions;
    private final Authenticator auth;
    private final Clock clock;
    private final Supplier<String> publicUrl;
    private final LiveAccess live;
    private final Attachments attachments;

    /**
     * @param publicUrl the server's base URL, known only once it listens
     * @param live the open streams, closed when the access that opened them is withdrawn
     * @param attachments prompts' files: checked and stored when sent, served to the session's readers
     */
    public ApiRoutes(
            Store store,
            SessionService sessions,
            Authenticator auth,
            Clock clock,
            Supplier<String> publicUrl,
            LiveAccess live,
            Attachments attachments) {
        this.live = live;
        this.attachments = attachments;
        this.store = store;
        this.sessions = sessions;
        this.auth = auth;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    public void register(RouteTable routes) {
        routes.get("/api/me", this::me);
        routes.post("/api/sessions", this::createSession);
        routes.get("/api/sessions", this::listSessions);
        routes.get("/api/sessions/{id}", this::getSession);
        routes.post("/api/sessions/{id}/archive", this::archive);
        routes.post("/api/sessions/{id}/prompts", this::prompt);
        routes.get("/api/sessions/{id}/prompts", this::queue);
        routes.delete("/api/sessions/{id}/prompts/{messageId}", this::cancelPrompt);
        routes.get("/api/sessions/{id}/attachments/{attachmentId}", this::attachment);
        routes.post("/api/sessions/{id}/stop", this::stop);
        routes.get("/api/sessions/{id}/events", this::events);
        routes.get("/api/sessions/{id}/artifacts", this::artifacts);
        routes.get("/api/sessions/{id}/participants", this::participants);
        routes.put("/api/sessions/{id}/participants/{login}", this::setParticipant);
        routes.delete("/api/sessions/{id}/participants/{login}", this::removeParticipant);
        routes.post("/api/sessions/{id}/share-links", this::createShareLink);
        routes.get("/api/sessions/{id}/share-links", this::listShareLinks);
        routes.delete("/api/sessions/{id}/share-links/{tokenId}", this::revokeShareLink);
        routes.post("/api/sessions/{id}/live-token", this::liveToken);
        routes.post("/api/tokens", this::createToken);
        routes.get("/api/tokens", this::listTokens);
        routes.delete("/api/tokens/{tokenId}", this::revokeToken);
        routes.post("/api/users", this::createUser);
        routes.get("/api/users", this::listUsers);
    }

    private Caller caller(Context ctx) {
        return auth.fromHeader(ctx.header("Authorization"));
    }

    private void me(Context ctx) {
        Caller caller = caller(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", caller.user() == null ? null : Views.user(caller.user()));
        body.put("tokenKind", caller.token().kind().wire());
        body.put("scopes", Scope.wires(caller.token().scopes()));
        if (caller.token().expiresAt() != null) {
            body.put("tokenExpiresAt", caller.token().expiresAt());
        }
        if (caller.token().sessionId() != null) {
            body.put("sessionId", caller.token().sessionId());
        }
        Json.respond(ctx, 200, body);
    }

    private void createSession(Context ctx) {
        Caller caller = caller(ctx);
        var request = Json.read(ctx.body(), Requests.CreateSession.class);
        var session = sessions.create(caller, request, source(ctx));
        Json.respond(ctx, 201, Views.session(session, Role.OWNER.wire()));
    }

    /**
     * The surface a client says it is. Only the clients that speak for a person with their own token
     * may be claimed; the integrations (Slack, GitHub, schedules …) run inside the server and set
     * their source directly, so a client claiming one is refused rather than believed.
     */
    static Source source(Context ctx) {
        return dev.nightshift.server.http.ClientSource.of(ctx.header(dev.nightshift.server.http.ClientSource.HEADER));
    }

    private void listSessions(Context ctx) {
        Caller caller = caller(ctx);
        if (caller.isShareLink()) {
            throw ApiException.forbidden(SHARE_LINK_REFUSED);
        }
        caller.require(Scope.SESSIONS_READ);
        int limit = intParam(ctx, "limit", DEFAULT_SESSION_PAGE, 1, MAX_SESSION_PAGE);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        boolean mine = booleanParam(ctx, "mine");
        SessionStatus status = null;
        if (ctx.queryParam("status") != null) {
            try {
                status = SessionStatus.fromWire(ctx.queryParam("status"));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("status " + e.getMessage());
            }
        }
        // admins see every session (and so does everyone where the deployment says so); others the sessions they take
        // part in
        String visibleTo = caller.admin() || sessions.everyoneSees() ? null : caller.userId();
        Page<dev.nightshift.core.model.Session> page = store.sessions()
                .list(new SessionQuery(
                        visibleTo, mine ? caller.userId() : null, status, ctx.queryParam("repository"), offset, limit));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "sessions",
                page.items().stream().map(s -> Views.session(s, null)).toList());
        body.put("hasMore", page.hasMore());
        body.put("offset", offset);
        body.put("limit", limit);
        Json.respond(ctx, 200, body);
    }

    private void getSession(Context ctx) {
        var access = sessions.require(caller(ctx), ctx.pathParam("id"), Access.Action.READ);
        Json.respond(ctx, 200, Views.session(access.session(), access.role().wire()));
    }

    private void archive(Context ctx) {
        var session = sessions.archive(caller(ctx), ctx.pathParam("id"));
        Json.respond(ctx, 200, Views.session(session, null));
    }

    private void prompt(Context ctx) {
        Caller caller = caller(ctx);
        String id = ctx.pathParam("id");
        EnqueueResult.Accepted accepted;
        if (PromptForm.isMultipart(ctx)) {
            // a viewer (and an unknown id) is refused before the upload is read
            sessions.require(caller, id, Access.Action.PROMPT);
            Source source = source(ctx);
            PromptForm.Parsed form =
                    PromptForm.read(ctx, attachments.limits(), sessions.limits().maxPromptChars());
            accepted = sessions.prompt(
                    caller,
                    id,
                    form.prompt(),
                    source,
                    dev.nightshift.core.Ids.newId("msg"),
                    () -> attachments.accept(form.uploads()));
        } else {
            sessions.require(caller, id, Access.Action.READ); // 404 before parsing, so unknown ids say so
            var request = Json.read(ctx.body(), Requests.Prompt.class);
            accepted = sessions.prompt(caller, id, request, source(ctx));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messageId", accepted.message().id());
        body.put("position", accepted.position());
        body.put("status", accepted.message().status().wire());
        body.put("created", accepted.created());
        body.put(
                "attachments",
                attachments.forMessage(accepted.message().id()).stream()
                        .map(Views::attachment)
                        .toList());
        Json.respond(ctx, 202, body);
    }

    /**
     * One attachment's content, for the session's readers. Served so that a browser can never run
     * it: the stored type (an image, or plain text), {@code nosniff}, a sandboxing CSP that allows
     * nothing, and only images inline (text is a download).
     */
    private void attachment(Context ctx) {
        String id = ctx.pathParam("id");
        sessions.require(caller(ctx), id, Access.Action.READ);
        String attachmentId = ctx.pathParam("attachmentId");
        Attachment attachment = attachments
                .find(id, attachmentId)
                .orElseThrow(() -> ApiException.notFound("no attachment " + attachmentId + " in session " + id));
        java.io.InputStream content;
        try {
            content = attachments
                    .open(attachment)
                    .orElseThrow(() -> ApiException.notFound(
                            "the content of " + attachment.name() + " is no longer stored on this server"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String etag = "\"" + attachment.sha256() + "\"";
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Cache-Control", "private, max-age=86400, immutable");
        ctx.header("ETag", etag);
        ctx.header(
                "Content-Disposition",
                (attachment.image() ? "inline" : "attachment") + "; " + contentDispositionName(attachment.name()));
        if (etag.equals(ctx.header("If-None-Match"))) {
            closeQuietly(content);
            ctx.status(304);
            return;
        }
        ctx.contentType(attachment.image() ? attachment.mediaType() : "text/plain; charset=utf-8");
        ctx.header("Content-Length", Long.toString(attachment.size()));
        ctx.status(200).result(content);
    }

    /** {@code filename="ascii"; filename*=UTF-8''percent-encoded} (RFC 6266). */
    static String contentDispositionName(String name) {
        StringBuilder ascii = new StringBuilder();
        name.chars().forEach(c -> ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char) c : '_'));
        String encoded = java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
        return "filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    private static void closeQuietly(java.io.InputStream in) {
        try {
            in.close();
        } catch (java.io.IOException e) {
            // nothing was read from it
        }
    }

    private void queue(Context ctx) {
        String id = ctx.pathParam("id");
        sessions.require(caller(ctx), id, Access.Action.READ);
        Json.respond(
                ctx,
                200,
                Map.of("queue", sessions.queue(id).stream().map(Views::message).toList()));
    }

    private void cancelPrompt(Context ctx) {
        sessions.cancelPrompt(caller(ctx), ctx.pathParam("id"), ctx.pathParam("messageId"));
        Json.respond(ctx, 200, Map.of("messageId", ctx.pathParam("messageId"), "status", "cancelled"));
    }

    private void stop(Context ctx) {
        var stopped = sessions.stop(caller(ctx), ctx.pathParam("id"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("stopped", stopped.isPresent());
        stopped.ifPresent(m -> body.put("messageId", m));
        Json.respond(ctx, 202, body);
    }

    private void events(Context ctx) {
        String id = ctx.pathParam("id");
        sessions.require(caller(ctx), id, Access.Action.READ);
        String after = ctx.queryParam("after");
        String before = ctx.queryParam("before");
        if (after != null && before != null) {
            throw ApiException.badRequest("use either 'after' (page forwards) or 'before' (page backwards), not both");
        }
        int limit;
        try {
            limit = HistoryPaging.limit(optionalInt(ctx, "limit"), sessions.limits());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        var page = before != null
                ? store.events().before(id, longParam("before", before), limit)
                : store.events().after(id, after == null ? 0 : longParam("after", after), limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", page.items().stream().map(Views::event).toList());
        body.put("hasMore", page.hasMore());
        Json.respond(ctx, 200, body);
    }

    private void artifacts(Context ctx) {
        String id = ctx.pathParam("id");
        sessions.require(caller(ctx), id, Access.Action.READ);
        Json.respond(
                ctx,
                200,
                Map.of(
                        "artifacts",
                        store.artifacts().list(id).stream().map(Views::artifact).toList()));
    }

    private void participants(Context ctx) {
        String id = ctx.pathParam("id");
        Caller caller = caller(ctx);
        sessions.require(caller, id, Access.Action.READ);
        requireUser(caller); // a share link sees who is here in the live stream, not the member list
        Json.respond(
                ctx,
                200,
                Map.of(
                        "participants",
                        store.sessions().participants(id).stream()
                                .map(Views::participant)
                                .toList()));
    }

    private void setParticipant(Context ctx) {
        String id = ctx.pathParam("id");
        Caller caller = caller(ctx);
        var access = sessions.require(caller, id, Access.Action.MANAGE);
        User user = userByLogin(ctx.pathParam("login"));
        var request = Json.read(ctx.body(), Requests.SetRole.class);
        Role role;
        try {
            role = Role.fromWire(request.role());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("role " + e.getMessage());
        }
        if (user.id().equals(access.session().creatorId()) && role != Role.OWNER) {
            throw ApiException.conflict("the session's creator stays its owner");
        }
        store.sessions().upsertParticipant(id, user.id(), role, clock.instant());
        store.audit().record(caller.userId(), id, "participant.set", user.login(), "ok", role.wire(), clock.instant());
        live.participantChanged(
                id, user.id()); // a viewer made from a member keeps watching; nobody keeps more than they have
        Json.respond(ctx, 200, Map.of("userId", user.id(), "login", user.login(), "role", role.wire()));
    }

    private void removeParticipant(Context ctx) {
        String id = ctx.pathParam("id");
        Caller caller = caller(ctx);
        var access = sessions.require(caller, id, Access.Action.MANAGE);
        User user = userByLogin(ctx.pathParam("login"));
        if (user.id().equals(access.session().creatorId())) {
            throw ApiException.conflict("the session's creator cannot be removed");
        }
        if (!store.sessions().removeParticipant(id, user.id())) {
            throw ApiException.notFound(user.login() + " is not a participant of session " + id);
        }
        int closed = live.participantChanged(id, user.id());
        store.audit()
                .record(caller.userId(), id, "participant.remove", user.login(), "ok", closed(closed), clock.instant());
        ctx.status(204);
    }

    /** The audit detail of a withdrawal: how many open streams it closed (before the request answered). */
    private static String closed(int streams) {
        return streams + (streams == 1 ? " live connection" : " live connections") + " closed";
    }

    private User userByLogin(String login) {
        return store.users().byLogin(login).orElseThrow(() -> ApiException.notFound("no user " + login));
    }

    private void createShareLink(Context ctx) {
        Caller caller = caller(ctx);
        String id = ctx.pathParam("id");
        sessions.require(caller, id, Access.Action.MANAGE);
        var request = ctx.body().isBlank()
                ? new Requests.CreateShareLink(null)
                : Json.read(ctx.body(), Requests.CreateShareLink.class);
        String secret = Secrets.newSecret("nss");
        Token token = store.tokens()
                .create(TokenKind.SHARE, null, tokenName(request.name(), "share link"), id, Secrets.hash(secret), null);
        store.audit().record(caller.userId(), id, "share_link.create", token.id(), "ok", token.name(), clock.instant());
        Json.respondSecret(ctx, 201, Views.NewTokenView.of(token, secret, publicUrl.get() + "/s/" + secret));
    }

    private void listShareLinks(Context ctx) {
        String id = ctx.pathParam("id");
        sessions.require(caller(ctx), id, Access.Action.MANAGE);
        Json.respond(
                ctx,
                200,
                Map.of(
                        "shareLinks",
                        store.tokens().listForSession(id, TokenKind.SHARE).stream()
                                .map(Views::token)
                                .toList()));
    }

    private void revokeShareLink(Context ctx) {
        String id = ctx.pathParam("id");
        Caller caller = caller(ctx);
        sessions.require(caller, id, Access.Action.MANAGE);
        String tokenId = ctx.pathParam("tokenId");
        boolean ours =
                store.tokens().listForSession(id, TokenKind.SHARE).stream().anyMatch(t -> t.id().equals(tokenId));
        if (!ours || !store.tokens().revoke(tokenId, clock.instant())) {
            throw ApiException.notFound("no share link " + tokenId + " on session " + id);
        }
        int closed = live.tokenRevoked(tokenId);
        store.audit().record(caller.userId(), id, "share_link.revoke", tokenId, "ok", closed(closed), clock.instant());
        ctx.status(204);
    }

    private void liveToken(Context ctx) {
        Json.respondSecret(ctx, 201, sessions.liveToken(caller(ctx), ctx.pathParam("id")));
    }

    private void createToken(Context ctx) {
        Caller caller = caller(ctx);
        requireUser(caller);
        caller.require(Scope.ACCOUNT);
        var request = ctx.body().isBlank()
                ? new Requests.CreateToken(null, null, null)
                : Json.read(ctx.body(), Requests.CreateToken.class);
        Set<Scope> requested = EnumSet.noneOf(Scope.class);
        if (request.scopes() != null) {
            for (String scope : request.scopes()) {
                try {
                    requested.add(Scope.fromWire(scope));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("'scopes': " + e.getMessage());
                }
            }
        }
        Set<Scope> granted;
        try {
            granted = TokenScopes.grant(
                    requested, caller.token().scopes(), caller.user().admin());
        } catch (IllegalArgumentException e) {
            throw ApiException.forbidden(e.getMessage());
        }
        Instant expires = null;
        if (request.expiresInDays() != null) {
            if (request.expiresInDays() < 1 || request.expiresInDays() > MAX_TOKEN_DAYS) {
                throw ApiException.badRequest("'expiresInDays' must be from 1 to " + MAX_TOKEN_DAYS
                        + ", or left out for a token that does not expire");
            }
            expires = clock.instant().plus(Duration.ofDays(request.expiresInDays()));
        }
        Json.respondSecret(
                ctx, 201, newApiToken(caller.user(), tokenName(request.name(), "api token"), granted, expires));
    }

    private Views.NewTokenView newApiToken(User user, String name, Set<Scope> scopes, Instant expires) {
        String secret = Secrets.newSecret("nsk");
        Token token = store.tokens()
                .create(TokenKind.API, user.id(), name, null, Secrets.hash(secret), expires, scopes, null);
        store.audit()
                .record(
                        user.id(),
                        null,
                        "token.create",
                        token.id(),
                        "ok",
                        name + " [" + Scope.format(scopes) + "]" + (expires == null ? "" : " until " + expires),
                        clock.instant());
        return Views.NewTokenView.of(token, secret, null);
    }

    private void listTokens(Context ctx) {
        Caller caller = caller(ctx);
        requireUser(caller);
        caller.require(Scope.ACCOUNT);
        Json.respond(
                ctx,
                200,
                Map.of(
                        "tokens",
                        store.tokens().listForUser(caller.userId(), TokenKind.API).stream()
                                .map(Views::token)
                                .toList()));
    }

    private void revokeToken(Context ctx) {
        Caller caller = caller(ctx);
        requireUser(caller);
        caller.require(Scope.ACCOUNT);
        String tokenId = ctx.pathParam("tokenId");
        boolean own = store.tokens().listForUser(caller.userId(), TokenKind.API).stream()
                .anyMatch(t -> t.id().equals(tokenId));
        if (!own || !store.tokens().revoke(tokenId, clock.instant())) {
            throw ApiException.notFound("you have no token " + tokenId);
        }
        int closed = live.tokenRevoked(tokenId);
        store.audit().record(caller.userId(), null, "token.revoke", tokenId, "ok", closed(closed), clock.instant());
        ctx.status(204);
    }

    private void createUser(Context ctx) {
        Caller caller = caller(ctx);
        requireAdmin(caller);
        var request = Json.read(ctx.body(), Requests.CreateUser.class);
        if (request.email() != null
                && (request.email().length() > 320 || !request.email().contains("@"))) {
            throw ApiException.badRequest("'email' must be an address like someone@example.com");
        }
        if (request.name() != null && request.name().length() > 200) {
            throw ApiException.badRequest("'name' is longer than 200 characters");
        }
        if (request.login() == null || !LOGIN.matcher(request.login()).matches()) {
            throw ApiException.badRequest(
                    "'login' is required: 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        User user;
        try {
            user = store.users()
                    .create(request.login(), request.name(), request.email(), Boolean.TRUE.equals(request.admin()));
        } catch (StoreException e) {
            throw ApiException.conflict(e.getMessage());
        }
        store.audit()
                .record(
                        caller.userId(),
                        null,
                        "user.create",
                        user.login(),
                        "ok",
                        user.admin() ? "administrator" : null,
                        clock.instant());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", Views.user(user));
        body.put("token", newApiToken(user, "initial token", Scope.DEFAULTS, null));
        Json.respondSecret(ctx, 201, body);
    }

    private void listUsers(Context ctx) {
        requireAdmin(caller(ctx));
        Json.respond(
                ctx,
                200,
                Map.of("users", store.users().list().stream().map(Views::user).toList()));
    }

    private static void requireUser(Caller caller) {
        if (caller.isShareLink()) {
            throw ApiException.forbidden(SHARE_LINK_REFUSED);
        }
    }

    private static void requireAdmin(Caller caller) {
        caller.requireAdmin("only an administrator can manage users");
    }

    private static String tokenName(String requested, String fallback) {
        String name = requested == null || requested.isBlank() ? fallback : requested.trim();
        if (name.length() > 200) {
            throw ApiException.badRequest("'name' is longer than 200 characters");
        }
        return name;
    }

    private static boolean booleanParam(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.equalsIgnoreCase("false")) {
            return false;
        }
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        throw ApiException.badRequest("'" + name + "' must be true or false, got '" + raw + "'");
    }

    private static Integer optionalInt(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return null;
        }
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'" + name + "' must be a whole number, got '" + raw + "'");
        }
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        Integer v = optionalInt(ctx, name);
        if (v == null) {
            return fallback;
        }
        if (v < min || v > max) {
            throw ApiException.badRequest("'" + name + "' must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    private static long longParam(String name, String raw) {
        try {
            long v = Long.parseLong(raw);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'" + name + "' must be a sequence number (0 or more), got '" + raw + "'");
        }
    }
}

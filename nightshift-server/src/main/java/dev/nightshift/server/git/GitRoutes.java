package dev.nightshift.server.git;

import dev.nightshift.core.model.Credential;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxState;
import dev.nightshift.git.GitException;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.sandbox.SandboxManager;
import dev.nightshift.server.session.SessionService;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Git over the API: a person's credentials per host and a session's diff. */
public final class GitRoutes {
    static final int MAX_SECRET_CHARS = 16 * 1024;
    private static final Pattern HOST =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private final Store store;
    private final SessionService sessions;
    private final Authenticator auth;
    private final GitIntegration git;
    private final GitCredentials credentials;
    private final SandboxManager sandboxes;
    private final Clock clock;

    public GitRoutes(
            Store store,
            SessionService sessions,
            Authenticator auth,
            GitIntegration git,
            GitCredentials credentials,
            SandboxManager sandboxes,
            Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.auth = auth;
        this.git = git;
        this.credentials = credentials;
        this.sandboxes = sandboxes;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.get("/api/me/credentials", this::listCredentials);
        routes.put("/api/me/credentials/{host}", this::putCredential);
        routes.delete("/api/me/credentials/{host}", this::deleteCredential);
        routes.get("/api/sessions/{id}/diff", this::diff);
    }

    /** What a person sends to store a credential. */
    public record PutCredential(String kind, String username, String secret) {}

    private Caller person(Context ctx) {
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        if (caller.isShareLink()) {
            throw ApiException.forbidden("a share link cannot manage credentials; sign in with your own token");
        }
        caller.require(dev.nightshift.core.model.Scope.ACCOUNT);
        return caller;
    }

    private void listCredentials(Context ctx) {
        Caller caller = person(ctx);
        Json.respond(
                ctx,
                200,
                Map.of(
                        "credentials",
                        credentials.list(caller.userId()).stream()
                                .map(GitRoutes::view)
                                .toList()));
    }

    private void putCredential(Context ctx) {
        Caller caller = person(ctx);
        String host = host(ctx);
        PutCredential request = Json.read(ctx.body(), PutCredential.class);
        String kind = request.kind() == null ? "token" : request.kind();
        if (!kind.equals("token") && !kind.equals("ssh_key")) {
            throw ApiException.badRequest(
                    "'kind' must be 'token' (an HTTPS token such as a personal access token) or 'ssh_key'; "
                            + "OAuth tokens come from signing in");
        }
        String secret = request.secret();
        if (secret == null || secret.isBlank()) {
            throw ApiException.badRequest(
                    "'secret' is required: the token, or the SSH private key in PEM/OpenSSH form");
        }
        if (secret.length() > MAX_SECRET_CHARS) {
            throw ApiException.badRequest("'secret' is longer than " + MAX_SECRET_CHARS + " characters");
        }
        if (kind.equals("ssh_key") && !secret.contains("PRIVATE KEY-----")) {
            throw ApiException.badRequest("an SSH key must be a private key (-----BEGIN … PRIVATE KEY-----)");
        }
        if (kind.equals("token") && secret.strip().chars().anyMatch(c -> c <= ' ')) {
            throw ApiException.badRequest("a token cannot contain spaces or line breaks");
        }
        if (request.username() != null
                && (request.username().length() > 200 || !request.username().matches("[^\\s:]*"))) {
            throw ApiException.badRequest("'username' cannot contain spaces or ':' and has at most 200 characters");
        }
        Credential stored = credentials.put(
                caller.userId(), host, kind, request.username(), kind.equals("token") ? secret.strip() : secret);
        store.audit().record(caller.userId(), null, "credential.put", host, "ok", kind, clock.instant());
        Json.respond(ctx, 200, view(stored));
    }

    private void deleteCredential(Context ctx) {
        Caller caller = person(ctx);
        String host = host(ctx);
        if (!credentials.delete(caller.userId(), host)) {
            throw ApiException.notFound("you have no credential for " + host);
        }
        store.audit().record(caller.userId(), null, "credential.delete", host, "ok", null, clock.instant());
        ctx.status(204);
    }

    private void diff(Context ctx) throws InterruptedException {
        Session session = sessions.require(
                        auth.fromHeader(ctx.header("Authorization")), ctx.pathParam("id"), Access.Action.READ)
                .session();
        Sandbox live = sandboxes
                .current(session.id())
                .filter(s -> s.state() == SandboxState.READY)
                .orElse(null);
        try {
            Json.respond(ctx, 200, git.diff(session, live));
        } catch (GitException e) {
            Json.respond(ctx, 200, Map.of("available", false, "reason", e.getMessage()));
        }
    }

    private static String host(Context ctx) {
        String host = ctx.pathParam("host").toLowerCase(java.util.Locale.ROOT);
        if (host.length() > 253 || !HOST.matcher(host).matches()) {
            throw ApiException.badRequest(
                    "'" + host + "' is not a host name (like github.com or git.example.com, without a port)");
        }
        return host;
    }

    private static Map<String, Object> view(Credential c) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("host", c.host());
        view.put("kind", c.kind());
        view.put("username", c.username());
        view.put("expiresAt", c.expiresAt());
        view.put("updatedAt", c.updatedAt());
        return view;
    }
}

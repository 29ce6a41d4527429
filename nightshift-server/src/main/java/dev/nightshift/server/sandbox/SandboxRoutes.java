package dev.nightshift.server.sandbox;

import dev.nightshift.core.policy.Access;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.http.Views;
import dev.nightshift.server.session.SessionService;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A session's sandbox over the API: its state and ports (each with the URL it is previewed at), an
 * explicit resume, an explicit hibernate, and the link that opens a port's preview in a browser.
 */
public final class SandboxRoutes {
    /** The largest body {@code POST …/previews} reads: {@code {"port": 3000}} and room to spare. */
    static final int MAX_PREVIEW_REQUEST_BYTES = 1024;

    private final SandboxManager sandboxes;
    private final SessionService sessions;
    private final Authenticator auth;
    private final PortProxy ports;
    private final PreviewAccess previews;

    public SandboxRoutes(
            SandboxManager sandboxes,
            SessionService sessions,
            Authenticator auth,
            PortProxy ports,
            PreviewAccess previews) {
        this.sandboxes = sandboxes;
        this.sessions = sessions;
        this.auth = auth;
        this.ports = ports;
        this.previews = previews;
    }

    public void register(RouteTable routes) {
        routes.get("/api/sessions/{id}/sandbox", this::status);
        routes.post("/api/sessions/{id}/sandbox/resume", this::resume);
        routes.post("/api/sessions/{id}/sandbox/hibernate", this::hibernate);
        routes.post("/api/sessions/{id}/previews", this::openPreview);
    }

    /** What {@code POST …/previews} reads. */
    record PreviewRequest(Integer port) {}

    /**
     * A link that opens one port's preview in a browser, for the session's participants (viewer and
     * up; not a share link). Host-based previews on: a single-use ticket on the port's own host
     * ({@link PreviewAccess}). Off: the path form with a fresh live token as its first segment.
     */
    private void openPreview(Context ctx) {
        String id = ctx.pathParam("id");
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        if (ctx.bodyAsBytes().length > MAX_PREVIEW_REQUEST_BYTES) {
            throw new ApiException(
                    413,
                    "payload_too_large",
                    "the request body is larger than " + MAX_PREVIEW_REQUEST_BYTES + " bytes; send {\"port\": 3000}");
        }
        Integer port = Json.read(ctx.body(), PreviewRequest.class).port();
        if (port == null || port < 1 || port > 65535) {
            throw ApiException.badRequest("'port' must be a port number from 1 to 65535, e.g. {\"port\": 3000}");
        }
        if (caller.isShareLink()) {
            throw ApiException.forbidden(
                    "a share link cannot open the sandbox's ports; ask to be added to the session");
        }
        sessions.require(caller, id, Access.Action.READ);
        if (ports.reserved(port)) {
            throw new ApiException(
                    404,
                    "port_reserved",
                    "port " + port + " belongs to Nightshift itself (the egress proxy, the agent's browser or the"
                            + " desktop) and is never previewed");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("port", port);
        if (previews.enabled()) {
            PreviewAccess.Ticket ticket = previews.mint(caller, id, port);
            body.put("form", "host");
            body.put("url", ticket.url());
            body.put("expiresAt", ticket.expiresAt().toString());
        } else {
            Views.NewTokenView live = sessions.liveToken(caller, id);
            body.put("form", "path");
            body.put("url", previews.url(id, port) + PortProxy.TOKEN_SEGMENT + live.token() + "/");
            body.put("expiresAt", live.expiresAt().toString());
        }
        Json.respondSecret(ctx, 201, body);
    }

    /**
     * A share link learns only the sandbox's state, which the shared page shows as a chip; its id,
     * ports, activity and the host's isolation are for the session's participants.
     */
    private void status(Context ctx) {
        String id = ctx.pathParam("id");
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        sessions.require(caller, id, Access.Action.READ);
        Json.respond(
                ctx,
                200,
                caller.isShareLink() ? Map.of("state", sandboxes.status(id).state()) : view(id));
    }

    private Map<String, Object> view(String id) {
        SandboxManager.Status status = sandboxes.status(id);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", status.state());
        if (status.sandboxId() != null) {
            body.put("sandboxId", status.sandboxId());
        }
        body.put("ports", status.ports());
        body.put(
                "previews",
                status.ports().stream()
                        .filter(port -> !ports.reserved(port))
                        .sorted()
                        .limit(PortProxy.MAX_USER_PORTS)
                        .map(port -> Map.of("port", port, "url", previews.url(id, port)))
                        .toList());
        if (status.lastActivity() != null) {
            body.put("lastActivity", status.lastActivity().toString());
        }
        body.put("isolation", sandboxes.describe());
        return body;
    }

    private void resume(Context ctx) {
        String id = ctx.pathParam("id");
        sessions.require(auth.fromHeader(ctx.header("Authorization")), id, Access.Action.PROMPT);
        try {
            sandboxes.acquire(id);
        } catch (SandboxException e) {
            throw new ApiException(503, "sandbox_unavailable", e.getMessage());
        }
        Json.respond(ctx, 200, view(id));
    }

    private void hibernate(Context ctx) {
        String id = ctx.pathParam("id");
        sessions.require(auth.fromHeader(ctx.header("Authorization")), id, Access.Action.PROMPT);
        boolean done = sandboxes.hibernate(id);
        Map<String, Object> body = view(id);
        body.put("hibernated", done);
        if (!done) {
            body.put("reason", "nothing to hibernate, or a turn is running");
        }
        Json.respond(ctx, done ? 200 : 409, body);
    }
}

package dev.nightshift.server.sandbox;

import dev.nightshift.core.policy.Access;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.session.SessionService;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** A session's sandbox over the API: its state and ports, an explicit resume, an explicit hibernate. */
public final class SandboxRoutes {
    private final SandboxManager sandboxes;
    private final SessionService sessions;
    private final Authenticator auth;

    public SandboxRoutes(SandboxManager sandboxes, SessionService sessions, Authenticator auth) {
        this.sandboxes = sandboxes;
        this.sessions = sessions;
        this.auth = auth;
    }

    public void register(RouteTable routes) {
        routes.get("/api/sessions/{id}/sandbox", this::status);
        routes.post("/api/sessions/{id}/sandbox/resume", this::resume);
        routes.post("/api/sessions/{id}/sandbox/hibernate", this::hibernate);
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

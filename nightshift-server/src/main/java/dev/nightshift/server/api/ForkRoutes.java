package dev.nightshift.server.api;

import dev.nightshift.core.model.Role;
import dev.nightshift.core.model.Session;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.fork.SessionForks;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.http.Views;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sessions that branch, over HTTP: {@code POST /api/sessions/{id}/fork} and the tree of sessions a
 * session belongs to ({@code GET /api/sessions/{id}/tree}). The checks are {@link SessionForks}'s.
 */
public final class ForkRoutes {
    private final SessionForks forks;
    private final Authenticator auth;

    public ForkRoutes(SessionForks forks, Authenticator auth) {
        this.forks = forks;
        this.auth = auth;
    }

    public void register(RouteTable routes) {
        routes.post("/api/sessions/{id}/fork", this::fork);
        routes.get("/api/sessions/{id}/tree", this::tree);
    }

    private Caller caller(Context ctx) {
        return auth.fromHeader(ctx.header("Authorization"));
    }

    private void fork(Context ctx) {
        Caller caller = caller(ctx);
        SessionForks.Request request = ctx.body().isBlank()
                ? new SessionForks.Request(null, null, null)
                : Json.read(ctx.body(), SessionForks.Request.class);
        Session fork = forks.fork(caller, ctx.pathParam("id"), request, ApiRoutes.source(ctx));
        Json.respond(ctx, 201, Views.session(fork, Role.OWNER.wire()));
    }

    private void tree(Context ctx) {
        String id = ctx.pathParam("id");
        List<Session> tree = forks.tree(caller(ctx), id);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rootId", tree.getFirst().id());
        body.put("sessions", tree.stream().map(s -> Views.session(s, null)).toList());
        Json.respond(ctx, 200, body);
    }
}

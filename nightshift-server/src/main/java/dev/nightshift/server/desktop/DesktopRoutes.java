package dev.nightshift.server.desktop;

import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.policy.Access;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.session.SessionService;
import io.javalin.http.Context;

/**
 * The live desktop over the API: {@code GET} whether it runs (anyone who may watch the session),
 * {@code POST} starts it (members and owners). The picture itself goes over {@link DesktopSocket}.
 * Handlers run on Jetty's request threads.
 */
public final class DesktopRoutes {
    public static final String PATH = "/api/sessions/{id}/desktop";

    private final DesktopService desktop;
    private final SessionService sessions;
    private final Authenticator auth;

    public DesktopRoutes(DesktopService desktop, SessionService sessions, Authenticator auth) {
        this.desktop = desktop;
        this.sessions = sessions;
        this.auth = auth;
    }

    public void register(RouteTable routes) {
        routes.get(PATH, this::state);
        routes.post(PATH, this::start);
    }

    private void state(Context ctx) {
        String id = ctx.pathParam("id");
        sessions.require(auth.fromHeader(ctx.header("Authorization")), id, Access.Action.READ);
        Json.respond(ctx, 200, desktop.state(id).view());
    }

    private void start(Context ctx) throws InterruptedException {
        String id = ctx.pathParam("id");
        var access = sessions.require(auth.fromHeader(ctx.header("Authorization")), id, Access.Action.PROMPT);
        if (access.session().status() == SessionStatus.ARCHIVED) {
            throw ApiException.conflict("the session is archived and has no sandbox; start a new session");
        }
        Json.respond(ctx, 200, desktop.start(id).view());
    }
}

package dev.nightshift.server.live;

import dev.nightshift.core.model.Event;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.http.Views;
import dev.nightshift.server.session.SessionService;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events at {@code /api/sessions/{id}/events/stream} for simple clients. Resumes after
 * {@code Last-Event-ID} (or {@code ?after=}); without either it starts with the newest events of a
 * join snapshot. A client that falls behind is caught up from the log, so SSE never needs a
 * resync message. Auth: {@code Authorization: Bearer} or, for browsers' EventSource, {@code ?token=}
 * with a live token.
 */
public final class SseEndpoint {
    public static final String PATH = "/api/sessions/{id}/events/stream";
    private static final int CATCH_UP_PAGE = 500;

    private final Store store;
    private final SessionService sessions;
    private final Authenticator auth;
    private final EventHub hub;
    private final LiveAccess access;

    public SseEndpoint(Store store, SessionService sessions, Authenticator auth, EventHub hub, LiveAccess access) {
        this.access = access;
        this.store = store;
        this.sessions = sessions;
        this.auth = auth;
        this.hub = hub;
    }

    public void register(RouteTable routes) {
        routes.get(PATH, this::stream);
    }

    private void stream(Context ctx) throws IOException {
        String sessionId = ctx.pathParam("id");
        Caller caller = ctx.header("Authorization") != null
                ? auth.fromHeader(ctx.header("Authorization"))
                : auth.live(ctx.queryParam("token"), sessionId);
        sessions.require(caller, sessionId, Access.Action.READ);
        long after = startAfter(ctx, sessionId);

        var response = ctx.res();
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        ServletOutputStream out = response.getOutputStream();
        Stream transport = new Stream(sessionId, out);
        LiveClient client = new LiveClient(
                sessions.limits().clientBufferMessages(),
                transport,
                (from, to) -> store.events()
                        .after(sessionId, from, (int) (to - from - 1))
                        .items());
        transport.client = client;
        hub.subscribe(sessionId, client);
        AutoCloseable grant = access.register(caller, sessionId, reason -> {
            client.stop(); // run() returns, the handler ends and the response closes
        });
        try {
            client.markDelivered(after);
            transport.catchUp(after);
            client.run(); // until the client goes away or its access is withdrawn
        } finally {
            closeQuietly(grant);
            hub.unsubscribe(sessionId, client);
            client.stop();
        }
    }

    private static void closeQuietly(AutoCloseable grant) {
        try {
            grant.close();
        } catch (Exception ignored) {
            // removing from a set does not fail
        }
    }

    private long startAfter(Context ctx, String sessionId) {
        String raw = ctx.header("Last-Event-ID");
        if (raw == null) {
            raw = ctx.queryParam("after");
        }
        if (raw != null) {
            try {
                long after = Long.parseLong(raw.trim());
                if (after < 0) {
                    throw new NumberFormatException();
                }
                return after;
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(
                        "Last-Event-ID / after must be an event sequence number, got '" + raw + "'");
            }
        }
        Page<Event> latest = store.events().latest(sessionId, sessions.limits().snapshotEvents());
        return latest.items().isEmpty() ? 0 : latest.items().getFirst().seq() - 1;
    }

    private final class Stream implements LiveClient.Transport {
        private final String sessionId;
        private final ServletOutputStream out;
        private LiveClient client;

        Stream(String sessionId, ServletOutputStream out) {
            this.sessionId = sessionId;
            this.out = out;
        }

        void catchUp(long after) throws IOException {
            long cursor = after;
            Page<Event> page;
            do {
                page = store.events().after(sessionId, cursor, CATCH_UP_PAGE);
                for (Event e : page.items()) {
                    write(e.seq(), e.type(), Json.write(Views.event(e)));
                    cursor = e.seq();
                }
                client.markDelivered(cursor);
            } while (page.hasMore());
        }

        private void write(long id, String type, String data) throws IOException {
            StringBuilder sb = new StringBuilder(data.length() + 64);
            if (id > 0) {
                sb.append("id: ").append(id).append('\n');
            }
            sb.append("event: ")
                    .append(type)
                    .append('\n')
                    .append("data: ")
                    .append(data)
                    .append("\n\n");
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void sendEvent(Event event, String eventJson) throws IOException {
            write(event.seq(), event.type(), eventJson);
        }

        @Override
        public void sendFrame(String frame) throws IOException {
            write(0, Json.tree(frame).path("type").asText("message"), frame);
        }

        @Override
        public void resync(long lastSentSeq) throws IOException {
            catchUp(lastSentSeq);
        }

        @Override
        public void heartbeat() throws IOException {
            out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close(String reason) {
            try {
                out.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}

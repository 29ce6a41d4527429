package dev.nightshift.server.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.Ids;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.policy.HistoryPaging;
import dev.nightshift.core.policy.RateWindow;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.http.Views;
import dev.nightshift.server.limits.RateLimits;
import dev.nightshift.server.session.SessionService;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live protocol at {@code /api/sessions/{id}/ws}. A client must {@code subscribe} with a live
 * token within the subscribe timeout; it then gets a snapshot (session, queue, artifacts,
 * participants, presence, the newest events with {@code hasMore}) followed by every new event in
 * order. Client messages: {@code prompt, cancel_prompt, stop, typing, presence, fetch_history,
 * ping}. Replies and errors are frames on the same socket; a bad message never closes it.
 */
public final class WsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(WsEndpoint.class);
    public static final String PATH = "/api/sessions/{id}/ws";
    /** A send that takes longer than this means the client is dead; it is disconnected. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    static final Duration PING_INTERVAL = Duration.ofSeconds(15);
    static final int CLOSE_POLICY = 4001;
    static final int CLOSE_TIMEOUT = 4008;

    private final Store store;
    private final SessionService sessions;
    private final Authenticator auth;
    private final EventHub hub;
    private final Presence presence;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final java.util.function.Consumer<String> typing;
    private final LiveAccess access;
    private final RateLimits rateLimits;

    /**
     * @param typing told when someone types in a session: its sandbox should warm up
     * @param access the open streams, closed when the access that opened them is withdrawn
     * @param rateLimits each socket's message limit
     */
    public WsEndpoint(
            Store store,
            SessionService sessions,
            Authenticator auth,
            EventHub hub,
            Presence presence,
            ScheduledExecutorService timer,
            Clock clock,
            java.util.function.Consumer<String> typing,
            LiveAccess access,
            RateLimits rateLimits) {
        this.typing = typing;
        this.rateLimits = rateLimits;
        this.access = access;
        this.store = store;
        this.sessions = sessions;
        this.auth = auth;
        this.hub = hub;
        this.presence = presence;
        this.timer = timer;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.ws(PATH, ws -> {
            ws.onConnect(ctx -> {
                Connection c = new Connection(ctx, ctx.pathParam("id"));
                connections.put(ctx.sessionId(), c);
                c.subscribeDeadline = timer.schedule(
                        () -> c.closeUnsubscribed(),
                        sessions.limits().subscribeTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
            });
            ws.onMessage(ctx -> {
                Connection c = connections.get(ctx.sessionId());
                if (c != null) {
                    c.handle(ctx.message());
                }
            });
            ws.onClose(ctx -> disconnect(ctx.sessionId()));
            ws.onError(ctx -> disconnect(ctx.sessionId()));
        });
    }

    public int connectionCount() {
        return connections.size();
    }

    private void disconnect(String wsId) {
        Connection c = connections.remove(wsId);
        if (c != null) {
            c.shutdown();
        }
    }

    /** One socket's state. Messages from one socket arrive one at a time, so no locking is needed. */
    private final class Connection implements LiveClient.Transport {
        private final WsContext ctx;
        private final String sessionId;
        private final String connectionId = Ids.newId("con");
        private volatile ScheduledFuture<?> subscribeDeadline;
        private volatile LiveClient client;
        private Caller caller;
        private RateWindow historyWindow;
        private volatile AutoCloseable grant;
        private final RateLimits.Gate messages = rateLimits.perSocket();

        Connection(WsContext ctx, String sessionId) {
            this.ctx = ctx;
            this.sessionId = sessionId;
        }

        void handle(String text) {
            long wait = messages.take();
            if (wait > 0) {
                error(null, 429, "rate_limited", rateLimits.socketMessage(wait));
                return;
            }
            JsonNode message;
            try {
                message = Json.tree(text);
            } catch (ApiException e) {
                error(null, 400, "bad_request", e.getMessage());
                return;
            }
            String type = message.path("type").asText("");
            try {
                if (client == null && !type.equals("subscribe") && !type.equals("ping")) {
                    throw new ApiException(
                            401, "not_subscribed", "send {\"type\":\"subscribe\",\"token\":\"<live token>\"} first");
                }
                switch (type) {
                    case "subscribe" -> subscribe(message);
                    case "ping" ->
                        reply(frame("pong", Map.of("time", clock.instant().toString())));
                    case "prompt" -> prompt(message);
                    case "cancel_prompt" -> cancelPrompt(message);
                    case "stop" -> stop();
                    case "typing" -> typing();
                    case "presence" -> presence(message);
                    case "fetch_history" -> fetchHistory(message);
                    default ->
                        throw ApiException.badRequest(
                                "unknown message type '" + type
                                        + "'; expected subscribe, prompt, cancel_prompt, stop, typing, presence, fetch_history or ping");
                }
            } catch (ApiException e) {
                error(type, e.status(), e.code(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("websocket message {} failed", type, e);
                error(type, 500, "internal", "the server failed to handle this message; it has been logged");
            }
        }

        private void subscribe(JsonNode message) {
            if (client != null) {
                throw ApiException.conflict("already subscribed");
            }
            Caller who;
            try {
                who = auth.live(message.path("token").asText(null), sessionId);
                sessions.require(who, sessionId, Access.Action.READ);
            } catch (ApiException e) {
                error("subscribe", e.status(), e.code(), e.getMessage());
                ctx.closeSession(CLOSE_POLICY, e.code());
                return;
            }
            cancelDeadline();
            caller = who;
            // registered before anything is sent: a revocation from now on closes this stream, even one
            // that comes while the snapshot is on its way
            grant = access.register(who, sessionId, reason -> {
                error(null, 401, "access_revoked", "your access to this session ended (" + reason + ")");
                if (ctx.session.isOpen()) {
                    ctx.closeSession(CLOSE_POLICY, reason);
                }
            });
            LiveClient live = new LiveClient(
                    sessions.limits().clientBufferMessages(),
                    this,
                    (from, to) -> store.events()
                            .after(sessionId, from, (int) (to - from - 1))
                            .items());
            hub.subscribe(sessionId, live); // first, so nothing published during the snapshot is lost
            client = live;
            presence.put(
                    sessionId,
                    connectionId,
                    new Presence.Entry(who.userId(), who.displayName(), "active", clock.instant()));
            Page<Event> events =
                    store.events().latest(sessionId, sessions.limits().snapshotEvents());
            try {
                send(snapshot(events));
            } catch (Exception e) {
                ctx.closeSession();
                return;
            }
            if (!events.items().isEmpty()) {
                live.markDelivered(events.items().getLast().seq());
            }
            Thread.ofVirtual().name("ws-" + connectionId).start(live::run);
            ctx.enableAutomaticPings(PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            broadcastPresence();
        }

        private String snapshot(Page<Event> events) {
            var access = sessions.require(caller, sessionId, Access.Action.READ);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("session", Views.session(access.session(), access.role().wire()));
            body.put(
                    "queue",
                    sessions.queue(sessionId).stream().map(Views::message).toList());
            body.put(
                    "artifacts",
                    store.artifacts().list(sessionId).stream()
                            .map(Views::artifact)
                            .toList());
            body.put(
                    "participants",
                    store.sessions().participants(sessionId).stream()
                            .map(Views::participant)
                            .toList());
            body.put("presence", presence.people(sessionId));
            body.put("events", events.items().stream().map(Views::event).toList());
            body.put("hasMore", events.hasMore());
            body.put("connectionId", connectionId);
            return frame("snapshot", body);
        }

        private void prompt(JsonNode message) {
            var request = new Requests.Prompt(
                    text(message, "content"), text(message, "clientRequestId"), text(message, "model"));
            var accepted = sessions.prompt(caller, sessionId, request, Source.WEB);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("messageId", accepted.message().id());
            body.put("position", accepted.position());
            body.put("status", accepted.message().status().wire());
            body.put("created", accepted.created());
            if (request.clientRequestId() != null) {
                body.put("clientRequestId", request.clientRequestId());
            }
            reply(frame("prompt_accepted", body));
        }

        private void cancelPrompt(JsonNode message) {
            String messageId = text(message, "messageId");
            if (messageId == null) {
                throw ApiException.badRequest("cancel_prompt needs 'messageId'");
            }
            sessions.cancelPrompt(caller, sessionId, messageId);
            reply(frame("prompt_cancelled", Map.of("messageId", messageId)));
        }

        private void stop() {
            var stopped = sessions.stop(caller, sessionId);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("stopped", stopped.isPresent());
            stopped.ifPresent(id -> body.put("messageId", id));
            reply(frame("stop_result", body));
        }

        private void typing() {
            sessions.require(caller, sessionId, Access.Action.PROMPT);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("login", caller.displayName());
            body.put("userId", caller.userId());
            hub.broadcast(sessionId, frame("typing", body));
            typing.accept(sessionId);
        }

        private void presence(JsonNode message) {
            String status = text(message, "status");
            if (!"active".equals(status) && !"idle".equals(status)) {
                throw ApiException.badRequest("presence 'status' must be active or idle");
            }
            presence.put(
                    sessionId,
                    connectionId,
                    new Presence.Entry(caller.userId(), caller.displayName(), status, clock.instant()));
            broadcastPresence();
        }

        private void fetchHistory(JsonNode message) {
            Instant now = clock.instant();
            RateWindow window = historyWindow == null ? RateWindow.fresh(now) : historyWindow;
            RateWindow next =
                    window.tryAcquire(now, sessions.limits().historyRequestsPerMinute(), Duration.ofMinutes(1));
            if (next == null) {
                throw new ApiException(
                        429,
                        "rate_limited",
                        "too many fetch_history requests; at most "
                                + sessions.limits().historyRequestsPerMinute() + " a minute");
            }
            historyWindow = next;
            int limit;
            try {
                limit = HistoryPaging.limit(
                        message.hasNonNull("limit") ? message.get("limit").asInt() : null, sessions.limits());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            if (message.hasNonNull("after") && message.hasNonNull("before")) {
                throw ApiException.badRequest(
                        "use either 'after' (page forwards) or 'before' (page backwards), not both");
            }
            Page<Event> page = message.hasNonNull("after")
                    ? store.events().after(sessionId, sequence(message, "after"), limit)
                    : store.events()
                            .before(
                                    sessionId,
                                    message.hasNonNull("before") ? sequence(message, "before") : Long.MAX_VALUE,
                                    limit);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("events", page.items().stream().map(Views::event).toList());
            body.put("hasMore", page.hasMore());
            reply(frame("history", body));
        }

        private void broadcastPresence() {
            hub.broadcast(sessionId, frame("presence", Map.of("people", presence.people(sessionId))));
        }

        private void error(String requestType, int status, String code, String message) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", code);
            body.put("status", status);
            body.put("message", message);
            if (requestType != null && !requestType.isEmpty()) {
                body.put("requestType", requestType);
            }
            reply(frame("error", body));
        }

        /** Through the outbox once subscribed (keeps order with events), directly before that. */
        private void reply(String frame) {
            LiveClient live = client;
            if (live != null) {
                live.reply(frame);
                return;
            }
            try {
                send(frame);
            } catch (Exception e) {
                LOG.debug("could not reply to an unsubscribed socket", e);
            }
        }

        void closeUnsubscribed() {
            if (client == null && ctx.session.isOpen()) {
                error(
                        "subscribe",
                        401,
                        "subscribe_timeout",
                        "no valid subscribe within "
                                + sessions.limits().subscribeTimeout().toSeconds() + " s");
                ctx.closeSession(CLOSE_TIMEOUT, "subscribe timeout");
            }
        }

        private void cancelDeadline() {
            ScheduledFuture<?> deadline = subscribeDeadline;
            if (deadline != null) {
                deadline.cancel(false);
            }
        }

        void shutdown() {
            cancelDeadline();
            AutoCloseable g = grant;
            if (g != null) {
                try {
                    g.close();
                } catch (Exception ignored) {
                    // removing from a set does not fail
                }
            }
            LiveClient live = client;
            if (live != null) {
                hub.unsubscribe(sessionId, live);
                live.stop();
                presence.remove(sessionId, connectionId);
                broadcastPresence();
            }
        }

        private void send(String text) throws Exception {
            Callback.Completable done = new Callback.Completable();
            ctx.session.sendText(text, done);
            done.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void sendEvent(Event event, String eventJson) throws Exception {
            send("{\"type\":\"event\",\"event\":" + eventJson + "}");
        }

        @Override
        public void sendFrame(String frame) throws Exception {
            send(frame);
        }

        @Override
        public void resync(long lastSentSeq) throws Exception {
            send(frame(
                    "resync",
                    Map.of(
                            "afterSeq",
                            lastSentSeq,
                            "message",
                            "you fell behind and some events were dropped; fetch_history with after=" + lastSentSeq)));
        }

        @Override
        public void close(String reason) {
            if (ctx.session.isOpen()) {
                ctx.closeSession(CLOSE_POLICY, reason.length() > 100 ? reason.substring(0, 100) : reason);
            }
        }
    }

    static String frame(String type, Map<String, ?> body) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type);
        frame.putAll(body);
        return Json.write(frame);
    }

    private static long sequence(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.canConvertToLong() || value.asLong() < 0) {
            throw ApiException.badRequest("'" + field + "' must be an event sequence number (0 or more), got " + value);
        }
        return value.asLong();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}

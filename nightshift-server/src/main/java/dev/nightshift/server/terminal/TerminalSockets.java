package dev.nightshift.server.terminal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.Ids;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.limits.RateLimits;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.live.LiveAccess;
import dev.nightshift.server.sandbox.SandboxManager;
import dev.nightshift.server.session.SessionService;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A terminal in the session's sandbox at {@code /api/sessions/{id}/terminal}, for its members and
 * owners: a login shell on a pseudo-terminal ({@code terminal/pty-relay.py}, run through
 * {@link Sandbox#exec} with its input streamed), its output sent back as binary frames as it comes.
 * What members type is recorded in the session's log as {@code terminal_input} events
 * ({@link TypedInput}), so the log stays the whole truth of what happened in the sandbox.
 *
 * <p>The socket opens without credentials (a browser cannot send headers); the first frame must be
 * {@code {"type":"open","token":"<live token>","cols":80,"rows":24}} within the subscribe timeout.
 * A viewer, an outsider or a bad token is refused with an {@code error} frame and the close code
 * 4000 + the HTTP status (4401, 4403, 4404); nothing they send ever reaches a shell, and each input
 * frame re-checks that its sender is still a member. Client frames: {@code input} {@code {data}} (or
 * a binary frame of raw bytes), {@code resize} {@code {cols, rows}}, {@code ping}. Server frames:
 * binary output, and JSON {@code ready}, {@code error}, {@code exit}, {@code pong}.
 *
 * <p>Closing the socket hangs the shell up and kills everything it started (the command's process
 * tree in the sandbox); the session's Stop button, which kills every process in the sandbox, ends
 * open terminals too, and they say so ({@code exit} with {@code stopped}). Jetty calls the handlers
 * on its WebSocket threads, one message of a socket at a time; the shell runs on a virtual thread of
 * its own; the pause flush and the idle check run on the shared timer.
 */
public final class TerminalSockets {
    private static final Logger LOG = LoggerFactory.getLogger(TerminalSockets.class);
    public static final String PATH = "/api/sessions/{id}/terminal";
    /** Open terminals per session on this node; one more is refused (4429). */
    static final int MAX_TERMINALS_PER_SESSION = 3;
    /** The largest frame a client may send; a larger one is refused and nothing of it is typed. */
    static final int MAX_FRAME_BYTES = 16 * 1024;
    /** A terminal nobody typed in for this long is closed (4408). */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** A shell is ended after this long whatever happens in it. */
    static final Duration MAX_LIFETIME = Duration.ofHours(12);
    /** Typing that pauses this long is recorded even without an Enter. */
    static final Duration PAUSE_FLUSH = Duration.ofSeconds(2);
    /** A send that takes longer than this means the client is gone. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    static final int MAX_COLS = 500;
    static final int MAX_ROWS = 200;
    static final int CLOSE_ENDED = 1000;
    /** Refusals close with this plus the HTTP status of the refusal (4401, 4403, 4404, 4408, 4429, 4503). */
    static final int CLOSE_BASE = 4000;

    private static final String RELAY = relayScript();

    private final SandboxManager sandboxes;
    private final SessionService sessions;
    private final Authenticator auth;
    private final EventLog log;
    private final LiveAccess access;
    private final RateLimits rateLimits;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Map<String, Terminal> sockets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perSession = new ConcurrentHashMap<>();

    public TerminalSockets(
            SandboxManager sandboxes,
            SessionService sessions,
            Authenticator auth,
            EventLog log,
            LiveAccess access,
            RateLimits rateLimits,
            ScheduledExecutorService timer,
            Clock clock) {
        this.sandboxes = sandboxes;
        this.sessions = sessions;
        this.auth = auth;
        this.log = log;
        this.access = access;
        this.rateLimits = rateLimits;
        this.timer = timer;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.ws(PATH, ws -> {
            ws.onConnect(ctx -> {
                Terminal t = new Terminal(ctx, ctx.pathParam("id"));
                sockets.put(ctx.sessionId(), t);
                t.openDeadline = timer.schedule(
                        t::closeUnopened, sessions.limits().subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            });
            ws.onMessage(ctx -> {
                Terminal t = sockets.get(ctx.sessionId());
                if (t != null) {
                    t.text(ctx.message());
                }
            });
            ws.onBinaryMessage(ctx -> {
                Terminal t = sockets.get(ctx.sessionId());
                if (t != null) {
                    ByteBuffer data = ctx.data();
                    byte[] bytes = new byte[data.remaining()];
                    data.duplicate().get(bytes);
                    t.binary(bytes);
                }
            });
            ws.onClose(ctx -> closed(ctx.sessionId()));
            ws.onError(ctx -> closed(ctx.sessionId()));
        });
    }

    /** Terminals open on this node (for tests and metrics). */
    public int openTerminals() {
        return perSession.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void closed(String wsId) {
        Terminal t = sockets.remove(wsId);
        if (t != null) {
            t.shutdown();
        }
    }

    /** One socket and its shell. */
    private final class Terminal {
        private final WsContext ctx;
        private final String sessionId;
        private final String terminalId = Ids.newId("term");
        private final RateLimits.Gate messages = rateLimits.perSocket();
        private final ShellInput input = new ShellInput();
        private final TypedInput typed = new TypedInput();
        private final Object sending = new Object();
        private volatile ScheduledFuture<?> openDeadline;
        private volatile ScheduledFuture<?> pauseFlush;
        private volatile ScheduledFuture<?> idleCheck;
        /** Set once the caller is known to be a member; nothing is typed before. */
        private volatile Caller caller;

        private volatile Instant lastInput;
        private volatile AutoCloseable grant;
        private boolean counted;
        private boolean closed;
        private Thread shell;

        Terminal(WsContext ctx, String sessionId) {
            this.ctx = ctx;
            this.sessionId = sessionId;
        }

        void text(String text) {
            if (!allowed(text.length() > MAX_FRAME_BYTES / 4 ? text.getBytes(StandardCharsets.UTF_8).length : 0)) {
                return;
            }
            JsonNode message;
            try {
                message = Json.tree(text);
            } catch (ApiException e) {
                error(400, "bad_request", e.getMessage());
                return;
            }
            String type = message.path("type").asText("");
            try {
                switch (type) {
                    case "open" -> open(message);
                    case "input" -> {
                        JsonNode data = message.get("data");
                        if (data == null || !data.isTextual()) {
                            throw ApiException.badRequest("input needs 'data', the typed text");
                        }
                        type(data.asText().getBytes(StandardCharsets.UTF_8), data.asText());
                    }
                    case "resize" -> resize(message);
                    case "ping" ->
                        send(frame("pong", Map.of("time", clock.instant().toString())));
                    default ->
                        throw ApiException.badRequest(
                                "unknown message type '" + type + "'; expected open, input, resize or ping");
                }
            } catch (ApiException e) {
                error(e.status(), e.code(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("terminal message {} failed", type, e);
                error(500, "internal", "the server failed to handle this message; it has been logged");
            }
        }

        void binary(byte[] bytes) {
            if (!allowed(bytes.length)) {
                return;
            }
            try {
                type(bytes, new String(bytes, StandardCharsets.UTF_8));
            } catch (ApiException e) {
                error(e.status(), e.code(), e.getMessage());
            }
        }

        /** The frame size and the socket's rate limit; a refused frame does nothing. */
        private boolean allowed(int bytes) {
            if (bytes > MAX_FRAME_BYTES) {
                error(
                        413,
                        "frame_too_large",
                        "a terminal frame is at most " + MAX_FRAME_BYTES + " bytes (this one had " + bytes
                                + "); nothing of it was typed: send a long paste in pieces");
                return false;
            }
            long wait = messages.take();
            if (wait > 0) {
                error(429, "rate_limited", rateLimits.socketMessage(wait) + "; nothing of it was typed");
                return false;
            }
            return true;
        }

        private void open(JsonNode message) {
            if (caller != null) {
                throw ApiException.conflict("this terminal is already open");
            }
            int cols = size(message, "cols", 80, MAX_COLS);
            int rows = size(message, "rows", 24, MAX_ROWS);
            Caller who;
            try {
                who = auth.live(message.path("token").asText(null), sessionId);
                member(who);
            } catch (ApiException e) {
                refuse(e);
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                boolean[] room = {false};
                perSession.compute(sessionId, (k, n) -> {
                    AtomicInteger count = n == null ? new AtomicInteger() : n;
                    room[0] = count.get() < MAX_TERMINALS_PER_SESSION;
                    if (room[0]) {
                        count.incrementAndGet();
                    }
                    return count.get() == 0 ? null : count;
                });
                if (!room[0]) {
                    refuse(new ApiException(
                            429,
                            "too_many_terminals",
                            "this session already has " + MAX_TERMINALS_PER_SESSION
                                    + " terminals open; close one first"));
                    return;
                }
                counted = true;
            }
            cancel(openDeadline);
            caller = who;
            lastInput = clock.instant();
            grant = access.register(who, sessionId, reason -> {
                refuse(new ApiException(401, "access_revoked", "your access to this session ended (" + reason + ")"));
            });
            long checkMs = Math.max(1_000, IDLE_TIMEOUT.toMillis() / 10);
            idleCheck = timer.scheduleAtFixedRate(this::closeIfIdle, checkMs, checkMs, TimeUnit.MILLISECONDS);
            LOG.info("terminal {} opened in session {} by {}", terminalId, sessionId, who.displayName());
            Thread.ofVirtual().name("terminal-" + terminalId).start(() -> run(cols, rows));
        }

        /** Members and owners only; a viewer or a token without write scope is told so. */
        private void member(Caller who) {
            var role = sessions.require(who, sessionId, Access.Action.READ).role();
            if (!Access.allows(role, Access.Action.PROMPT) || !who.has(Scope.SESSIONS_WRITE)) {
                throw ApiException.forbidden("the terminal is for the session's members and owners; you are a "
                        + role.wire() + " here: ask the session's owner to make you a member");
            }
        }

        /** On the terminal's own thread: the sandbox, then the shell until it ends or the socket closes. */
        private void run(int cols, int rows) {
            Sandbox sandbox;
            try {
                sandbox = sandboxes.acquire(sessionId);
            } catch (SandboxException e) {
                refuse(new ApiException(
                        503, "sandbox_unavailable", "the session's sandbox could not start: " + e.getMessage()));
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                shell = Thread.currentThread();
            }
            send(frame("ready", Map.of("terminalId", terminalId, "cols", cols, "rows", rows)));
            ExecRequest request = new ExecRequest(
                    List.of("python3", "-c", RELAY, String.valueOf(cols), String.valueOf(rows)),
                    "",
                    Map.of("TERM", "xterm-256color", "COLORTERM", "truecolor", "NIGHTSHIFT_TERMINAL", terminalId),
                    MAX_LIFETIME);
            ExecResult result;
            try {
                result = sandbox.exec(request, input, (stream, chunk) -> output(chunk));
            } catch (InterruptedException e) {
                return; // the socket closed: the shell and what it started are killed
            } catch (RuntimeException e) {
                LOG.warn("terminal {} of session {} failed", terminalId, sessionId, e);
                refuse(new ApiException(503, "sandbox_unavailable", "the shell could not run: " + e.getMessage()));
                return;
            }
            Map<String, Object> exit = new LinkedHashMap<>();
            exit.put("code", result.exitCode());
            exit.put("stopped", result.cancelled());
            exit.put("timedOut", result.timedOut());
            send(frame("exit", exit));
            if (ctx.session.isOpen()) {
                ctx.closeSession(CLOSE_ENDED, result.cancelled() ? "the session was stopped" : "the shell ended");
            }
        }

        private void output(byte[] chunk) {
            sandboxes.touch(sessionId);
            sendBinary(chunk);
        }

        /** Typed bytes: refused unless a member opened this terminal, recorded, then handed to the shell. */
        private void type(byte[] bytes, String text) {
            Caller who = caller;
            if (who == null) {
                throw new ApiException(
                        401,
                        "not_open",
                        "send {\"type\":\"open\",\"token\":\"<live token>\"} first; only the session's members may type");
            }
            try {
                member(who); // a member made a viewer since the terminal opened types nothing more
            } catch (ApiException e) {
                refuse(e);
                return;
            }
            lastInput = clock.instant();
            sandboxes.touch(sessionId);
            synchronized (typed) {
                for (String batch : typed.add(text)) {
                    record(who, batch);
                }
            }
            if (!input.typed(bytes)) {
                throw new ApiException(
                        429, "shell_busy", "the shell is not reading its input; wait, or press Ctrl-C (^C) and retry");
            }
            cancel(pauseFlush);
            pauseFlush = timer.schedule(this::flushTyped, PAUSE_FLUSH.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void flushTyped() {
            Caller who = caller;
            if (who == null) {
                return;
            }
            synchronized (typed) {
                String batch = typed.flush();
                if (batch != null) {
                    record(who, batch);
                }
            }
        }

        private void record(Caller who, String text) {
            try {
                log.append(
                        sessionId,
                        null,
                        new EventPayload.TerminalInput(terminalId, who.userId(), who.displayName(), text));
            } catch (RuntimeException e) {
                LOG.warn("could not record terminal input of session {}", sessionId, e);
            }
        }

        private void resize(JsonNode message) {
            if (caller == null) {
                throw new ApiException(401, "not_open", "open the terminal first");
            }
            if (!input.resize(size(message, "cols", null, MAX_COLS), size(message, "rows", null, MAX_ROWS))) {
                throw new ApiException(429, "shell_busy", "the shell is not reading its input; try again");
            }
        }

        private static int size(JsonNode message, String field, Integer fallback, int max) {
            JsonNode value = message.get(field);
            if (value == null || value.isNull()) {
                if (fallback == null) {
                    throw ApiException.badRequest("resize needs '" + field + "'");
                }
                return fallback;
            }
            if (!value.canConvertToInt() || value.asInt() < 1 || value.asInt() > max) {
                throw ApiException.badRequest(
                        "'" + field + "' must be a whole number from 1 to " + max + ", got " + value);
            }
            return value.asInt();
        }

        void closeUnopened() {
            if (caller == null && ctx.session.isOpen()) {
                refuse(new ApiException(
                        408,
                        "open_timeout",
                        "no valid open within "
                                + sessions.limits().subscribeTimeout().toSeconds() + " s"));
            }
        }

        private void closeIfIdle() {
            Instant last = lastInput;
            if (last != null && !clock.instant().isBefore(last.plus(IDLE_TIMEOUT))) {
                refuse(new ApiException(
                        408,
                        "idle",
                        "nobody typed for " + IDLE_TIMEOUT.toMinutes() + " minutes; open the terminal again"));
            }
        }

        /** An error frame, then the close code 4000 + its status. */
        private void refuse(ApiException e) {
            error(e.status(), e.code(), e.getMessage());
            if (ctx.session.isOpen()) {
                String reason = e.getMessage();
                ctx.closeSession(CLOSE_BASE + e.status(), reason.length() > 120 ? reason.substring(0, 120) : reason);
            }
        }

        /** Once, when the socket closes: the last typing recorded, the shell hung up and killed. */
        void shutdown() {
            Thread running;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                running = shell;
                if (counted) {
                    perSession.computeIfPresent(sessionId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
                }
            }
            cancel(openDeadline);
            cancel(pauseFlush);
            cancel(idleCheck);
            flushTyped();
            input.close();
            if (running != null) {
                running.interrupt(); // exec kills the relay, the shell and everything they started
            }
            AutoCloseable g = grant;
            if (g != null) {
                try {
                    g.close();
                } catch (Exception ignored) {
                    // removing from a set does not fail
                }
            }
            if (caller != null) {
                LOG.info("terminal {} of session {} closed", terminalId, sessionId);
            }
        }

        private void error(int status, String code, String message) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", status);
            body.put("code", code);
            body.put("message", message);
            send(frame("error", body));
        }

        private void send(String text) {
            synchronized (sending) {
                if (!ctx.session.isOpen()) {
                    return;
                }
                try {
                    Callback.Completable done = new Callback.Completable();
                    ctx.session.sendText(text, done);
                    done.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    LOG.debug("terminal send failed", e);
                    ctx.closeSession();
                }
            }
        }

        /** On the shell's output thread; blocking here slows the shell down rather than queueing without end. */
        private void sendBinary(byte[] bytes) {
            synchronized (sending) {
                if (!ctx.session.isOpen()) {
                    return;
                }
                try {
                    Callback.Completable done = new Callback.Completable();
                    ctx.session.sendBinary(ByteBuffer.wrap(bytes), done);
                    done.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    LOG.debug("terminal output send failed", e);
                    ctx.closeSession();
                }
            }
        }
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    static String frame(String type, Map<String, ?> body) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type);
        frame.putAll(body);
        return Json.write(frame);
    }

    private static String relayScript() {
        try (InputStream in = TerminalSockets.class.getResourceAsStream("/terminal/pty-relay.py")) {
            if (in == null) {
                throw new IllegalStateException("terminal/pty-relay.py is missing from the server's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

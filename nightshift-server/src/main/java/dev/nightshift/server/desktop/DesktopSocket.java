package dev.nightshift.server.desktop;

import dev.nightshift.core.policy.Access;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.ReservedPorts;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.limits.RateLimits;
import dev.nightshift.server.live.LiveAccess;
import dev.nightshift.server.sandbox.SandboxManager;
import dev.nightshift.server.session.SessionService;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live desktop's picture: a WebSocket whose binary frames are the RFB (VNC) stream of one of the
 * sandbox's two x11vnc servers, for noVNC in the browser. Members and owners who ask for control
 * ({@code ?control=true}) reach the server that takes input; everyone else (viewers, share links,
 * members just watching) reaches the view-only one, through an {@link RfbInputFilter} that drops
 * whatever input they send. A viewer who asks for control is refused.
 *
 * <p>Authenticated like the port proxy's sockets: an {@code Authorization} header, else
 * {@code ?token=<live token>} (a browser's WebSocket cannot send headers). Refusals close the socket
 * with {@code 4000 + the HTTP status} and a reason: 4401 not signed in, 4403 not allowed, 4404 no such
 * session, 4409 the desktop is not running, 4429 too many connections, 4400 a stream a viewer may not
 * send; 4410 when the desktop stopped. Each connection counts against its address's API budget;
 * frames are at most {@link #MAX_FRAME_BYTES}; a session has at most {@link #MAX_CONNECTIONS_PER_SESSION}.
 *
 * <p>Threads: Jetty's (virtual) threads open sockets and deliver the client's frames; each bridge has
 * one platform thread reading the sandbox's side (a pipe read would pin a virtual thread's carrier
 * for as long as someone watches).
 */
public final class DesktopSocket {
    private static final Logger LOG = LoggerFactory.getLogger(DesktopSocket.class);
    public static final String PATH = "/api/sessions/{id}/desktop/ws";
    /** The largest frame a client may send; noVNC's messages are a few bytes to a few KiB. */
    static final int MAX_FRAME_BYTES = 64 * 1024;

    static final int MAX_CONNECTIONS_PER_SESSION = 32;
    private static final int READ_BYTES = 64 * 1024;
    /** A send that takes longer means the client stopped reading; it is disconnected. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    /** Pings keep an idle picture (nothing changes on screen) from the socket's idle timeout. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(20);
    /** How often a controlling member's role is checked again while they send input. */
    static final Duration CONTROL_RECHECK = Duration.ofSeconds(10);
    /** How often a controlling member's input counts as activity that keeps the sandbox awake. */
    private static final Duration TOUCH_INTERVAL = Duration.ofSeconds(30);

    static final int CLOSE_NORMAL = 1000;
    static final int CLOSE_STOPPED = 4410;

    private final DesktopService desktop;
    private final SandboxManager sandboxes;
    private final SessionService sessions;
    private final Authenticator auth;
    private final LiveAccess access;
    private final RateLimits rateLimits;
    private final Map<String, Bridge> bridges = new ConcurrentHashMap<>();

    public DesktopSocket(
            DesktopService desktop,
            SandboxManager sandboxes,
            SessionService sessions,
            Authenticator auth,
            LiveAccess access,
            RateLimits rateLimits) {
        this.desktop = desktop;
        this.sandboxes = sandboxes;
        this.sessions = sessions;
        this.auth = auth;
        this.access = access;
        this.rateLimits = rateLimits;
    }

    public void register(RoutesConfig routes) {
        routes.ws(PATH, ws -> {
            ws.onConnect(this::open);
            ws.onBinaryMessage(ctx -> {
                Bridge bridge = bridges.get(ctx.sessionId());
                if (bridge != null) {
                    bridge.fromClient(bytes(ctx.data()));
                }
            });
            ws.onMessage(ctx -> {
                Bridge bridge = bridges.get(ctx.sessionId());
                if (bridge != null) {
                    bridge.close(4400, "the desktop speaks RFB in binary frames only");
                }
            });
            ws.onClose(ctx -> closed(ctx.sessionId()));
            ws.onError(ctx -> closed(ctx.sessionId()));
        });
    }

    /** Open bridges on this node, for tests and metrics. */
    public int connectionCount() {
        return bridges.size();
    }

    private void open(WsConnectContext ctx) {
        String sessionId = ctx.pathParam("id");
        ctx.session.setMaxBinaryMessageSize(MAX_FRAME_BYTES);
        ctx.session.setMaxTextMessageSize(1024);
        try {
            String address = rateLimits.clientAddress(remoteAddress(ctx), ctx.header("X-Forwarded-For"));
            rateLimits.takeConnection(address).ifPresent(why -> {
                throw new ApiException(429, "rate_limited", why);
            });
            Caller caller = caller(ctx, sessionId);
            boolean control = "true".equals(ctx.queryParam("control"));
            sessions.require(caller, sessionId, Access.Action.READ);
            if (control) {
                try {
                    sessions.require(caller, sessionId, Access.Action.PROMPT);
                } catch (ApiException e) {
                    throw new ApiException(
                            e.status(),
                            e.code(),
                            "viewers watch only: taking control of the desktop needs the member role (" + e.getMessage()
                                    + ")");
                }
            }
            long open = bridges.values().stream()
                    .filter(b -> b.sessionId.equals(sessionId))
                    .count();
            if (open >= MAX_CONNECTIONS_PER_SESSION) {
                throw new ApiException(
                        429,
                        "too_many_viewers",
                        "the desktop already has " + open + " viewers, the most it serves; try again later");
            }
            Sandbox sandbox = desktop.running(sessionId)
                    .orElseThrow(() -> new ApiException(
                            409,
                            "desktop_not_running",
                            "the desktop is not running: a member starts it with POST /api/sessions/" + sessionId
                                    + "/desktop"));
            int port = control ? ReservedPorts.DESKTOP_VNC : ReservedPorts.DESKTOP_VNC_VIEW_ONLY;
            PortConnection upstream = sandbox.connect(port);
            Bridge bridge = new Bridge(ctx, sessionId, caller, control, upstream);
            bridges.put(ctx.sessionId(), bridge);
            bridge.grant = access.register(bridge);
            if (bridge.closed.get()) {
                bridge.releaseGrant(); // closed while it was being registered
            }
            sandboxes.touch(sessionId);
            ctx.enableAutomaticPings(PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            Thread.ofPlatform()
                    .daemon()
                    .name("desktop-" + sessionId + (control ? "-control" : "-view"))
                    .start(bridge::relayDown);
        } catch (ApiException e) {
            LOG.debug("desktop WebSocket refused: {}", e.getMessage());
            ctx.closeSession(4000 + e.status(), reason(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            LOG.debug("desktop WebSocket failed", e);
            ctx.closeSession(4503, reason("the desktop could not be reached: " + e.getMessage()));
        }
    }

    private Caller caller(WsConnectContext ctx, String sessionId) {
        if (ctx.header("Authorization") != null) {
            return auth.fromHeader(ctx.header("Authorization"));
        }
        String token = ctx.queryParam("token");
        if (token == null) {
            throw ApiException.unauthorized("open the desktop with ?token=<live token> or an Authorization header");
        }
        return auth.live(token, sessionId);
    }

    private static String remoteAddress(WsConnectContext ctx) {
        return ctx.session.getRemoteSocketAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : String.valueOf(ctx.session.getRemoteSocketAddress());
    }

    private void closed(String wsId) {
        Bridge bridge = bridges.get(wsId);
        if (bridge != null) {
            bridge.close(CLOSE_NORMAL, "closed");
        }
    }

    /** One browser's connection to one VNC server. */
    private final class Bridge implements LiveAccess.Grant {
        private final WsContext ctx;
        private final String sessionId;
        private final Caller caller;
        private final boolean control;
        private final PortConnection upstream;
        /** Null for a controlling member: their input is meant to reach the desktop. */
        private final RfbInputFilter filter;

        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile AutoCloseable grant;
        private long checkedAt = System.nanoTime();
        private long touchedAt = System.nanoTime();

        Bridge(WsContext ctx, String sessionId, Caller caller, boolean control, PortConnection upstream) {
            this.ctx = ctx;
            this.sessionId = sessionId;
            this.caller = caller;
            this.control = control;
            this.upstream = upstream;
            this.filter = control ? null : new RfbInputFilter();
        }

        @Override
        public Caller caller() {
            return caller;
        }

        @Override
        public String sessionId() {
            return sessionId;
        }

        @Override
        public void revoke(String reason) {
            close(4403, reason);
        }

        /** On the socket's message thread, one frame at a time. */
        void fromClient(byte[] data) {
            byte[] out = data;
            if (control) {
                long now = System.nanoTime();
                if (now - checkedAt > CONTROL_RECHECK.toNanos()) {
                    checkedAt = now;
                    try {
                        Caller fresh =
                                auth.refreshed(caller).orElseThrow(() -> ApiException.unauthorized("access revoked"));
                        sessions.require(fresh, sessionId, Access.Action.PROMPT);
                    } catch (ApiException e) {
                        close(4000 + e.status(), "you no longer have control of the desktop: " + e.getMessage());
                        return;
                    }
                }
                if (now - touchedAt > TOUCH_INTERVAL.toNanos()) {
                    touchedAt = now;
                    sandboxes.touch(sessionId);
                }
            } else {
                try {
                    out = filter.accept(data);
                } catch (RfbInputFilter.Refused e) {
                    close(4400, e.getMessage());
                    return;
                }
            }
            if (out.length == 0) {
                return;
            }
            try {
                OutputStream os = upstream.output();
                synchronized (upstream) {
                    os.write(out);
                    os.flush();
                }
            } catch (IOException e) {
                close(CLOSE_STOPPED, "the desktop stopped");
            }
        }

        /** From the VNC server to the browser, until either side ends; on this bridge's own thread. */
        void relayDown() {
            byte[] buffer = new byte[READ_BYTES];
            try {
                InputStream in = upstream.input();
                int n;
                while (!closed.get() && (n = in.read(buffer)) >= 0) {
                    if (n == 0) {
                        continue;
                    }
                    Callback.Completable done = new Callback.Completable();
                    ctx.session.sendBinary(ByteBuffer.wrap(Arrays.copyOf(buffer, n)), done);
                    done.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                close(CLOSE_STOPPED, "the desktop stopped");
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                close(CLOSE_STOPPED, "the desktop stopped or the viewer stopped reading");
            }
        }

        void releaseGrant() {
            AutoCloseable g = grant;
            if (g != null) {
                try {
                    g.close();
                } catch (Exception ignored) {
                    // only a set removal
                }
            }
        }

        /** Ends both sides once; from any thread. */
        void close(int code, String reason) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            bridges.remove(ctx.sessionId());
            upstream.close();
            releaseGrant();
            if (ctx.session.isOpen()) {
                ctx.closeSession(code, reason(reason));
            }
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** A close reason fits in a control frame (123 bytes); ours are ASCII. */
    private static String reason(String text) {
        String r = text == null ? "error" : text;
        return r.length() > 120 ? r.substring(0, 120) : r;
    }
}

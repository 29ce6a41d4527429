package dev.nightshift.server.sandbox;

import dev.nightshift.core.policy.Access;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.session.SessionService;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket connections to a port inside a sandbox (a dev server's live reload, an app's own
 * sockets): the client's socket is accepted here, a WebSocket client connection is made to the
 * port through the sandbox, and messages are relayed both ways. Authenticated like
 * {@link PortProxy}: header, a {@code ~<live token>} first path segment, the port's cookie, or
 * {@code ?token=}. A socket carries no page, so the proxy's page policy has nothing to add here.
 *
 * <p>Subprotocols pass through: the ones the client offers ({@code Sec-WebSocket-Protocol}, e.g.
 * Vite's {@code vite-hmr}, which its dev server insists on) are offered to the server in the sandbox.
 * The client's handshake is answered before the sandbox is asked, with the first protocol it offered
 * (what Javalin does), so a server there that picks another one is refused rather than spoken to in a
 * protocol the client did not agree to.
 */
public final class PortWebSockets {
    private static final Logger LOG = LoggerFactory.getLogger(PortWebSockets.class);
    private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SandboxManager sandboxes;
    private final SessionService sessions;
    private final Authenticator auth;
    private final PortProxy ports;
    private final Map<String, PortConnection> upstreams = new ConcurrentHashMap<>();

    public PortWebSockets(SandboxManager sandboxes, SessionService sessions, Authenticator auth, PortProxy ports) {
        this.sandboxes = sandboxes;
        this.sessions = sessions;
        this.auth = auth;
        this.ports = ports;
    }

    public void register(RoutesConfig routes) {
        for (String path : List.of("/api/sessions/{id}/ports/{port}", "/api/sessions/{id}/ports/{port}/<path>")) {
            routes.ws(path, ws -> {
                ws.onConnect(this::open);
                ws.onMessage(ctx -> send(ctx, WsFrames.TEXT, ctx.message().getBytes(StandardCharsets.UTF_8)));
                ws.onBinaryMessage(ctx -> send(ctx, WsFrames.BINARY, bytes(ctx.data())));
                ws.onClose(ctx -> close(ctx.sessionId()));
                ws.onError(ctx -> close(ctx.sessionId()));
            });
        }
    }

    private Caller caller(WsConnectContext ctx, String sessionId, int port) {
        if (ctx.header("Authorization") != null) {
            return auth.fromHeader(ctx.header("Authorization"));
        }
        String inPath = PortProxy.Target.of(ctx.pathParamMap()).token();
        if (inPath != null) {
            return auth.live(inPath, sessionId); // a sandboxed preview page's relative URL
        }
        String token = ctx.queryParam("token") != null ? ctx.queryParam("token") : ctx.cookie("ns_port_" + port);
        if (token == null) {
            throw ApiException.unauthorized("open this port with ?token=<live token> or the port's cookie");
        }
        return auth.live(token, sessionId);
    }

    private void open(WsConnectContext ctx) {
        String sessionId = ctx.pathParam("id");
        try {
            int port = Integer.parseInt(ctx.pathParam("port"));
            sessions.require(caller(ctx, sessionId, port), sessionId, Access.Action.READ);
            Sandbox sandbox = sandboxes
                    .current(sessionId)
                    .orElseThrow(
                            () -> new ApiException(503, "sandbox_not_running", "the session's sandbox is not running"));
            if (!ports.userPorts(sandbox).contains(port)) {
                throw ports.notOpen(sandbox, port);
            }
            PortConnection upstream = sandbox.connect(port);
            handshake(upstream, ctx, port);
            upstreams.put(ctx.sessionId(), upstream);
            sandboxes.touch(sessionId);
            Thread.ofVirtual().name("port-ws-" + port).start(() -> relayDown(ctx, upstream));
        } catch (ApiException | IOException | NumberFormatException e) {
            LOG.debug("port WebSocket refused: {}", e.getMessage());
            ctx.closeSession(1011, truncate(e.getMessage()));
        }
    }

    private static void handshake(PortConnection upstream, WsConnectContext ctx, int port) throws IOException {
        String path = PortProxy.Target.of(ctx.pathParamMap()).path();
        String query = ctx.queryString() == null
                ? ""
                : String.join(
                        "&",
                        java.util.Arrays.stream(ctx.queryString().split("&"))
                                .filter(p -> !p.startsWith("token="))
                                .toList());
        List<String> offered = offeredProtocols(ctx.header("Sec-WebSocket-Protocol"));
        String chosen = handshake(upstream, path + (query.isEmpty() ? "" : "?" + query), offered, port);
        if (chosen != null && !chosen.equals(offered.getFirst())) {
            throw new IOException("the server on port " + port + " chose the subprotocol '" + chosen + "'"
                    + " instead of '" + offered.getFirst() + "'");
        }
    }

    /**
     * Opens the WebSocket with the server on {@code port} as its client, offering {@code offered};
     * returns the subprotocol the server chose (one of those offered), or null for none. Reads at
     * most {@value #MAX_HANDSHAKE_BYTES} bytes of its answer.
     */
    static String handshake(PortConnection upstream, String target, List<String> offered, int port) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        StringBuilder request = new StringBuilder()
                .append("GET ")
                .append(target)
                .append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:")
                .append(port)
                .append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                .append("Sec-WebSocket-Key: ")
                .append(Base64.getEncoder().encodeToString(nonce))
                .append("\r\n")
                .append("Origin: http://127.0.0.1:")
                .append(port)
                .append("\r\n");
        if (!offered.isEmpty()) {
            request.append("Sec-WebSocket-Protocol: ")
                    .append(String.join(", ", offered))
                    .append("\r\n");
        }
        request.append("\r\n");
        OutputStream out = upstream.output();
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = upstream.input();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0 || head.size() > MAX_HANDSHAKE_BYTES) {
                throw new IOException("the server on port " + port + " did not accept the WebSocket");
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String status = lines[0];
        if (!status.matches("HTTP/1\\.[01] 101.*")) {
            throw new IOException(
                    "the server on port " + port + " answered '" + status + "' instead of switching to WebSocket");
        }
        String chosen = null;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Protocol")) {
                chosen = line.substring(colon + 1).trim();
            }
        }
        if (chosen != null && !offered.contains(chosen)) {
            throw new IOException("the server on port " + port + " chose the subprotocol '" + chosen + "'"
                    + ", which the client did not offer");
        }
        return chosen;
    }

    /** The subprotocols a client offers, in its order: a comma-separated header value. */
    static List<String> offeredProtocols(String header) {
        if (header == null) {
            return List.of();
        }
        return java.util.Arrays.stream(header.split(","))
                .map(String::trim)
                .filter(p -> p.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) // tokens only: nothing else reaches the request
                .toList();
    }

    /** From the sandbox to the client, until either side closes. */
    private void relayDown(WsContext ctx, PortConnection upstream) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageType = WsFrames.TEXT;
        try {
            while (true) {
                WsFrames.Frame frame = WsFrames.read(upstream.input());
                switch (frame.opcode()) {
                    case WsFrames.PING -> send(ctx, WsFrames.PONG, frame.payload());
                    case WsFrames.PONG -> {}
                    case WsFrames.CLOSE -> {
                        ctx.closeSession(1000, "the server in the sandbox closed the connection");
                        return;
                    }
                    default -> {
                        if (frame.opcode() != WsFrames.CONTINUATION) {
                            messageType = frame.opcode();
                            message.reset();
                        }
                        message.write(frame.payload());
                        if (frame.fin()) {
                            if (messageType == WsFrames.TEXT) {
                                ctx.send(message.toString(StandardCharsets.UTF_8));
                            } else {
                                ctx.send(ByteBuffer.wrap(message.toByteArray()));
                            }
                            message.reset();
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (ctx.session.isOpen()) {
                ctx.closeSession(1011, truncate(e.getMessage()));
            }
        } finally {
            close(ctx.sessionId());
        }
    }

    private void send(WsContext ctx, int opcode, byte[] payload) {
        PortConnection upstream = upstreams.get(ctx.sessionId());
        if (upstream == null) {
            return;
        }
        try {
            synchronized (upstream) {
                WsFrames.write(upstream.output(), opcode, payload);
            }
        } catch (IOException e) {
            ctx.closeSession(1011, "the server in the sandbox went away");
        }
    }

    private void close(String wsId) {
        PortConnection upstream = upstreams.remove(wsId);
        if (upstream != null) {
            try {
                synchronized (upstream) {
                    WsFrames.write(upstream.output(), WsFrames.CLOSE, new byte[] {0x03, (byte) 0xe8});
                }
            } catch (IOException ignored) {
                // already gone
            }
            upstream.close();
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static String truncate(String reason) {
        String r = reason == null ? "error" : reason;
        return r.length() > 100 ? r.substring(0, 100) : r;
    }
}

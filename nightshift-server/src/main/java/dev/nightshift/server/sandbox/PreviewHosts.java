package dev.nightshift.server.sandbox;

import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.limits.RateLimits;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host-based previews ({@code NIGHTSHIFT_PREVIEW_DOMAIN}): a request whose host is
 * {@code p<port>-<session>.<domain>} ({@link PreviewHost}) goes to that port of that session's
 * sandbox, whatever its path and method, HTTP or WebSocket, before any route of the server sees
 * it; so an app's absolute paths ({@code /assets/app.css}, {@code /api/…}) are its own. Every other
 * host passes on to the server's routes untouched. A servlet filter, ahead of Javalin's servlet;
 * runs on the request's (virtual) thread, and a WebSocket's messages from the sandbox on a virtual
 * thread of their own.
 *
 * <p>In order: the address's rate limit; a port Nightshift reserves is refused (404) before
 * anything else is read; a request from another session's preview ({@code Origin}) is refused; then
 * {@code /~<ticket>} is exchanged for the host's cookie ({@link PreviewAccess}), or the cookie is
 * checked; only then is the sandbox looked at (503 when it sleeps, 502 when nothing listens). What
 * reaches the app carries neither the preview cookie nor any other Nightshift credential
 * ({@code Authorization}, the path form's {@code ns_port_*} cookies); its host is
 * {@code 127.0.0.1:<port>} with {@code X-Forwarded-Host}/{@code -Proto} naming the preview's.
 *
 * <p>The preview is its own origin, so unlike the path form it runs as a normal page (no CSP
 * sandbox): its cookies, storage and service workers belong to that host alone. A cookie the app
 * sets for the whole domain ({@code Domain=}) is dropped, as is one named like Nightshift's, so one
 * preview cannot plant cookies on another's host.
 */
public final class PreviewHosts implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(PreviewHosts.class);
    static final String COOKIE = "ns_preview";
    static final String SECURE_COOKIE = "__Host-ns_preview";
    /** How long a preview's WebSocket may stay silent, as the API's own sockets. */
    private static final Duration WEBSOCKET_IDLE = Duration.ofSeconds(60);

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "transfer-encoding",
            "trailer",
            "proxy-authenticate",
            "upgrade",
            "content-length");
    private static final Set<String> NOT_FORWARDED = Set.of("cookie", "x-forwarded-host", "x-forwarded-proto");

    private final PreviewAccess access;
    private final PortProxy ports;
    private final SandboxManager sandboxes;
    private final RateLimits rateLimits;
    private final long maxBodyBytes;

    /** @param maxBodyBytes the largest request body relayed, as the API's */
    public PreviewHosts(
            PreviewAccess access, PortProxy ports, SandboxManager sandboxes, RateLimits rateLimits, long maxBodyBytes) {
        this.access = access;
        this.ports = ports;
        this.sandboxes = sandboxes;
        this.rateLimits = rateLimits;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        Optional<PreviewHost> preview = access.previewOf(req.getServerName());
        if (preview.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse res = (HttpServletResponse) response;
        String address = rateLimits.clientAddress(req.getRemoteAddr(), req.getHeader("X-Forwarded-For"));
        try {
            serve(req, res, preview.get(), address);
        } catch (ApiException e) {
            if (e.status() == 401) {
                rateLimits.failedAuthentication(address);
            }
            if (!res.isCommitted()) {
                error(res, e.status(), e.code(), e.getMessage());
            }
        } catch (IOException e) {
            LOG.debug("preview {} failed: {}", req.getServerName(), e.getMessage());
            if (!res.isCommitted()) {
                error(res, 502, "bad_gateway", "the server in the sandbox went away: " + e.getMessage());
            }
        }
    }

    private void serve(HttpServletRequest req, HttpServletResponse res, PreviewHost host, String address)
            throws IOException {
        Optional<RateLimits.Refusal> limited = rateLimits.checkPreview(address);
        if (limited.isPresent()) {
            res.setHeader("Retry-After", String.valueOf(limited.get().retryAfterSeconds()));
            throw new ApiException(429, "rate_limited", limited.get().text());
        }
        if (ports.reserved(host.port())) {
            throw new ApiException(
                    404,
                    "port_reserved",
                    "port " + host.port() + " belongs to Nightshift itself (the egress proxy, the agent's browser or"
                            + " the desktop) and is never previewed");
        }
        refuseOtherSessions(req, host);
        boolean secure = req.isSecure() || access.secure();
        String path = req.getRequestURI();
        String ticketStart = "/" + PortProxy.TOKEN_SEGMENT + PreviewAccess.TICKET_SECRET_PREFIX + "_";
        if (path.startsWith(ticketStart)) {
            exchange(req, res, host, path, secure);
            return;
        }
        access.authenticate(cookie(req), host);
        Sandbox sandbox = sandboxes
                .current(host.sessionId())
                .orElseThrow(() -> new ApiException(
                        503,
                        "sandbox_not_running",
                        "the session's sandbox is not running (it may be hibernated); send a prompt or resume it"
                                + " from the session's page"));
        if (!ports.userPorts(sandbox).contains(host.port())) {
            throw ports.notOpen(sandbox, host.port());
        }
        sandboxes.touch(host.sessionId());
        String target = path + (req.getQueryString() == null ? "" : "?" + req.getQueryString());
        if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            webSocket(req, res, sandbox, host.port(), target);
            return;
        }
        ports.relay(
                sandbox,
                host.port(),
                req.getMethod(),
                target,
                forwardedHeaders(req, secure),
                body(req),
                res,
                PreviewHosts::returned,
                false);
    }

    /**
     * A page of another session's preview shares this domain (same site), so a browser would send
     * this host's cookie with its requests; such requests are refused. A preview of another port of
     * the same session may call this one (a front end and its API).
     */
    private void refuseOtherSessions(HttpServletRequest req, PreviewHost host) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return;
        }
        String originHost;
        try {
            originHost = java.net.URI.create(origin).getHost();
        } catch (IllegalArgumentException e) {
            originHost = null;
        }
        Optional<PreviewHost> from = access.previewOf(originHost);
        if (from.isPresent() && !from.get().sessionId().equals(host.sessionId())) {
            throw ApiException.forbidden("a preview of another session cannot call this one");
        }
    }

    /** {@code /~<ticket>[/path]}: the ticket becomes this host's cookie, then the browser goes to the path. */
    private void exchange(
            HttpServletRequest req, HttpServletResponse res, PreviewHost host, String path, boolean secure) {
        if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
            throw new ApiException(405, "method_not_allowed", "a preview link is opened with GET");
        }
        int slash = path.indexOf('/', 1);
        String ticket = path.substring(2, slash < 0 ? path.length() : slash);
        String rest = slash < 0 ? "/" : path.substring(slash);
        if (rest.startsWith("//") || rest.startsWith("/\\")) {
            rest = "/"; // never a redirect to another host
        }
        String cookie = access.exchange(ticket, host);
        res.setStatus(303);
        res.setHeader("Location", rest + (req.getQueryString() == null ? "" : "?" + req.getQueryString()));
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.addHeader("Set-Cookie", setCookie(cookie, access.cookieTtl().toSeconds(), secure));
    }

    /** The preview's cookie: this host only, not for scripts, not sent by other sites' subrequests. */
    static String setCookie(String value, long maxAgeSeconds, boolean secure) {
        return (secure ? SECURE_COOKIE : COOKIE) + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    private static String cookie(HttpServletRequest req) {
        for (String header : Collections.list(req.getHeaders("Cookie"))) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String name = pair.substring(0, eq).trim();
                    if (name.equals(SECURE_COOKIE) || name.equals(COOKIE)) {
                        return pair.substring(eq + 1).trim();
                    }
                }
            }
        }
        return null;
    }

    /** Whether a cookie name is Nightshift's (the preview's, the path form's): never forwarded, never set by an app. */
    static boolean nightshiftCookie(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.equals(COOKIE) || n.equals(SECURE_COOKIE.toLowerCase(Locale.ROOT)) || n.startsWith("ns_port_");
    }

    /** The app's own cookies from a {@code Cookie} header, without Nightshift's; null when none is left. */
    static String appCookies(List<String> cookieHeaders) {
        List<String> kept = new ArrayList<>();
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                String p = pair.trim();
                int eq = p.indexOf('=');
                if (!p.isEmpty() && !nightshiftCookie(eq < 0 ? p : p.substring(0, eq))) {
                    kept.add(p);
                }
            }
        }
        return kept.isEmpty() ? null : String.join("; ", kept);
    }

    private static List<String[]> forwardedHeaders(HttpServletRequest req, boolean secure) {
        List<String[]> headers = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (seen.add(lower) && !NOT_FORWARDED.contains(lower)) {
                for (String value : Collections.list(req.getHeaders(name))) {
                    headers.add(new String[] {name, value});
                }
            }
        }
        String cookies = appCookies(Collections.list(req.getHeaders("Cookie")));
        if (cookies != null) {
            headers.add(new String[] {"Cookie", cookies});
        }
        String host = req.getHeader("Host");
        headers.add(new String[] {"X-Forwarded-Host", host != null ? host : req.getServerName()});
        headers.add(new String[] {"X-Forwarded-Proto", secure ? "https" : "http"});
        return headers;
    }

    /**
     * Whether a header the app sent reaches the browser. The preview is the app's own origin, so
     * nearly everything does; not hop-by-hop headers, and no cookie for the whole domain (it would
     * reach other sessions' previews) or named like Nightshift's.
     */
    static boolean returned(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (HOP_BY_HOP.contains(lower)) {
            return false;
        }
        if (lower.equals("set-cookie")) {
            String[] parts = value.split(";");
            int eq = parts[0].indexOf('=');
            if (nightshiftCookie(eq < 0 ? parts[0] : parts[0].substring(0, eq))) {
                return false;
            }
            for (int i = 1; i < parts.length; i++) {
                String attribute = parts[i].trim().toLowerCase(Locale.ROOT);
                if (attribute.equals("domain") || attribute.startsWith("domain=") || attribute.startsWith("domain ")) {
                    return false;
                }
            }
        }
        return true;
    }

    private byte[] body(HttpServletRequest req) throws IOException {
        long declared = req.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = req.getInputStream()) {
            byte[] body = in.readNBytes((int) maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    private ApiException tooLarge() {
        return new ApiException(
                413,
                "payload_too_large",
                "the request body is larger than " + (maxBodyBytes >> 20) + " MiB, the most a preview accepts");
    }

    /**
     * The client's WebSocket is accepted only once the server in the sandbox accepted ours, with the
     * subprotocol that server chose among those the client offered; a server that refuses is a 502.
     */
    private void webSocket(HttpServletRequest req, HttpServletResponse res, Sandbox sandbox, int port, String target)
            throws IOException {
        List<String> offered = PortWebSockets.offeredProtocols(
                String.join(",", Collections.list(req.getHeaders("Sec-WebSocket-Protocol"))));
        JettyWebSocketServerContainer container = JettyWebSocketServerContainer.getContainer(req.getServletContext());
        boolean upgraded = container.upgrade(
                (upgradeRequest, upgradeResponse) -> {
                    PortConnection upstream = sandbox.connect(port);
                    String chosen;
                    try {
                        chosen = PortWebSockets.handshake(upstream, target, offered, port);
                    } catch (IOException e) {
                        upstream.close();
                        upgradeResponse.sendError(502, e.getMessage());
                        return null;
                    }
                    if (chosen != null) {
                        upgradeResponse.setAcceptedSubProtocol(chosen);
                    }
                    return new Relay(upstream, port);
                },
                req,
                res);
        if (!upgraded && !res.isCommitted()) {
            throw ApiException.badRequest("not a WebSocket handshake Nightshift can relay");
        }
    }

    /**
     * One relayed WebSocket: the client's messages go up on Jetty's thread, the sandbox's come down on
     * our own. Public because Jetty finds its methods through a public lookup.
     */
    public static final class Relay implements Session.Listener.AutoDemanding {
        private final PortConnection upstream;
        private final int port;
        private volatile Session session;

        Relay(PortConnection upstream, int port) {
            this.upstream = upstream;
            this.port = port;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            session.setIdleTimeout(WEBSOCKET_IDLE);
            Thread.ofVirtual().name("preview-ws-" + port).start(this::relayDown);
        }

        @Override
        public void onWebSocketText(String message) {
            up(WsFrames.TEXT, message.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            up(WsFrames.BINARY, bytes);
            callback.succeed();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closeUpstream();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            closeUpstream();
        }

        private void up(int opcode, byte[] payload) {
            try {
                synchronized (upstream) {
                    WsFrames.write(upstream.output(), opcode, payload);
                }
            } catch (IOException e) {
                session.close(1011, "the server in the sandbox went away", Callback.NOOP);
            }
        }

        private void relayDown() {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            int messageType = WsFrames.TEXT;
            try {
                while (true) {
                    WsFrames.Frame frame = WsFrames.read(upstream.input());
                    switch (frame.opcode()) {
                        case WsFrames.PING -> up(WsFrames.PONG, frame.payload());
                        case WsFrames.PONG -> {}
                        case WsFrames.CLOSE -> {
                            session.close(1000, "the server in the sandbox closed the connection", Callback.NOOP);
                            return;
                        }
                        default -> {
                            if (frame.opcode() != WsFrames.CONTINUATION) {
                                messageType = frame.opcode();
                                message.reset();
                            }
                            message.write(frame.payload());
                            if (frame.fin()) {
                                Callback.Completable sent = new Callback.Completable();
                                if (messageType == WsFrames.TEXT) {
                                    session.sendText(message.toString(StandardCharsets.UTF_8), sent);
                                } else {
                                    session.sendBinary(ByteBuffer.wrap(message.toByteArray()), sent);
                                }
                                sent.get(); // the client's pace is the sandbox's
                                message.reset();
                            }
                        }
                    }
                }
            } catch (Exception e) {
                if (session.isOpen()) {
                    String reason = e.getMessage() == null ? "error" : e.getMessage();
                    session.close(1011, reason.length() > 100 ? reason.substring(0, 100) : reason, Callback.NOOP);
                }
            } finally {
                closeUpstream();
            }
        }

        private void closeUpstream() {
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

    private static void error(HttpServletResponse res, int status, String code, String message) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setHeader("Cache-Control", "no-store");
        res.getOutputStream().write(Json.write(Map.of("error", error)).getBytes(StandardCharsets.UTF_8));
    }
}

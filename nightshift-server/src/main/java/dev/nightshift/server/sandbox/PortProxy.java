package dev.nightshift.server.sandbox;

import dev.nightshift.core.policy.Access;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.ReservedPorts;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.session.SessionService;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Makes a port inside a session's sandbox reachable at {@code /api/sessions/{id}/ports/{port}/…},
 * so a reviewer can click through the running prototype. Authenticated like the rest of the API;
 * in a browser (which cannot send a header while following links) with a live token as the first
 * path segment, {@code /api/sessions/{id}/ports/{port}/~<live token>/…}, so every relative URL of
 * the page carries it; or with {@code ?token=<live token>} once, which sets a cookie scoped to that
 * port's path (for clients that keep cookies; a sandboxed page's own requests are cross-site, so a
 * browser does not send the cookie with them). Requests are forwarded as HTTP/1.0 with
 * {@code Connection: close}, which every dev server answers without chunking; the Nightshift
 * credentials are never forwarded into the sandbox.
 *
 * <p>What the sandbox serves is untrusted (the agent wrote it, or a repository it was told to run),
 * yet it comes from the web UI's own origin. So every relayed response carries
 * {@value #PREVIEW_POLICY}: the browser runs the page in an opaque origin (there is no
 * {@code allow-same-origin}), where it cannot read the UI's {@code localStorage} (the person's API
 * token) or cookies, and its requests to {@code /api} are cross-origin and carry no credentials.
 * Browsers enforce every CSP header a response has, so a policy the sandbox sends may stay: it can
 * only narrow ours. Headers that act on the whole origin rather than the page are dropped: CORS
 * grants ({@code Access-Control-Allow-*}, which would let other origins read the UI's responses),
 * {@code Set-Cookie} outside this port's path or for the proxy's own cookie, and
 * {@code Clear-Site-Data} (which would wipe the UI's storage). {@code nosniff} keeps a text file from
 * being run as a page. Runs on the request's virtual thread.
 */
public final class PortProxy {
    public static final int MAX_USER_PORTS = 10;
    private static final int MAX_RESPONSE_HEAD_BYTES = 64 * 1024;
    private static final String COOKIE_PREFIX = "ns_port_";
    static final String TOKEN_SEGMENT = "~";
    private static final Set<String> NOT_FORWARDED = Set.of(
            "host",
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "authorization",
            "content-length");
    private static final Set<String> NOT_RETURNED = Set.of(
            "connection",
            "keep-alive",
            "transfer-encoding",
            "trailer",
            "proxy-authenticate",
            "upgrade",
            "content-length");

    /** The sandbox flags a preview needs to work as a page, without {@code allow-same-origin}. */
    static final String PREVIEW_POLICY = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads";

    private final SandboxManager sandboxes;
    private final SessionService sessions;
    private final Authenticator auth;
    private final int egressPort;

    public PortProxy(SandboxManager sandboxes, SessionService sessions, Authenticator auth, int egressPort) {
        this.sandboxes = sandboxes;
        this.sessions = sessions;
        this.auth = auth;
        this.egressPort = egressPort;
    }

    public void register(RouteTable routes) {
        for (String path : List.of("/api/sessions/{id}/ports/{port}", "/api/sessions/{id}/ports/{port}/<path>")) {
            routes.get(path, this::forward);
            routes.post(path, this::forward);
            routes.put(path, this::forward);
            routes.delete(path, this::forward);
        }
    }

    /**
     * The ports a session's reviewers may open: what listens, minus Nightshift's own (the egress
     * proxy, and the ports {@link dev.nightshift.core.sandbox.ReservedPorts} keeps for the agent's
     * browser and the live desktop), the ten lowest
     * (in the order of the port numbers, not of the kernel's socket table, so the same ten stay open
     * from one scan to the next).
     */
    public List<Integer> userPorts(Sandbox sandbox) {
        return sandbox.ports().stream()
                .filter(p -> !reserved(p))
                .sorted()
                .limit(MAX_USER_PORTS)
                .toList();
    }

    /**
     * A port Nightshift itself uses in every sandbox (the egress proxy, the agent's browser, the
     * desktop): never previewed, whatever listens there.
     */
    public boolean reserved(int port) {
        return port == egressPort || ReservedPorts.reserved(port);
    }

    /** Why a port is not open to reviewers: nothing listens on it, or it is past the ten. */
    ApiException notOpen(Sandbox sandbox, int port) {
        List<Integer> open = userPorts(sandbox);
        if (!reserved(port) && sandbox.ports().contains(port)) {
            return new ApiException(
                    502,
                    "port_not_previewed",
                    "port " + port + " listens, but only the " + MAX_USER_PORTS
                            + " lowest listening ports of a sandbox are previewed: " + open);
        }
        return new ApiException(
                502, "port_not_listening", "nothing listens on port " + port + " in the sandbox; listening: " + open);
    }

    /** What a request under a port names: the live token of a {@code ~<token>} first segment, and the path in the sandbox. */
    record Target(String token, String path) {
        static Target of(Map<String, String> pathParams) {
            String raw = pathParams.get("path");
            if (raw == null || raw.isEmpty()) {
                return new Target(null, "/");
            }
            if (raw.startsWith(TOKEN_SEGMENT)) {
                int slash = raw.indexOf('/');
                return new Target(
                        raw.substring(1, slash < 0 ? raw.length() : slash), slash < 0 ? "/" : raw.substring(slash));
            }
            return new Target(null, "/" + raw);
        }
    }

    private Caller caller(Context ctx, String sessionId, int port, Target target) {
        if (ctx.header("Authorization") != null) {
            return auth.fromHeader(ctx.header("Authorization"));
        }
        if (target.token() != null) {
            return auth.live(target.token(), sessionId);
        }
        String token = ctx.queryParam("token");
        String cookie = COOKIE_PREFIX + port;
        if (token != null) {
            Caller caller = auth.live(token, sessionId);
            ctx.header(
                    "Set-Cookie",
                    cookie + "=" + token + "; Path=/api/sessions/" + sessionId + "/ports/" + port
                            + "/; HttpOnly; SameSite=Lax");
            return caller;
        }
        String fromCookie = ctx.cookie(cookie);
        if (fromCookie != null) {
            return auth.live(fromCookie, sessionId);
        }
        throw ApiException.unauthorized("open this port with ?token=<live token> (POST /api/sessions/" + sessionId
                + "/live-token) or an Authorization header");
    }

    private void forward(Context ctx) throws IOException {
        String sessionId = ctx.pathParam("id");
        int port;
        try {
            port = Integer.parseInt(ctx.pathParam("port"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("the port must be a number, got '" + ctx.pathParam("port") + "'");
        }
        Target target = Target.of(ctx.pathParamMap());
        sessions.require(caller(ctx, sessionId, port, target), sessionId, Access.Action.READ);
        Sandbox sandbox = sandboxes
                .current(sessionId)
                .orElseThrow(() -> new ApiException(
                        503,
                        "sandbox_not_running",
                        "the session's sandbox is not running (it may be hibernated); send a prompt or POST /api/sessions/"
                                + sessionId + "/sandbox/resume"));
        if (!userPorts(sandbox).contains(port)) {
            throw notOpen(sandbox, port);
        }
        sandboxes.touch(sessionId);
        String path = target.path();
        String query = ctx.queryString() == null ? "" : stripToken(ctx.queryString());
        List<String[]> headers = new ArrayList<>();
        for (String name : ctx.headerMap().keySet()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(lower) && !lower.equals("cookie")) {
                headers.add(new String[] {name, ctx.header(name)});
            }
        }
        String portPath = "/api/sessions/" + sessionId + "/ports/" + port + "/";
        relay(
                sandbox,
                port,
                ctx.method().name(),
                path + (query.isEmpty() ? "" : "?" + query),
                headers,
                ctx.bodyAsBytes(),
                ctx.res(),
                (name, value) -> returned(name, value, portPath),
                true);
    }

    /**
     * One request to a port in the sandbox and its answer relayed to {@code res}: the head as
     * HTTP/1.0 with {@code Connection: close}, then the body; the answer's headers pass when
     * {@code returned} says so. {@code pathForm}: the page shares the web UI's origin, so it gets
     * {@value #PREVIEW_POLICY} and keeps no referrer (its URL holds a live token). Throws
     * {@link ApiException} (502) before anything is written when the server there does not answer
     * HTTP.
     */
    void relay(
            Sandbox sandbox,
            int port,
            String method,
            String target,
            List<String[]> headers,
            byte[] body,
            HttpServletResponse res,
            BiPredicate<String, String> returned,
            boolean pathForm)
            throws IOException {
        try (PortConnection c = sandbox.connect(port)) {
            OutputStream up = c.output();
            StringBuilder head = new StringBuilder();
            head.append(method)
                    .append(' ')
                    .append(target)
                    .append(" HTTP/1.0\r\nHost: 127.0.0.1:")
                    .append(port)
                    .append("\r\n");
            for (String[] header : headers) {
                if (!NOT_FORWARDED.contains(header[0].toLowerCase(Locale.ROOT))) {
                    head.append(header[0]).append(": ").append(header[1]).append("\r\n");
                }
            }
            if (body.length > 0) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            up.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            up.write(body);
            up.flush();
            relayResponse(c.input(), res, port, returned, pathForm);
        }
    }

    private static String stripToken(String query) {
        return String.join(
                "&",
                java.util.Arrays.stream(query.split("&"))
                        .filter(p -> !p.startsWith("token="))
                        .toList());
    }

    /**
     * Whether a header the sandbox sent reaches the browser. {@code portPath} is the port's prefix,
     * {@code /api/sessions/{id}/ports/{port}/}.
     */
    static boolean returned(String name, String value, String portPath) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (NOT_RETURNED.contains(lower)
                || lower.startsWith("access-control-allow-")
                || lower.equals("clear-site-data")
                || lower.equals("service-worker-allowed")) {
            return false;
        }
        if (lower.equals("set-cookie")) {
            return cookieStaysInPort(value, portPath);
        }
        return true;
    }

    /** A cookie without a Path lands in the page's own directory, which is inside the port's prefix. */
    private static boolean cookieStaysInPort(String setCookie, String portPath) {
        String[] parts = setCookie.split(";");
        if (parts[0].trim().toLowerCase(Locale.ROOT).startsWith(COOKIE_PREFIX)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            int eq = attribute.indexOf('=');
            String key =
                    (eq < 0 ? attribute : attribute.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            if (key.equals("domain")) {
                return false;
            }
            if (key.equals("path")) {
                String path = eq < 0 ? "" : attribute.substring(eq + 1).trim();
                if (!(path + "/").startsWith(portPath) || path.contains("..") || path.contains("%")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void relayResponse(
            InputStream in, HttpServletResponse res, int port, BiPredicate<String, String> returned, boolean pathForm)
            throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new ApiException(
                        502, "bad_gateway", "the server on port " + port + " closed the connection without an answer");
            }
            head.write(b);
            if (head.size() > MAX_RESPONSE_HEAD_BYTES) {
                throw new ApiException(
                        502, "bad_gateway", "the server on port " + port + " sent an oversized response head");
            }
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1
                    : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new ApiException(502, "bad_gateway", "the server on port " + port + " did not answer HTTP");
        }
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new ApiException(502, "bad_gateway", "the server on port " + port + " sent a malformed status line");
        }
        res.setStatus(status);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                String name = lines[i].substring(0, colon).trim();
                String value = lines[i].substring(colon + 1).trim();
                if (returned.test(name, value)) {
                    res.addHeader(name, value);
                }
            }
        }
        if (pathForm) {
            res.addHeader("Content-Security-Policy", PREVIEW_POLICY);
            res.setHeader("Referrer-Policy", "no-referrer"); // the page's URL holds its live token
        }
        res.setHeader("X-Content-Type-Options", "nosniff");
        OutputStream out = res.getOutputStream();
        in.transferTo(out);
        out.flush();
    }
}

package dev.nightshift.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Host-based previews through a real server and a real sandbox. The test speaks HTTP and WebSocket
 * over plain sockets, so it can name any {@code Host} (the JDK's clients refuse to set it).
 */
class PreviewHostServerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String DOMAIN = "preview.test";

    /** An app with absolute asset paths, an echo of what reached it, and cookies of every kind. */
    private static final String APP = """
            import http.server, json, sys
            class App(http.server.BaseHTTPRequestHandler):
                def reply(self, status, ctype, body, extra=()):
                    self.send_response(status)
                    self.send_header('Content-Type', ctype)
                    self.send_header('Content-Length', str(len(body)))
                    for k, v in extra:
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                def do_GET(self):
                    if self.path == '/':
                        self.reply(200, 'text/html', b'<link rel="stylesheet" href="/assets/app.css"><h1>app</h1>')
                    elif self.path == '/assets/app.css':
                        self.reply(200, 'text/css', b'h1 { color: rebeccapurple }')
                    elif self.path.startswith('/echo'):
                        seen = {'path': self.path, 'headers': {k.lower(): v for k, v in self.headers.items()}}
                        self.reply(200, 'application/json', json.dumps(seen).encode(), [
                            ('Set-Cookie', 'app=1; Path=/'),
                            ('Set-Cookie', 'wide=1; Domain=preview.test; Path=/'),
                            ('Set-Cookie', 'ns_preview=forged; Path=/')])
                    else:
                        self.reply(404, 'text/plain', b'no such page in the app')
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                    self.reply(200, 'application/json', json.dumps({'method': 'POST', 'body': body.decode()}).encode())
                def log_message(self, *args):
                    pass
            http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), App).serve_forever()
            """;

    private static TestServer s;
    private static ApiClient api;
    private static String id;
    private static int serverPort;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(Map.of("NIGHTSHIFT_PREVIEW_DOMAIN", DOMAIN), p -> p.sandboxes = true);
        api = s.admin;
        serverPort = URI.create(s.url()).getPort();
        id = api.createSession("/srv/previews");
        Sandbox sandbox = s.server.sandboxes().acquire(id);
        sandbox.writeFile("app.py", APP.getBytes(StandardCharsets.UTF_8));
        try (var script = PreviewHostServerTest.class.getResourceAsStream("/ws_echo.py")) {
            sandbox.writeFile("ws_echo.py", script.readAllBytes());
        }
        sandbox.startDetached(new ExecRequest(List.of("python3", "app.py", "3000"), "", Map.of(), null));
        sandbox.startDetached(new ExecRequest(List.of("python3", "ws_echo.py", "8766"), "", Map.of(), null));
        sandbox.startDetached(
                new ExecRequest(List.of("python3", "ws_echo.py", "8767", "something-else"), "", Map.of(), null));
        await().atMost(WAIT).until(() -> sandbox.ports().containsAll(List.of(3000, 8766, 8767)));
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static String host(String sessionId, int port) {
        return PreviewHost.format(sessionId, port, DOMAIN).orElseThrow() + ":" + serverPort;
    }

    /** A ticket's link for a port, asked as {@code client}. */
    private static URI ticket(ApiClient client, int port) {
        ApiClient.Response r = client.post("/api/sessions/" + id + "/previews", Map.of("port", port));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        assertThat(r.text("form")).isEqualTo("host");
        return URI.create(r.text("url"));
    }

    /** The host's cookie for a port: a ticket exchanged on its host. */
    private static String cookie(ApiClient client, int port) throws IOException {
        URI link = ticket(client, port);
        Raw exchanged = Raw.send("GET", link.getAuthority(), link.getRawPath(), Map.of(), null);
        assertThat(exchanged.status).as(exchanged.body).isEqualTo(303);
        String setCookie = exchanged.header("set-cookie");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void aTicketBecomesTheHostsCookieAndTheAppServesItsAbsolutePaths() throws Exception {
        String p3000 = host(id, 3000);
        // no cookie: refused with what to do, before the sandbox is asked
        Raw anonymous = Raw.send("GET", p3000, "/", Map.of(), null);
        assertThat(anonymous.status).isEqualTo(401);
        assertThat(anonymous.json().path("error").path("message").asText()).contains("session's page");

        URI link = ticket(api, 3000);
        assertThat(link.getScheme()).isEqualTo("http");
        assertThat(link.getAuthority()).isEqualTo(p3000);
        assertThat(link.getRawPath()).startsWith("/~nsp_");
        Raw exchanged = Raw.send("GET", link.getAuthority(), link.getRawPath() + "/docs/", Map.of(), null);
        assertThat(exchanged.status).isEqualTo(303);
        assertThat(exchanged.header("location")).isEqualTo("/docs/");
        String setCookie = exchanged.header("set-cookie");
        assertThat(setCookie)
                .startsWith("ns_preview=")
                .contains("HttpOnly", "SameSite=Lax", "Path=/")
                .doesNotContain("Domain", "Secure");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        // a ticket works once
        Raw again = Raw.send("GET", link.getAuthority(), link.getRawPath(), Map.of(), null);
        assertThat(again.status).isEqualTo(401);

        Raw page = Raw.send("GET", p3000, "/", Map.of("Cookie", cookie), null);
        assertThat(page.status).isEqualTo(200);
        assertThat(page.body).contains("href=\"/assets/app.css\"");
        assertThat(page.header("content-security-policy")).isNull(); // its own origin: a normal page
        Raw css = Raw.send("GET", p3000, "/assets/app.css", Map.of("Cookie", cookie), null);
        assertThat(css.status).isEqualTo(200);
        assertThat(css.header("content-type")).isEqualTo("text/css");
        assertThat(css.body).contains("rebeccapurple");
        // every path is the app's, even one the server has a route for
        Raw health = Raw.send("GET", p3000, "/healthz", Map.of("Cookie", cookie), null);
        assertThat(health.status).isEqualTo(404);
        assertThat(health.body).isEqualTo("no such page in the app");
        Raw posted = Raw.send("POST", p3000, "/submit", Map.of("Cookie", cookie), "{\"a\":1}");
        assertThat(posted.json().path("body").asText()).isEqualTo("{\"a\":1}");

        // the session's API token (readable only in the UI's origin) never reaches the app, nor any cookie of ours
        Raw echo = Raw.send(
                "GET",
                p3000,
                "/echo?x=1",
                Map.of("Cookie", cookie + "; theme=dark; ns_port_3000=live", "Authorization", "Bearer " + api.token()),
                null);
        JsonNode seen = echo.json().path("headers");
        assertThat(seen.path("cookie").asText()).isEqualTo("theme=dark");
        assertThat(seen.has("authorization")).isFalse();
        assertThat(echo.body).doesNotContain(api.token(), cookie.substring(cookie.indexOf('=') + 1));
        assertThat(seen.path("host").asText()).isEqualTo("127.0.0.1:3000");
        assertThat(seen.path("x-forwarded-host").asText()).isEqualTo(p3000);
        assertThat(echo.json().path("path").asText()).isEqualTo("/echo?x=1");
        // the app's own cookie stays; one for the whole domain or named like ours does not
        assertThat(echo.headers("set-cookie")).containsExactly("app=1; Path=/");

        // the API and the UI show the host form
        JsonNode previews = api.get("/api/sessions/" + id + "/sandbox").body().path("previews");
        assertThat(previews.findValuesAsText("url")).contains("http://" + p3000 + "/");
        await().atMost(WAIT)
                .until(() -> api.get("/api/sessions/" + id + "/artifacts")
                        .body()
                        .path("artifacts")
                        .findValuesAsText("url")
                        .contains("http://" + p3000 + "/"));
    }

    @Test
    void aCookieOpensOnlyItsOwnPortOfItsOwnSession() throws Exception {
        String cookie = cookie(api, 3000);
        assertThat(Raw.send("GET", host(id, 8766), "/", Map.of("Cookie", cookie), null).status)
                .isEqualTo(401);
        String other = api.createSession("/srv/other-previews");
        assertThat(Raw.send("GET", host(other, 3000), "/", Map.of("Cookie", cookie), null).status)
                .isEqualTo(401);
        // a ticket for one port is no ticket on another
        URI link = ticket(api, 3000);
        Raw elsewhere = Raw.send("GET", host(id, 8766), link.getRawPath(), Map.of(), null);
        assertThat(elsewhere.status).isEqualTo(401);
        // a live token of the session is not a preview cookie, and a preview cookie is not a live token
        assertThat(Raw.send("GET", host(id, 3000), "/", Map.of("Cookie", "ns_preview=" + api.liveToken(id)), null)
                        .status)
                .isEqualTo(401);
        String secret = cookie.substring(cookie.indexOf('=') + 1);
        assertThat(Raw.send(
                                "GET",
                                "127.0.0.1:" + serverPort,
                                "/api/sessions/" + id + "/ports/3000/~" + secret + "/",
                                Map.of(),
                                null)
                        .status)
                .isEqualTo(401);
        // a page of another session's preview cannot call this one with the person's cookie
        Raw crossSession = Raw.send(
                "GET", host(id, 3000), "/", Map.of("Cookie", cookie, "Origin", "http://" + host(other, 3000)), null);
        assertThat(crossSession.status).isEqualTo(403);
        Raw samePreview = Raw.send(
                "GET", host(id, 3000), "/", Map.of("Cookie", cookie, "Origin", "http://" + host(id, 5173)), null);
        assertThat(samePreview.status).isEqualTo(200);
    }

    @Test
    void portsThatAreReservedOrSilentAreRefusedClearly() throws Exception {
        Raw reserved = Raw.send("GET", host(id, 9222), "/json/version", Map.of(), null);
        assertThat(reserved.status).isEqualTo(404);
        assertThat(reserved.json().path("error").path("code").asText()).isEqualTo("port_reserved");
        ApiClient.Response refused = api.post("/api/sessions/" + id + "/previews", Map.of("port", 5900));
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.body().path("error").path("code").asText()).isEqualTo("port_reserved");

        String cookie = cookie(api, 3005);
        Raw silent = Raw.send("GET", host(id, 3005), "/", Map.of("Cookie", cookie), null);
        assertThat(silent.status).isEqualTo(502);
        assertThat(silent.json().path("error").path("code").asText()).isEqualTo("port_not_listening");
        // an unknown session: refused without a sandbox
        assertThat(Raw.send("GET", host("ses_0000000000000000000000000z", 3000), "/", Map.of(), null).status)
                .isEqualTo(401);
    }

    @Test
    void hostsThatOnlyLookLikePreviewsGetTheServersRoutes() throws Exception {
        for (String lookalike : List.of(
                PreviewHost.format(id, 3000, DOMAIN).orElseThrow() + ".evil.com",
                "x" + host(id, 3000),
                "p3000-" + id + "." + DOMAIN,
                "p3000.preview.test",
                "127.0.0.1:" + serverPort)) {
            Raw health = Raw.send("GET", lookalike, "/healthz", Map.of(), null);
            assertThat(health.status).as(lookalike).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void headersOverTheServersLimitAreRefusedBeforeTheSandbox() throws Exception {
        Raw huge = Raw.send("GET", host(id, 3000), "/", Map.of("X-Filler", "a".repeat(64 * 1024)), null);
        assertThat(huge.status).isEqualTo(431);
    }

    @Test
    void theTicketEndpointRefusesWhatItShould() {
        String base = "/api/sessions/" + id + "/previews";
        assertThat(api.post(base, Map.of("port", 0)).status()).isEqualTo(400);
        assertThat(api.post(base, Map.of("port", "x")).status()).isEqualTo(400);
        assertThat(api.post(base, Map.of("port", 3000, "padding", "a".repeat(2000)))
                        .status())
                .isEqualTo(413);
        assertThat(s.client("nope").post(base, Map.of("port", 3000)).status()).isEqualTo(401);
        ApiClient.Response share = api.post("/api/sessions/" + id + "/share-links", Map.of());
        ApiClient shareLink = s.client(share.text("token"));
        ApiClient.Response byShareLink = shareLink.post(base, Map.of("port", 3000));
        assertThat(byShareLink.status()).isEqualTo(403);
        assertThat(byShareLink.errorMessage()).contains("share link");
    }

    @Test
    void removingAPersonFromTheSessionEndsTheirPreview() throws Exception {
        ApiClient.Response user = api.post("/api/users", Map.of("login", "previewer"));
        assertThat(user.status()).as(user.raw()).isEqualTo(201);
        ApiClient viewer = s.client(user.body().path("token").path("token").asText());
        assertThat(api.put("/api/sessions/" + id + "/participants/previewer", Map.of("role", "viewer"))
                        .status())
                .isBetween(200, 204);
        String cookie = cookie(viewer, 3000);
        assertThat(Raw.send("GET", host(id, 3000), "/", Map.of("Cookie", cookie), null).status)
                .isEqualTo(200);
        assertThat(api.delete("/api/sessions/" + id + "/participants/previewer").status())
                .isBetween(200, 204);
        assertThat(Raw.send("GET", host(id, 3000), "/", Map.of("Cookie", cookie), null).status)
                .isIn(403, 404);
    }

    @Test
    void aWebSocketWithSubprotocolsGoesThroughTheHost() throws Exception {
        String cookie = cookie(api, 8766);
        try (Socket socket = new Socket("127.0.0.1", serverPort)) {
            Raw answer = Raw.upgrade(socket, host(id, 8766), "/hmr", cookie, "vite-hmr, graphql-ws");
            assertThat(answer.status).isEqualTo(101);
            assertThat(answer.header("sec-websocket-protocol")).isEqualTo("vite-hmr");
            WsFrames.write(
                    socket.getOutputStream(), WsFrames.TEXT, "{\"hello\":\"host\"}".getBytes(StandardCharsets.UTF_8));
            WsFrames.Frame frame = WsFrames.read(socket.getInputStream());
            JsonNode echo = ApiClient.JSON.readTree(new String(frame.payload(), StandardCharsets.UTF_8));
            assertThat(echo.path("text").asText()).isEqualTo("{\"hello\":\"host\"}");
            assertThat(echo.path("offered")).extracting(JsonNode::asText).containsExactly("vite-hmr", "graphql-ws");
            assertThat(echo.path("protocol").asText()).isEqualTo("vite-hmr");
        }
        // a server that insists on a protocol the client did not offer: the client's handshake fails
        String other = cookie(api, 8767);
        try (Socket socket = new Socket("127.0.0.1", serverPort)) {
            assertThat(Raw.upgrade(socket, host(id, 8767), "/hmr", other, "vite-hmr").status)
                    .isEqualTo(502);
        }
        // without the cookie there is no socket
        try (Socket socket = new Socket("127.0.0.1", serverPort)) {
            assertThat(Raw.upgrade(socket, host(id, 8766), "/hmr", "theme=dark", "vite-hmr").status)
                    .isEqualTo(401);
        }
    }

    @Test
    void failedAuthenticationsOnAPreviewHostAreRateLimited() throws Exception {
        try (TestServer limited = TestServer.start(
                Map.of("NIGHTSHIFT_PREVIEW_DOMAIN", DOMAIN, "NIGHTSHIFT_RATE_LIMIT_FAILED_AUTH_PER_ADDRESS", "3"),
                p -> {})) {
            String previewHost = PreviewHost.format("ses_abc", 3000, DOMAIN).orElseThrow() + ":"
                    + URI.create(limited.url()).getPort();
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(Raw.send(limited, "GET", previewHost, "/", Map.of("Cookie", "ns_preview=guess" + i), null)
                        .status);
            }
            assertThat(statuses).startsWith(401, 401, 401).endsWith(429);
        }
    }

    /** One HTTP/1.1 exchange over a plain socket, with any Host. */
    record Raw(int status, Map<String, List<String>> headerMap, String body) {
        static Raw send(String method, String host, String path, Map<String, String> headers, String body)
                throws IOException {
            return send(serverPort, method, host, path, headers, body);
        }

        static Raw send(
                TestServer server, String method, String host, String path, Map<String, String> headers, String body)
                throws IOException {
            return send(URI.create(server.url()).getPort(), method, host, path, headers, body);
        }

        static Raw send(int port, String method, String host, String path, Map<String, String> headers, String body)
                throws IOException {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                StringBuilder request = new StringBuilder()
                        .append(method)
                        .append(' ')
                        .append(path)
                        .append(" HTTP/1.1\r\n")
                        .append("Host: ")
                        .append(host)
                        .append("\r\n");
                headers.forEach(
                        (k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
                if (body != null) {
                    request.append("Content-Type: application/json\r\nContent-Length: ")
                            .append(content.length)
                            .append("\r\n");
                }
                request.append("Connection: close\r\n\r\n");
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.write(content);
                out.flush();
                socket.setSoTimeout(30_000);
                Raw head = readHead(socket.getInputStream());
                byte[] rest = socket.getInputStream().readAllBytes();
                if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
                    rest = unchunk(rest);
                }
                return new Raw(head.status, head.headerMap, new String(rest, StandardCharsets.UTF_8));
            }
        }

        /** A WebSocket handshake on an open socket; the socket then carries frames. */
        static Raw upgrade(Socket socket, String host, String path, String cookie, String protocols)
                throws IOException {
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: " + cookie + "\r\n"
                    + "Sec-WebSocket-Protocol: " + protocols + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.setSoTimeout(30_000);
            return readHead(socket.getInputStream());
        }

        private static Raw readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(
                                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                    k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).trim());
                }
            }
            return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, "");
        }

        private static byte[] unchunk(byte[] chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int i = 0;
            while (i < chunked.length) {
                int lineEnd = indexOf(chunked, i);
                String sizeLine = new String(chunked, i, lineEnd - i, StandardCharsets.ISO_8859_1);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                out.write(chunked, lineEnd + 2, size);
                i = lineEnd + 2 + size + 2;
            }
            return out.toByteArray();
        }

        private static int indexOf(byte[] bytes, int from) {
            for (int i = from; i + 1 < bytes.length; i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                    return i;
                }
            }
            return bytes.length;
        }

        String header(String name) {
            List<String> values = headerMap.get(name);
            return values == null ? null : values.getFirst();
        }

        List<String> headers(String name) {
            return headerMap.getOrDefault(name, List.of());
        }

        JsonNode json() throws IOException {
            return ApiClient.JSON.readTree(body);
        }
    }
}

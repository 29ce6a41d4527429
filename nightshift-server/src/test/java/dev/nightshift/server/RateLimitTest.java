package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.server.testing.WsTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rate limits against a real server over real HTTP. Requests go through a plain socket so the test
 * chooses the client's source address: all of 127.0.0.0/8 is loopback on Linux, so 127.0.0.2 is
 * "another client" to the server.
 */
class RateLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aBurstOfBadTokensFromOneAddressEndsIn429WhileAnotherAddressIsUnaffected() {
        try (TestServer server =
                TestServer.start(Map.of("NIGHTSHIFT_RATE_LIMIT_FAILED_AUTH_PER_ADDRESS", "5"), p -> {})) {
            for (int i = 0; i < 5; i++) {
                Reply r = Raw.get(server, "127.0.0.1", "/api/me", "bad-token-" + i, Map.of());
                assertThat(r.status()).as("guess %d", i).isEqualTo(401);
            }
            Reply limited = Raw.get(server, "127.0.0.1", "/api/me", "bad-token-6", Map.of());
            assertThat(limited.status()).isEqualTo(429);
            assertThat(Long.parseLong(limited.header("retry-after"))).isBetween(1L, 60L);
            assertThat(limited.json().path("error").path("code").asText()).isEqualTo("rate_limited");
            assertThat(limited.json().path("error").path("message").asText())
                    .contains("failed authentications")
                    .contains("try again in " + limited.header("retry-after") + " s");
            // refused before the token is even looked up: a good token from that address waits too
            assertThat(Raw.get(server, "127.0.0.1", "/api/me", server.server.adminToken(), Map.of())
                            .status())
                    .isEqualTo(429);

            // another address is unaffected, with a bad token (401, not 429) and with a good one
            assertThat(Raw.get(server, "127.0.0.2", "/api/me", "bad-token-x", Map.of())
                            .status())
                    .isEqualTo(401);
            Reply other = Raw.get(server, "127.0.0.2", "/api/me", server.server.adminToken(), Map.of());
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.json().path("user").path("login").asText()).isEqualTo("admin");
        }
    }

    @Test
    void aTokenOverItsLimitGets429AndAnotherTokenDoesNot() {
        try (TestServer server = TestServer.start(Map.of("NIGHTSHIFT_RATE_LIMIT_API_PER_TOKEN", "3"), p -> {})) {
            String second =
                    server.admin.post("/api/tokens", Map.of("name", "second")).text("token"); // admin's 1st request
            for (int i = 0; i < 2; i++) {
                assertThat(Raw.get(server, "127.0.0.1", "/api/me", server.server.adminToken(), Map.of())
                                .status())
                        .isEqualTo(200);
            }
            Reply limited = Raw.get(server, "127.0.0.1", "/api/me", server.server.adminToken(), Map.of());
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("retry-after")).isNotNull();
            assertThat(limited.json().path("error").path("message").asText())
                    .contains("with this token")
                    .contains("at most 3 a minute");

            Reply other = Raw.get(server, "127.0.0.1", "/api/me", second, Map.of());
            assertThat(other.status()).isEqualTo(200);
        }
    }

    @Test
    void anAddressOverItsLimitGets429AndForwardedForIsBelievedOnlyFromTrustedProxies() {
        Map<String, String> settings =
                Map.of("NIGHTSHIFT_RATE_LIMIT_API_PER_ADDRESS", "3", "NIGHTSHIFT_TRUSTED_PROXIES", "127.0.0.3");
        try (TestServer server = TestServer.start(settings, p -> {})) {
            String token = server.server.adminToken();
            // an untrusted client cannot escape its limit by naming other addresses
            for (int i = 0; i < 3; i++) {
                assertThat(Raw.get(server, "127.0.0.1", "/api/me", token, Map.of("X-Forwarded-For", "10.0.0." + i))
                                .status())
                        .isEqualTo(200);
            }
            Reply limited = Raw.get(server, "127.0.0.1", "/api/me", token, Map.of("X-Forwarded-For", "10.0.0.9"));
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().path("error").path("message").asText()).contains("from your address");

            // behind the trusted proxy, each forwarded client has its own budget
            for (int i = 0; i < 3; i++) {
                assertThat(Raw.get(server, "127.0.0.3", "/api/me", token, Map.of("X-Forwarded-For", "10.1.1.1"))
                                .status())
                        .isEqualTo(200);
            }
            assertThat(Raw.get(server, "127.0.0.3", "/api/me", token, Map.of("X-Forwarded-For", "10.1.1.1"))
                            .status())
                    .isEqualTo(429);
            assertThat(Raw.get(server, "127.0.0.3", "/api/me", token, Map.of("X-Forwarded-For", "10.1.1.2, 127.0.0.3"))
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void signInAndWebhooksAreLimitedPerAddress() {
        Map<String, String> settings = Map.of(
                "NIGHTSHIFT_RATE_LIMIT_SIGN_IN_PER_ADDRESS", "2", "NIGHTSHIFT_RATE_LIMIT_WEBHOOKS_PER_ADDRESS", "2");
        try (TestServer server = TestServer.start(settings, p -> {})) {
            for (int i = 0; i < 2; i++) {
                assertThat(Raw.get(server, "127.0.0.1", "/auth/providers", null, Map.of())
                                .status())
                        .isEqualTo(200);
                assertThat(Raw.post(server, "127.0.0.1", "/webhooks/github", "{}")
                                .status())
                        .isNotEqualTo(429);
            }
            Reply signIn = Raw.get(server, "127.0.0.1", "/auth/providers", null, Map.of());
            assertThat(signIn.status()).isEqualTo(429);
            assertThat(signIn.json().path("error").path("message").asText()).contains("sign-in");
            Reply webhook = Raw.post(server, "127.0.0.1", "/webhooks/github", "{}");
            assertThat(webhook.status()).isEqualTo(429);
            assertThat(webhook.header("retry-after")).isNotNull();
            assertThat(Raw.get(server, "127.0.0.2", "/auth/providers", null, Map.of())
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void offSwitchesEveryLimitOff() {
        Map<String, String> settings = Map.of(
                "NIGHTSHIFT_RATE_LIMITS",
                "off",
                "NIGHTSHIFT_RATE_LIMIT_API_PER_TOKEN",
                "1",
                "NIGHTSHIFT_RATE_LIMIT_FAILED_AUTH_PER_ADDRESS",
                "1");
        try (TestServer server = TestServer.start(settings, p -> {})) {
            for (int i = 0; i < 3; i++) {
                assertThat(Raw.get(server, "127.0.0.1", "/api/me", "bad", Map.of())
                                .status())
                        .isEqualTo(401);
                assertThat(Raw.get(server, "127.0.0.1", "/api/me", server.server.adminToken(), Map.of())
                                .status())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void aWebSocketOverItsMessageLimitGetsAnErrorFrameAndStaysOpen() {
        try (TestServer server = TestServer.start(Map.of("NIGHTSHIFT_RATE_LIMIT_WEBSOCKET_MESSAGES", "3"), p -> {})) {
            ApiClient admin = server.admin;
            String id = admin.createSession("/srv/limited");
            try (WsTestClient ws = WsTestClient.subscribe(server.wsUrl(id), admin.liveToken(id))) { // message 1
                ws.send(Map.of("type", "ping")); // 2
                ws.next("pong", WAIT);
                ws.send(Map.of("type", "ping")); // 3
                ws.next("pong", WAIT);
                ws.send(Map.of("type", "ping")); // over the limit
                JsonNode error = ws.next("error", WAIT);
                assertThat(error.path("status").asInt()).isEqualTo(429);
                assertThat(error.path("code").asText()).isEqualTo("rate_limited");
                assertThat(error.path("message").asText())
                        .contains("at most 3 every 10 s")
                        .contains("try again in");
                assertThat(ws.closed).isNotDone();
            }
            // a new socket has its own budget
            try (WsTestClient ws = WsTestClient.subscribe(server.wsUrl(id), admin.liveToken(id))) {
                ws.send(Map.of("type", "ping"));
                assertThat(ws.next("pong", WAIT).path("type").asText()).isEqualTo("pong");
            }
        }
    }

    /** One HTTP/1.1 exchange: status, headers (lower-case names) and body. */
    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() {
            try {
                return ApiClient.JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** HTTP/1.1 over a socket bound to a chosen loopback address, one request per connection. */
    static final class Raw {
        static Reply get(TestServer server, String from, String path, String token, Map<String, String> headers) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            if (token != null) {
                all.put("Authorization", "Bearer " + token);
            }
            return exchange(server, from, "GET", path, all, null);
        }

        static Reply post(TestServer server, String from, String path, String json) {
            return exchange(server, from, "POST", path, Map.of("Content-Type", "application/json"), json);
        }

        static Reply exchange(
                TestServer server, String from, String method, String path, Map<String, String> headers, String body) {
            URI base = URI.create(server.url());
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
                socket.setSoTimeout(10_000);
                byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                StringBuilder request = new StringBuilder()
                        .append(method)
                        .append(' ')
                        .append(path)
                        .append(" HTTP/1.1\r\n")
                        .append("Host: ")
                        .append(base.getHost())
                        .append(':')
                        .append(base.getPort())
                        .append("\r\n")
                        .append("Connection: close\r\n")
                        .append("Content-Length: ")
                        .append(payload.length)
                        .append("\r\n");
                headers.forEach(
                        (k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
                request.append("\r\n");
                OutputStream out = socket.getOutputStream();
                out.write(request.toString().getBytes(StandardCharsets.UTF_8));
                out.write(payload);
                out.flush();
                return parse(socket.getInputStream().readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Reply parse(byte[] raw) throws IOException {
            String text = new String(raw, StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            String body = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Reply(status, headers, body);
        }

        private static String dechunk(String chunked) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = new java.io.ByteArrayInputStream(chunked.getBytes(StandardCharsets.UTF_8));
            while (true) {
                StringBuilder size = new StringBuilder();
                int c;
                while ((c = in.read()) != -1 && c != '\n') {
                    if (c != '\r') {
                        size.append((char) c);
                    }
                }
                int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
                if (n == 0) {
                    return out.toString(StandardCharsets.UTF_8);
                }
                out.write(in.readNBytes(n));
                in.read(); // \r
                in.read(); // \n
            }
        }
    }
}

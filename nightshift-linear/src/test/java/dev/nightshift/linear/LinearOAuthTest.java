package dev.nightshift.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.nightshift.linear.fake.LinearFake;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LinearOAuth} against {@link LinearFake}'s OAuth endpoints, which follow Linear's OAuth 2.0. */
class LinearOAuthTest {

    private static final Instant NOW = Instant.parse("2026-05-04T09:00:00Z");
    private static final String CLIENT_ID = "c0ffee00c0ffee00c0ffee00c0ffee00";
    private static final String CLIENT_SECRET = "s3cr3t-of-the-app";
    private static final URI CALLBACK = URI.create("https://nightshift.example.com/linear/callback");

    private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private LinearFake linear;
    private LinearOAuth oauth;

    @BeforeEach
    void start() {
        linear = LinearFake.start(clock);
        linear.addOAuthClient(CLIENT_ID, CLIENT_SECRET);
        oauth = oauth(CLIENT_SECRET);
    }

    @AfterEach
    void stop() {
        linear.close();
    }

    private LinearOAuth oauth(String secret) {
        return new LinearOAuth(
                linear.authorizeUrl(), linear.tokenUrl(), CLIENT_ID, secret, LinearClient.defaultHttpClient(), clock);
    }

    private LinearClient client(String token) {
        return new LinearClient(linear.endpoint(), () -> token, LinearClient.defaultHttpClient(), clock);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    @Test
    void theAuthorizeUrlAsksForTheAppAsActorWithCommaSeparatedScopes() {
        URI url = oauth.authorizeUrl(CALLBACK, "st&te=1", LinearOAuth.APP_SCOPES);

        assertThat(url.toString()).startsWith(linear.authorizeUrl() + "?");
        assertThat(query(url))
                .containsEntry("client_id", CLIENT_ID)
                .containsEntry("redirect_uri", CALLBACK.toString())
                .containsEntry("response_type", "code")
                .containsEntry("scope", "read,write,app:assignable,app:mentionable")
                .containsEntry("state", "st&te=1")
                .containsEntry("actor", "app")
                .hasSize(6);
        assertThat(new LinearOAuth(
                                LinearOAuth.DEFAULT_AUTHORIZE_URL,
                                LinearOAuth.DEFAULT_TOKEN_URL,
                                CLIENT_ID,
                                CLIENT_SECRET,
                                LinearClient.defaultHttpClient(),
                                clock)
                        .authorizeUrl(CALLBACK, "s", List.of("read"))
                        .toString())
                .startsWith(
                        "https://linear.app/oauth/authorize?client_id=" + CLIENT_ID + "&redirect_uri=https%3A%2F%2F");
    }

    @Test
    void anApprovedCodeBecomesTokensThatWorkOnTheApiAndExpireWhenLinearSays() {
        String code = linear.approve(CLIENT_ID, CALLBACK.toString(), LinearOAuth.APP_SCOPES);

        LinearOAuth.Tokens tokens = oauth.exchange(code, CALLBACK);

        assertThat(tokens.scopes()).containsExactlyElementsOf(LinearOAuth.APP_SCOPES);
        assertThat(tokens.expiresAt()).isEqualTo(NOW.plusSeconds(86_399));
        assertThat(tokens.refreshToken()).isNotBlank().isNotEqualTo(tokens.accessToken());
        assertThat(tokens.toString()).doesNotContain(tokens.accessToken()).doesNotContain(tokens.refreshToken());
        assertThat(client(tokens.accessToken()).viewerId()).isEqualTo(linear.appUserId());
        assertThat(linear.tokenRequests())
                .singleElement()
                .satisfies(r -> assertThat(r.grantType()).isEqualTo("authorization_code"));

        now.set(NOW.plusSeconds(86_399));
        LinearException expired = catchThrowableOfType(
                LinearException.class, () -> client(tokens.accessToken()).viewerId());
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.authentication()).isTrue();
    }

    @Test
    void aCodeIsSingleUseAndBoundToItsClientAndRedirect() {
        String code = linear.approve(CLIENT_ID, CALLBACK.toString(), LinearOAuth.APP_SCOPES);
        oauth.exchange(code, CALLBACK);

        LinearException reused = catchThrowableOfType(LinearException.class, () -> oauth.exchange(code, CALLBACK));
        assertThat(reused.code()).isEqualTo(LinearException.INVALID_GRANT);
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.getMessage())
                .contains("exchange the authorization code")
                .contains("invalid_grant")
                .contains("invalid or expired");

        String other = linear.approve(CLIENT_ID, CALLBACK.toString(), LinearOAuth.APP_SCOPES);
        assertThatThrownBy(() -> oauth.exchange(other, URI.create("https://elsewhere.example.com/cb")))
                .isInstanceOfSatisfying(
                        LinearException.class, e -> assertThat(e.code()).isEqualTo(LinearException.INVALID_GRANT));

        String third = linear.approve(CLIENT_ID, CALLBACK.toString(), LinearOAuth.APP_SCOPES);
        LinearException badSecret = catchThrowableOfType(
                LinearException.class, () -> oauth("not-the-secret").exchange(third, CALLBACK));
        assertThat(badSecret.code()).isEqualTo("invalid_client");
        assertThat(badSecret.status()).isEqualTo(401);
        // a refused client did not use the code up
        assertThat(oauth.exchange(third, CALLBACK).accessToken()).isNotBlank();

        String late = linear.approve(CLIENT_ID, CALLBACK.toString(), LinearOAuth.APP_SCOPES);
        now.set(NOW.plus(LinearFake.CODE_LIFETIME));
        assertThatThrownBy(() -> oauth.exchange(late, CALLBACK))
                .isInstanceOfSatisfying(
                        LinearException.class, e -> assertThat(e.code()).isEqualTo(LinearException.INVALID_GRANT));
    }

    @Test
    void aRefreshRotatesTheRefreshTokenAndTheOldOneIsUsedUp() {
        LinearOAuth.Tokens first =
                oauth.exchange(linear.approve(CLIENT_ID, CALLBACK.toString(), List.of("read", "write")), CALLBACK);
        now.set(NOW.plus(Duration.ofHours(23)));

        LinearOAuth.Tokens second = oauth.refresh(first.refreshToken());

        assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(second.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(23)).plusSeconds(86_399));
        assertThat(second.scopes()).containsExactly("read", "write");
        assertThat(client(second.accessToken()).viewerId()).isEqualTo(linear.appUserId());
        assertThat(linear.refreshable(first.refreshToken())).isFalse();

        LinearException reused = catchThrowableOfType(LinearException.class, () -> oauth.refresh(first.refreshToken()));
        assertThat(reused.code()).isEqualTo(LinearException.INVALID_GRANT);
        assertThat(reused.getMessage()).contains("refresh the access token").contains("already used");
        // read strictly, a used-up refresh token presented again revokes the grant: a test sees the reuse
        assertThat(linear.accepts(second.accessToken())).isFalse();
        assertThat(linear.refreshable(second.refreshToken())).isFalse();
    }

    @Test
    void revokingEndsTheWholeInstallation() {
        LinearOAuth.Tokens tokens =
                oauth.exchange(linear.approve(CLIENT_ID, CALLBACK.toString(), LinearOAuth.APP_SCOPES), CALLBACK);

        oauth.revoke(tokens.refreshToken(), true);

        assertThat(linear.accepts(tokens.accessToken())).isFalse();
        assertThat(linear.refreshable(tokens.refreshToken())).isFalse();
        assertThatThrownBy(() -> client(tokens.accessToken()).viewerId())
                .isInstanceOfSatisfying(
                        LinearException.class,
                        e -> assertThat(e.authentication()).isTrue());
        LinearException again =
                catchThrowableOfType(LinearException.class, () -> oauth.revoke(tokens.refreshToken(), true));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.code()).isEqualTo("invalid_token");

        LinearOAuth.Tokens other =
                oauth.exchange(linear.approve(CLIENT_ID, CALLBACK.toString(), LinearOAuth.APP_SCOPES), CALLBACK);
        oauth.revoke(other.accessToken(), false);
        assertThat(linear.refreshable(other.refreshToken())).isFalse();
    }

    @Test
    void scopesGivenAsAStringAndAnAnswerWithoutARefreshTokenAreRead() throws IOException {
        AtomicReference<String> form = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/oauth/token", exchange -> {
            try (exchange;
                    InputStream in = exchange.getRequestBody()) {
                form.set(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                byte[] body =
                        "{\"access_token\":\"at-2\",\"token_type\":\"bearer\",\"expires_in\":\"3600\",\"scope\":\"read,write app:assignable\"}"
                                .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            LinearOAuth plain = new LinearOAuth(
                    base.resolve("/oauth/authorize"),
                    base.resolve("/oauth/token"),
                    CLIENT_ID,
                    CLIENT_SECRET,
                    LinearClient.defaultHttpClient(),
                    clock);

            LinearOAuth.Tokens tokens = plain.refresh("rt-1");

            assertThat(tokens.scopes()).containsExactly("read", "write", "app:assignable");
            assertThat(tokens.refreshToken()).isEqualTo("rt-1");
            assertThat(tokens.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
            assertThat(form.get())
                    .isEqualTo("grant_type=refresh_token&refresh_token=rt-1&client_id=" + CLIENT_ID + "&client_secret="
                            + CLIENT_SECRET);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableTokenEndpointIsALinearExceptionWithoutAStatus() throws IOException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        LinearOAuth nowhere = new LinearOAuth(
                URI.create("http://127.0.0.1:" + port + "/oauth/authorize"),
                URI.create("http://127.0.0.1:" + port + "/oauth/token"),
                CLIENT_ID,
                CLIENT_SECRET,
                LinearClient.defaultHttpClient(),
                clock);
        LinearException e = catchThrowableOfType(LinearException.class, () -> nowhere.refresh("rt"));
        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).contains("could not reach Linear at http://127.0.0.1:" + port);
        assertThatThrownBy(() -> new LinearOAuth(
                        URI.create("ftp://linear.app/oauth/authorize"),
                        LinearOAuth.DEFAULT_TOKEN_URL,
                        CLIENT_ID,
                        CLIENT_SECRET,
                        LinearClient.defaultHttpClient(),
                        clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s)");
    }
}

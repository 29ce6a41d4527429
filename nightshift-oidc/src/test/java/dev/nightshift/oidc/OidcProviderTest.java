package dev.nightshift.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.sun.net.httpserver.HttpServer;
import dev.nightshift.oidc.OidcException.Reason;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole sign-in against a real OpenID provider on loopback (mock-oauth2-server: discovery, a
 * key set, the authorization endpoint in its non-interactive mode, a token endpoint that checks PKCE
 * and uses each code once). Only the browser is played by a JDK client that does not follow the
 * provider's redirect to our callback.
 */
class OidcProviderTest {

    private static final String ISSUER_ID = "acme";
    private static final String CLIENT_ID = "nightshift";
    private static final URI CALLBACK = URI.create("http://127.0.0.1:7070/auth/oidc/acme/callback");

    private static MockOAuth2Server server;
    private static OidcProvider provider;
    private static final HttpClient browser =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void startProvider() throws Exception {
        server = new MockOAuth2Server();
        server.start(InetAddress.getLoopbackAddress(), 0);
        provider = OidcProvider.discover(OidcConfig.of("acme", issuer(), CLIENT_ID, "client-secret"));
    }

    @AfterAll
    static void stopProvider() {
        server.shutdown();
    }

    private static URI issuer() {
        return URI.create(server.issuerUrl(ISSUER_ID).toString());
    }

    /** What the provider's redirect back to us carries. */
    private record Callback(String code, String state) {}

    /** Plays the browser: follows the authorization URL to the provider and reads its redirect. */
    private static Callback authorize(OidcAuthorizationRequest request) throws Exception {
        HttpResponse<String> response =
                browser.send(HttpRequest.newBuilder(request.url()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(302);
        URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
        assertThat(location.getPath()).isEqualTo(CALLBACK.getPath());
        Map<String, String> query = query(location);
        return new Callback(query.get("code"), query.get("state"));
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

    private static void nextTokenFor(String subject, List<String> audience, Map<String, Object> claims) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", audience, claims, 3600));
    }

    @Test
    void signsInEndToEnd() throws Exception {
        nextTokenFor(
                "user-4711",
                List.of(CLIENT_ID),
                Map.of(
                        "email",
                        "ada@example.com",
                        "email_verified",
                        true,
                        "name",
                        "Ada Lovelace",
                        "preferred_username",
                        "ada",
                        "groups",
                        List.of("engineering", "oncall")));
        OidcAuthorizationRequest request = provider.start(CALLBACK);
        Callback callback = authorize(request);
        assertThat(callback.state()).isEqualTo(request.state());

        OidcIdentity identity = provider.complete(callback.code(), CALLBACK, request.codeVerifier(), request.nonce());

        assertThat(identity)
                .isEqualTo(new OidcIdentity(
                        issuer().toString(),
                        "user-4711",
                        "ada@example.com",
                        true,
                        "Ada Lovelace",
                        "ada",
                        List.of("engineering", "oncall")));
        assertThat(provider.name()).isEqualTo("acme");
        assertThat(provider.issuer()).isEqualTo(issuer());
    }

    @Test
    void theAuthorizationRequestCarriesStateNonceAndAnS256Challenge() throws Exception {
        OidcAuthorizationRequest request = provider.start(CALLBACK);
        Map<String, String> query = query(request.url());
        assertThat(request.url().toString())
                .startsWith(server.authorizationEndpointUrl(ISSUER_ID).toString());
        assertThat(query)
                .containsEntry("response_type", "code")
                .containsEntry("client_id", CLIENT_ID)
                .containsEntry("redirect_uri", CALLBACK.toString())
                .containsEntry("state", request.state())
                .containsEntry("nonce", request.nonce())
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("scope", "openid email profile");
        byte[] hash = MessageDigest.getInstance("SHA-256")
                .digest(request.codeVerifier().getBytes(StandardCharsets.US_ASCII));
        assertThat(query.get("code_challenge"))
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
        assertThat(query).doesNotContainKey("code_verifier");
        assertThat(request.toString()).doesNotContain(request.codeVerifier());

        OidcAuthorizationRequest another = provider.start(CALLBACK);
        assertThat(another.state()).isNotEqualTo(request.state());
        assertThat(another.nonce()).isNotEqualTo(request.nonce());
        assertThat(another.codeVerifier()).isNotEqualTo(request.codeVerifier());
    }

    @Test
    void aWrongPkceVerifierIsRefusedByTheProvider() throws Exception {
        nextTokenFor("user-1", List.of(CLIENT_ID), Map.of());
        OidcAuthorizationRequest request = provider.start(CALLBACK);
        Callback callback = authorize(request);

        assertThatThrownBy(() ->
                        provider.complete(callback.code(), CALLBACK, new CodeVerifier().getValue(), request.nonce()))
                .isInstanceOfSatisfying(OidcException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.PROVIDER_REFUSED);
                    assertThat(e.getMessage())
                            .contains("refused the sign-in (invalid_grant)")
                            .doesNotContain(callback.code());
                });
    }

    @Test
    void aReplayedCodeIsRefusedByTheProvider() throws Exception {
        nextTokenFor("user-2", List.of(CLIENT_ID), Map.of());
        OidcAuthorizationRequest request = provider.start(CALLBACK);
        Callback callback = authorize(request);
        assertThat(provider.complete(callback.code(), CALLBACK, request.codeVerifier(), request.nonce())
                        .subject())
                .isEqualTo("user-2");

        assertThatThrownBy(() -> provider.complete(callback.code(), CALLBACK, request.codeVerifier(), request.nonce()))
                .isInstanceOfSatisfying(
                        OidcException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PROVIDER_REFUSED));
    }

    @Test
    void anIdTokenForAnotherSignInIsRefused() throws Exception {
        nextTokenFor("user-3", List.of(CLIENT_ID), Map.of());
        OidcAuthorizationRequest request = provider.start(CALLBACK);
        Callback callback = authorize(request);
        String otherNonce = provider.start(CALLBACK).nonce();

        assertThatThrownBy(() -> provider.complete(callback.code(), CALLBACK, request.codeVerifier(), otherNonce))
                .isInstanceOfSatisfying(OidcException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID_ID_TOKEN);
                    assertThat(e.detail()).containsIgnoringCase("nonce");
                });
    }

    /** A token signed by this provider's own key, with our nonce, and the given audience and lifetime. */
    private static String providerToken(String nonce, List<String> audience, long expirySeconds) {
        return server.issueToken(
                        ISSUER_ID,
                        CLIENT_ID,
                        new DefaultOAuth2TokenCallback(
                                ISSUER_ID, "user-4", "JWT", audience, Map.of("nonce", nonce), expirySeconds))
                .serialize();
    }

    @Test
    void anIdTokenOfTheProviderIssuedToAnotherClientIsRefused() {
        // (the provider's code flow always addresses ID tokens to the client that redeems the code,
        // so the token is minted directly with the provider's key)
        String nonce = provider.start(CALLBACK).nonce();
        assertThatThrownBy(() -> provider.validate(providerToken(nonce, List.of("another-app"), 3600), nonce))
                .isInstanceOfSatisfying(OidcException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID_ID_TOKEN);
                    assertThat(e.detail()).containsIgnoringCase("audience");
                });
    }

    @Test
    void anExpiredIdTokenOfTheProviderIsRefused() {
        String nonce = provider.start(CALLBACK).nonce();
        assertThatThrownBy(() -> provider.validate(providerToken(nonce, List.of(CLIENT_ID), -3600), nonce))
                .isInstanceOfSatisfying(OidcException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID_ID_TOKEN);
                    assertThat(e.detail()).containsIgnoringCase("expired");
                });
    }

    @Test
    void aTokenSignedByAnotherIssuersKeyIsRefused() throws Exception {
        // a genuine token of the same server, but of another issuer with its own key, with our
        // audience and nonce: the signature check refuses it (the key set is this issuer's)
        String nonce = provider.start(CALLBACK).nonce();
        String foreign = server.issueToken(
                        "elsewhere",
                        CLIENT_ID,
                        new DefaultOAuth2TokenCallback(
                                "elsewhere", "user-6", "JWT", List.of(CLIENT_ID), Map.of("nonce", nonce), 3600))
                .serialize();

        assertThatThrownBy(() -> provider.validate(foreign, nonce))
                .isInstanceOfSatisfying(
                        OidcException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ID_TOKEN));
    }

    @Test
    void aGenuineTokenOfThisIssuerPassesTheSameCheck() throws Exception {
        // the counterpart of the test above: the same kind of token from the right issuer is accepted
        String nonce = provider.start(CALLBACK).nonce();
        String own = server.issueToken(
                        ISSUER_ID,
                        CLIENT_ID,
                        new DefaultOAuth2TokenCallback(
                                ISSUER_ID, "user-7", "JWT", List.of(CLIENT_ID), Map.of("nonce", nonce), 3600))
                .serialize();
        assertThat(provider.validate(own, nonce).subject()).isEqualTo("user-7");
    }

    @Test
    void discoveryRefusesADocumentNamingAnotherIssuer() throws Exception {
        HttpServer hostile = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + hostile.getAddress().getPort() + "/realm";
        // the real provider's document, served under another issuer URL
        String document = browser.send(
                        HttpRequest.newBuilder(URI.create(
                                        server.wellKnownUrl(ISSUER_ID).toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        hostile.createContext("/realm/.well-known/openid-configuration", exchange -> {
            byte[] body = document.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hostile.start();
        try {
            assertThatThrownBy(
                            () -> OidcProvider.discover(OidcConfig.of("acme", URI.create(base), CLIENT_ID, "secret")))
                    .isInstanceOfSatisfying(OidcException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.DISCOVERY_FAILED);
                        assertThat(e.getMessage())
                                .contains("names the issuer " + issuer())
                                .contains("not the configured " + base);
                    });
        } finally {
            hostile.stop(0);
        }
    }

    @Test
    void discoveryRefusesAnIssuerThatDiffersOnlyByATrailingSlash() {
        URI withSlash = URI.create(issuer() + "/");
        assertThatThrownBy(() -> OidcProvider.discover(OidcConfig.of("acme", withSlash, CLIENT_ID, "secret")))
                .isInstanceOfSatisfying(
                        OidcException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DISCOVERY_FAILED));
    }

    @Test
    void discoveryGivesUpOnAProviderThatNeverAnswers() throws Exception {
        // accepts connections (the backlog) but never reads or answers: the read timeout ends it
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI issuer = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/realm");
            OidcConfig config =
                    OidcConfig.of("acme", issuer, CLIENT_ID, "secret").withHttpTimeout(Duration.ofMillis(300));
            assertThatThrownBy(() -> OidcProvider.discover(config)).isInstanceOfSatisfying(OidcException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.DISCOVERY_FAILED);
                assertThat(e.getMessage()).contains("Could not read the discovery document");
                assertThat(e.detail()).containsIgnoringCase("timed out");
            });
        }
    }

    @Test
    void aProviderThatCannotBeReachedAtSignInIsReportedAsSuch() throws Exception {
        // discovered while up, then gone: the code exchange cannot reach the token endpoint
        MockOAuth2Server shortLived = new MockOAuth2Server();
        shortLived.start(InetAddress.getLoopbackAddress(), 0);
        OidcProvider gone = OidcProvider.discover(
                OidcConfig.of("gone", URI.create(shortLived.issuerUrl("x").toString()), CLIENT_ID, "secret")
                        .withHttpTimeout(Duration.ofSeconds(2)));
        shortLived.shutdown();
        OidcAuthorizationRequest request = gone.start(CALLBACK);

        assertThatThrownBy(() -> gone.complete("some-code", CALLBACK, request.codeVerifier(), request.nonce()))
                .isInstanceOfSatisfying(OidcException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.PROVIDER_UNREACHABLE);
                    assertThat(e.getMessage()).contains("Could not reach the sign-in provider gone");
                });
    }
}

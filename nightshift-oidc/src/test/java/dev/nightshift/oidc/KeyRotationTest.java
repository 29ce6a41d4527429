package dev.nightshift.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nightshift.oidc.OidcException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key set is fetched once and cached, and fetched again when a token names a key the cache
 * does not have (the provider rotated its keys), against a provider on loopback whose key set the
 * test changes.
 */
class KeyRotationTest {

    private static final String CLIENT_ID = "nightshift";
    private static final String NONCE = "the-nonce";

    private HttpServer server;
    private String issuer;
    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger keySetFetches = new AtomicInteger();

    @BeforeEach
    void startProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realm";
        server.createContext(
                "/realm/.well-known/openid-configuration", exchange -> json(exchange, """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/auth","token_endpoint":"%1$s/token",
                 "jwks_uri":"%1$s/certs","response_types_supported":["code"],"subject_types_supported":["public"],
                 "id_token_signing_alg_values_supported":["RS256"]}""".formatted(issuer)));
        server.createContext("/realm/certs", exchange -> {
            keySetFetches.incrementAndGet();
            json(exchange, published.get().toString());
        });
        server.start();
    }

    @AfterEach
    void stopProvider() {
        server.stop(0);
    }

    private static void json(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String token(RSAKey key) throws Exception {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("user-1")
                .audience(CLIENT_ID)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("nonce", NONCE)
                .build();
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void theKeySetIsCachedAndRefetchedForANewKey() throws Exception {
        RSAKey first = new RSAKeyGenerator(2048).keyID("2026-01").generate();
        RSAKey second = new RSAKeyGenerator(2048).keyID("2026-02").generate();
        published.set(new JWKSet(first.toPublicJWK()));
        OidcProvider provider = OidcProvider.discover(OidcConfig.of("realm", URI.create(issuer), CLIENT_ID, "secret"));
        assertThat(keySetFetches).hasValue(0);

        assertThat(provider.validate(token(first), NONCE).subject()).isEqualTo("user-1");
        assertThat(provider.validate(token(first), NONCE).subject()).isEqualTo("user-1");
        assertThat(keySetFetches).hasValue(1);

        // the provider rotates: tokens now name the new key, which the cache does not have yet
        published.set(new JWKSet(List.of(second.toPublicJWK(), first.toPublicJWK())));
        assertThat(provider.validate(token(second), NONCE).subject()).isEqualTo("user-1");
        assertThat(keySetFetches).hasValue(2);
    }

    @Test
    void aKeySetThatCannotBeFetchedIsTheProvidersFaultNotTheTokens() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
        published.set(new JWKSet(key.toPublicJWK()));
        OidcProvider provider = OidcProvider.discover(OidcConfig.of("realm", URI.create(issuer), CLIENT_ID, "secret"));
        server.removeContext("/realm/certs");

        assertThatThrownBy(() -> provider.validate(token(key), NONCE))
                .isInstanceOfSatisfying(OidcException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.PROVIDER_UNREACHABLE);
                    assertThat(e.getMessage()).contains("signing keys");
                });
    }
}

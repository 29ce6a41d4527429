package dev.nightshift.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.nightshift.oidc.OidcException.Reason;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ID token checks on tokens this test signs itself, with the provider's key and with others:
 * each forged case must be refused, and for its own reason (the detail names the failed check), so
 * a test cannot pass because some other check happened to fail.
 */
class IdTokenValidationTest {

    private static final String ISSUER = "https://id.example.com/realms/acme";
    private static final String CLIENT_ID = "nightshift";
    private static final String CLIENT_SECRET = "a-client-secret-that-is-long-enough-for-hs256";
    private static final String NONCE = "nonce-of-this-sign-in";

    private static RSAKey providerKey;
    private static OidcProvider provider;

    @BeforeAll
    static void provider() throws Exception {
        providerKey = new RSAKeyGenerator(2048).keyID("provider-key").generate();
        provider = providerWithAlgorithms(List.of(JWSAlgorithm.RS256, JWSAlgorithm.HS256));
    }

    private static OidcProvider providerWithAlgorithms(List<JWSAlgorithm> algorithms) throws OidcException {
        var metadata = new OIDCProviderMetadata(
                new Issuer(ISSUER), List.of(SubjectType.PUBLIC), URI.create(ISSUER + "/certs"));
        metadata.setAuthorizationEndpointURI(URI.create(ISSUER + "/auth"));
        metadata.setTokenEndpointURI(URI.create(ISSUER + "/token"));
        metadata.setIDTokenJWSAlgs(algorithms);
        var config = OidcConfig.of("acme", URI.create(ISSUER), CLIENT_ID, CLIENT_SECRET);
        return OidcProvider.of(config, metadata, new ImmutableJWKSet<>(new JWKSet(providerKey.toPublicJWK())));
    }

    private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        var builder = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
                .audience(CLIENT_ID)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("nonce", NONCE)
                .claim("email", "ada@example.com")
                .claim("email_verified", true)
                .claim("name", "Ada Lovelace")
                .claim("preferred_username", "ada")
                .claim("groups", List.of("engineering", "oncall"));
        return change.apply(builder).build();
    }

    private static String signed(RSAKey key, JWTClaimsSet claims) throws JOSEException {
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String signed(UnaryOperator<JWTClaimsSet.Builder> change) throws JOSEException {
        return signed(providerKey, claims(change));
    }

    private static void assertRefused(String token, String nonce, String detail) {
        assertThatThrownBy(() -> provider.validate(token, nonce)).isInstanceOfSatisfying(OidcException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INVALID_ID_TOKEN);
            assertThat(e.getMessage()).contains("could not be verified").doesNotContain(token);
            assertThat(e.detail()).containsIgnoringCase(detail);
        });
    }

    @Test
    void aGoodTokenGivesTheIdentity() throws Exception {
        OidcIdentity identity = provider.validate(signed(b -> b), NONCE);
        assertThat(identity)
                .isEqualTo(new OidcIdentity(
                        ISSUER,
                        "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
                        "ada@example.com",
                        true,
                        "Ada Lovelace",
                        "ada",
                        List.of("engineering", "oncall")));
    }

    @Test
    void groupsMayBeOneStringAndEmailVerifiedAString() throws Exception {
        OidcIdentity identity =
                provider.validate(signed(b -> b.claim("groups", "admins").claim("email_verified", "true")), NONCE);
        assertThat(identity.groups()).containsExactly("admins");
        assertThat(identity.emailVerified()).isTrue();

        OidcIdentity bare = provider.validate(
                signed(b -> b.claim("groups", null)
                        .claim("email_verified", null)
                        .claim("email", null)
                        .claim("name", null)
                        .claim("preferred_username", null)),
                NONCE);
        assertThat(bare.groups()).isEmpty();
        assertThat(bare.emailVerified()).isFalse();
        assertThat(bare.email()).isNull();
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        // the same key ID as the provider's, so the signature itself is what fails
        RSAKey impostor =
                new RSAKeyGenerator(2048).keyID(providerKey.getKeyID()).generate();
        assertRefused(signed(impostor, claims(b -> b)), NONCE, "signature");

        RSAKey unknown = new RSAKeyGenerator(2048).keyID("some-other-key").generate();
        assertRefused(signed(unknown, claims(b -> b)), NONCE, "no matching key");
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String none = new PlainJWT(claims(b -> b)).serialize();
        assertThat(none).endsWith(".");
        assertRefused(none, NONCE, "signed ID token expected");
    }

    @Test
    void anHmacTokenIsRefusedEvenWhenTheProviderListsHmac() throws Exception {
        // "signed" with the client secret, which the provider offers as a shared key: refused all the same
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), claims(b -> b));
        jwt.sign(new MACSigner(CLIENT_SECRET));
        assertRefused(jwt.serialize(), NONCE, "algorithm");
    }

    @Test
    void aProviderOfferingOnlyHmacIsRefused() {
        assertThatThrownBy(() -> providerWithAlgorithms(List.of(JWSAlgorithm.HS256)))
                .isInstanceOfSatisfying(OidcException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.DISCOVERY_FAILED);
                    assertThat(e.getMessage()).contains("HS256");
                });
    }

    @Test
    void anExpiredTokenIsRefusedBeyondTheClockSkew() throws Exception {
        Instant now = Instant.now();
        assertRefused(
                signed(b ->
                        b.issueTime(Date.from(now.minusSeconds(900))).expirationTime(Date.from(now.minusSeconds(300)))),
                NONCE,
                "expired");
        // within the 60 s skew a provider clock a little ahead of ours is no reason to refuse
        OidcIdentity justExpired = provider.validate(
                signed(b ->
                        b.issueTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.minusSeconds(10)))),
                NONCE);
        assertThat(justExpired.subject()).isNotBlank();
    }

    @Test
    void aTokenIssuedInTheFutureIsRefused() throws Exception {
        Instant later = Instant.now().plus(Duration.ofMinutes(10));
        assertRefused(
                signed(b -> b.issueTime(Date.from(later)).expirationTime(Date.from(later.plusSeconds(300)))),
                NONCE,
                "issue time");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        assertRefused(signed(b -> b.audience("another-app")), NONCE, "audience");
    }

    @Test
    void severalAudiencesNeedAnAzpNamingThisClient() throws Exception {
        assertRefused(signed(b -> b.audience(List.of(CLIENT_ID, "another-app"))), NONCE, "azp");
        assertRefused(
                signed(b -> b.audience(List.of(CLIENT_ID, "another-app")).claim("azp", "another-app")), NONCE, "azp");
        OidcIdentity ok = provider.validate(
                signed(b -> b.audience(List.of(CLIENT_ID, "another-app")).claim("azp", CLIENT_ID)), NONCE);
        assertThat(ok.subject()).isNotBlank();
    }

    @Test
    void aWrongOrMissingNonceIsRefused() throws Exception {
        assertRefused(signed(b -> b), "nonce-of-another-sign-in", "nonce");
        assertRefused(signed(b -> b.claim("nonce", null)), NONCE, "nonce");
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() throws Exception {
        assertRefused(signed(b -> b.issuer("https://id.example.com/realms/other")), NONCE, "issuer");
    }

    @Test
    void somethingThatIsNoTokenIsRefused() {
        assertRefused("not.a.token", NONCE, "");
        assertRefused("garbage", NONCE, "");
    }
}

package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.github.fake.MutableClock;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubAppTest {

    private static final long INSTALLATION = 52814117;

    private final MutableClock clock = MutableClock.atNow();
    private GitHubFake github;
    private GitHubApp app;

    @BeforeEach
    void start() {
        github = GitHubFake.start(clock);
        github.addInstallation(INSTALLATION, List.of("octo-org/hello-world", "octo-org/api", "octo-org/docs"));
        app = new GitHubApp(
                github.endpoints(), github.appId(), github.appPrivateKeyPem(), HttpClient.newHttpClient(), clock);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void theJwtIsRs256FromTheAppBackdatedAMinuteAndLivesNineMinutes() throws Exception {
        SignedJWT jwt = SignedJWT.parse(app.jwt());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.verify(new RSASSAVerifier(publicKeyOf(github.appPrivateKeyPem()))))
                .isTrue();
        assertThat(claims.getIssuer()).isEqualTo(github.appId());
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant().minusSeconds(60));
        assertThat(claims.getExpirationTime().toInstant())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(9)));
    }

    @Test
    void theInstallationOfARepositoryIsAskedOnceWithTheAppsJwt() {
        assertThat(app.installationFor("octo-org/api")).isEqualTo(INSTALLATION);
        assertThat(app.installationFor("OCTO-ORG/api")).isEqualTo(INSTALLATION);
        assertThat(github.requests("GET", "/repos/octo-org/api/installation"))
                .singleElement()
                .satisfies(r -> assertThat(r.authorization()).startsWith("Bearer ey"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> app.installationFor("someone/else"))
                .isInstanceOf(GitHubException.class);
    }

    @Test
    void theInstallationTokenIsFetchedOnceAndCached() {
        String first = app.installationToken(INSTALLATION);
        String second = app.installationToken(INSTALLATION);

        assertThat(first).startsWith("ghs_").isEqualTo(second);
        assertThat(github.requests("POST", "/app/installations/" + INSTALLATION + "/access_tokens"))
                .singleElement()
                .satisfies(r -> assertThat(r.authorization()).startsWith("Bearer ey"));
    }

    @Test
    void concurrentCallersShareOneTokenRequest() throws Exception {
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Callable<String>> calls =
                    java.util.Collections.nCopies(callers, () -> app.installationToken(INSTALLATION));
            List<String> tokens = pool.invokeAll(calls).stream()
                    .map(GitHubAppTest::get)
                    .distinct()
                    .toList();

            assertThat(tokens).hasSize(1);
            assertThat(github.requests("POST", "/app/installations/" + INSTALLATION + "/access_tokens"))
                    .hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTokenIsReplacedFiveMinutesBeforeItExpires() {
        String first = app.installationToken(INSTALLATION);

        clock.advance(
                GitHubFake.INSTALLATION_TOKEN_TTL.minus(Duration.ofMinutes(5)).minusSeconds(1));
        assertThat(app.installationToken(INSTALLATION)).isEqualTo(first);

        clock.advance(Duration.ofSeconds(1));
        String renewed = app.installationToken(INSTALLATION);

        assertThat(renewed).isNotEqualTo(first);
        assertThat(github.requests("POST", "/app/installations/" + INSTALLATION + "/access_tokens"))
                .hasSize(2);
    }

    @Test
    void installationRepositoriesFollowsEveryPage() {
        github.maxPageSize(2);

        List<String> repos = app.installationRepositories(INSTALLATION);

        assertThat(repos).containsExactly("octo-org/hello-world", "octo-org/api", "octo-org/docs");
        String token = app.installationToken(INSTALLATION);
        assertThat(github.requests("GET", "/installation/repositories"))
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + token));
    }

    @Test
    void aKeyInGitHubsPkcs1FormatWorksToo() throws Exception {
        RSAPrivateCrtKey key = (RSAPrivateCrtKey)
                KeyPairGenerator.getInstance("RSA").genKeyPair().getPrivate();
        String pkcs1Pem = "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pkcs1Of(key.getEncoded()))
                + "\n-----END RSA PRIVATE KEY-----\n";
        github.app("1234", (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())));

        GitHubApp pkcs1App = new GitHubApp(github.endpoints(), "1234", pkcs1Pem, HttpClient.newHttpClient(), clock);

        assertThat(pkcs1App.installationToken(INSTALLATION)).startsWith("ghs_");
    }

    @Test
    void aJwtSignedWithAnotherKeyIsRefused() throws Exception {
        RSAPrivateCrtKey other = (RSAPrivateCrtKey)
                KeyPairGenerator.getInstance("RSA").genKeyPair().getPrivate();
        String otherPem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(other.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        GitHubApp impostor =
                new GitHubApp(github.endpoints(), github.appId(), otherPem, HttpClient.newHttpClient(), clock);

        assertThatThrownBy(() -> impostor.installationToken(INSTALLATION))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("A JSON web token could not be decoded");
    }

    @Test
    void anUnknownInstallationIsNotFound() {
        assertThatThrownBy(() -> app.installationToken(1))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void somethingThatIsNotAPemKeyIsRefusedAtOnce() {
        assertThatThrownBy(() -> new GitHubApp(github.endpoints(), "1", "ssh-rsa AAAA... not a key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PEM");
    }

    private static RSAPublicKey publicKeyOf(String pkcs8Pem) throws Exception {
        String base64 = pkcs8Pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    }

    /** The PKCS#1 key inside a PKCS#8 PrivateKeyInfo: its last element, an OCTET STRING. */
    private static byte[] pkcs1Of(byte[] pkcs8) {
        int[] outer = header(pkcs8, 0); // SEQUENCE
        int at = outer[0];
        at = skip(pkcs8, at); // INTEGER version
        at = skip(pkcs8, at); // SEQUENCE algorithm
        int[] octets = header(pkcs8, at); // OCTET STRING
        assertThat(pkcs8[at]).isEqualTo((byte) 0x04);
        return Arrays.copyOfRange(pkcs8, octets[0], octets[0] + octets[1]);
    }

    /** [start of content, content length] of the DER element at {@code at}. */
    private static int[] header(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int n = first & 0x7f;
        int length = new BigInteger(1, Arrays.copyOfRange(der, at + 2, at + 2 + n)).intValueExact();
        return new int[] {at + 2 + n, length};
    }

    private static int skip(byte[] der, int at) {
        int[] h = header(der, at);
        return h[0] + h[1];
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

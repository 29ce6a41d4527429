package dev.nightshift.sandbox.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.nightshift.core.secret.EgressSecret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The egress proxy with secrets: a real HTTPS origin on loopback (its own CA, trusted by the proxy
 * as extra origin trust), the JDK's HTTP client going through the proxy's Unix socket the way a
 * sandbox does (over a loopback bridge) and trusting the deployment CA.
 */
class EgressInterceptionTest {
    private static final String SESSION = "session-7";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Clock CLOCK = Clock.systemUTC();

    private static final String TOKEN_PLACEHOLDER = "NSPH_s7_TOKEN_4f1c";
    private static final String TOKEN_VALUE = "tok-REAL-9d8e7f6a5b4c";
    private static final String WAREHOUSE_PLACEHOLDER = "NSPH_s7_WAREHOUSE_77aa";
    private static final String WAREHOUSE_VALUE = "wh-REAL-0123456789";

    private static final EgressSecret TOKEN = new EgressSecret(
            "API_TOKEN",
            TOKEN_PLACEHOLDER,
            TOKEN_VALUE,
            List.of("api.test"),
            List.of(),
            List.of(),
            null,
            List.of("key"));
    private static final EgressSecret WAREHOUSE = new EgressSecret(
            "WAREHOUSE_KEY",
            WAREHOUSE_PLACEHOLDER,
            WAREHOUSE_VALUE,
            List.of("*.warehouse.test"),
            List.of("POST"),
            List.of("/api/v1/query"),
            List.of("X-Api-Key"),
            List.of());

    @TempDir
    Path tmp;

    private final CertificateAuthority deploymentCa = CertificateAuthority.generate("Nightshift egress test CA", CLOCK);
    private final CertificateAuthority originCa = CertificateAuthority.generate("Test origin CA", CLOCK);
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private HttpsServer origin;
    private HttpServer plainOrigin;
    private ExecutorService originThreads;
    private EgressProxy proxy;
    private UnixBridge bridge;
    private HttpClient client;

    private record Seen(String method, String uri, Map<String, List<String>> headers, String body, int remotePort) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.getFirst();
        }
    }

    @BeforeEach
    void start() throws Exception {
        originThreads = Executors.newVirtualThreadPerTaskExecutor();
        origin = HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        origin.setHttpsConfigurator(new HttpsConfigurator(
                originCa.issue(List.of("api.test", "blind.test", "db.warehouse.test", "127.0.0.1"))));
        origin.setExecutor(originThreads);
        origin.createContext("/", this::serve);
        origin.start();
        plainOrigin = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        plainOrigin.setExecutor(originThreads);
        plainOrigin.createContext("/", this::serve);
        plainOrigin.start();

        int port = origin.getAddress().getPort();
        AllowlistPolicy allowlist = new AllowlistPolicy(
                SESSION,
                List.of("api.test", "blind.test", "*.warehouse.test"),
                Set.of(port, plainOrigin.getAddress().getPort()),
                a -> a.isLoopbackAddress() ? Optional.empty() : Optional.of("not loopback"),
                host -> host.endsWith(".test") ? new InetAddress[] {LOOPBACK} : unknown(host));
        EgressPolicy policy = new EgressPolicy() {
            @Override
            public String sessionId() {
                return SESSION;
            }

            @Override
            public EgressDecision decide(String host, int p) {
                return allowlist.decide(host, p);
            }

            @Override
            public List<EgressSecret> secrets() {
                return List.of(TOKEN, WAREHOUSE);
            }
        };
        Path socket = tmp.resolve("egress.sock");
        proxy = EgressProxy.start(socket, policy, new Recorder(), deploymentCa, originCa.trustStore());
        bridge = new UnixBridge(socket);
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(bridge.address()))
                .sslContext(trusting(deploymentCa, originCa))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        bridge.close();
        proxy.close();
        origin.stop(0);
        plainOrigin.stop(0);
        originThreads.close();
    }

    @Test
    void substitutesThePlaceholderForAnAllowedHostAndPutsItBackInTheEcho() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(https("api.test", "/echo"))
                .header("Authorization", "Bearer " + TOKEN_PLACEHOLDER));

        assertThat(seen.getFirst().header("Authorization")).isEqualTo("Bearer " + TOKEN_VALUE);
        assertThat(seen.getFirst().header("Accept-encoding")).isEqualTo("identity");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"auth\":\"Bearer " + TOKEN_PLACEHOLDER + "\"")
                .doesNotContain(TOKEN_VALUE);
        assertThat(response.headers().firstValue("X-Seen")).contains("Bearer " + TOKEN_PLACEHOLDER);
        X509Certificate presented =
                (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(presented.getIssuerX500Principal())
                .isEqualTo(deploymentCa.certificate().getSubjectX500Principal());
        assertThat(events).contains("substituted API_TOKEN api.test GET /echo");
        assertThat(events).noneMatch(e -> e.contains(TOKEN_VALUE));
    }

    @Test
    void substitutesInANamedQueryParameterAndReportsThePathWithoutTheQuery() throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(https("api.test", "/echo?key=" + TOKEN_PLACEHOLDER + "&page=2")));

        assertThat(seen.getFirst().uri()).isEqualTo("/echo?key=" + TOKEN_VALUE + "&page=2");
        assertThat(response.body()).contains(TOKEN_PLACEHOLDER).doesNotContain(TOKEN_VALUE);
        assertThat(events).contains("substituted API_TOKEN api.test GET /echo");
    }

    @Test
    void leavesThePlaceholderAndReportsMisuseOutsideTheSecretsScope() throws Exception {
        send(HttpRequest.newBuilder(https("db.warehouse.test", "/api/v1/query"))
                .header("X-Api-Key", WAREHOUSE_PLACEHOLDER)
                .POST(HttpRequest.BodyPublishers.ofString("select 1")));
        send(HttpRequest.newBuilder(https("db.warehouse.test", "/api/v1/query"))
                .header("X-Api-Key", WAREHOUSE_PLACEHOLDER)); // GET
        send(HttpRequest.newBuilder(https("db.warehouse.test", "/api/v1/admin"))
                .header("X-Api-Key", WAREHOUSE_PLACEHOLDER)
                .POST(HttpRequest.BodyPublishers.ofString("drop table")));
        send(HttpRequest.newBuilder(https("db.warehouse.test", "/api/v1/query/../admin"))
                .header("X-Api-Key", WAREHOUSE_PLACEHOLDER)
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        send(HttpRequest.newBuilder(https("db.warehouse.test", "/echo"))
                .header("Authorization", "Bearer " + TOKEN_PLACEHOLDER)); // another secret's host

        assertThat(seen)
                .extracting(s -> s.header("X-api-key"))
                .containsExactly(
                        WAREHOUSE_VALUE, WAREHOUSE_PLACEHOLDER, WAREHOUSE_PLACEHOLDER, WAREHOUSE_PLACEHOLDER, null);
        assertThat(seen.getLast().header("Authorization")).isEqualTo("Bearer " + TOKEN_PLACEHOLDER);
        assertThat(events)
                .filteredOn(e -> !e.startsWith("allowed"))
                .containsExactly(
                        "substituted WAREHOUSE_KEY db.warehouse.test POST /api/v1/query",
                        "misused WAREHOUSE_KEY db.warehouse.test GET /api/v1/query"
                                + " method GET not allowed for this secret (allowed: [POST])",
                        "misused WAREHOUSE_KEY db.warehouse.test POST /api/v1/admin"
                                + " path /api/v1/admin outside the allowed prefixes [/api/v1/query]",
                        "misused WAREHOUSE_KEY db.warehouse.test POST /api/v1/query/../admin"
                                + " path outside the allowed prefixes [/api/v1/query]"
                                + " (it has dot segments or encoded separators)",
                        "misused API_TOKEN db.warehouse.test GET /echo"
                                + " db.warehouse.test is not an allowed host for this secret (allowed: [api.test])");
    }

    @Test
    void aHostWithoutSecretsStaysABlindTunnel() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(https("blind.test", "/echo"))
                .header("Authorization", "Bearer " + TOKEN_PLACEHOLDER));

        X509Certificate presented =
                (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(presented.getIssuerX500Principal())
                .isEqualTo(originCa.certificate().getSubjectX500Principal());
        assertThat(seen.getFirst().header("Authorization")).isEqualTo("Bearer " + TOKEN_PLACEHOLDER);
        assertThat(events).noneMatch(e -> e.startsWith("substituted") || e.startsWith("misused"));
    }

    @Test
    void relaysChunkedUploadsAndDownloadsAndKeepsTheConnectionAlive() throws Exception {
        String upload = "{\"echo\":\"" + TOKEN_VALUE + "\",\"pad\":\"" + "x".repeat(50_000) + "\"}";
        HttpResponse<String> first = send(HttpRequest.newBuilder(https("api.test", "/chunked"))
                .header("Authorization", "Bearer " + TOKEN_PLACEHOLDER)
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(upload.getBytes(StandardCharsets.UTF_8)))));
        HttpResponse<String> second = send(HttpRequest.newBuilder(https("api.test", "/echo"))
                .header("Authorization", "Bearer " + TOKEN_PLACEHOLDER));

        assertThat(seen.getFirst().body()).isEqualTo(upload); // the request body is not rewritten
        assertThat(seen.getFirst().header("Transfer-encoding")).isEqualTo("chunked");
        // the origin split the value across two chunks; the sandbox sees the placeholder only
        assertThat(first.body()).contains(TOKEN_PLACEHOLDER).doesNotContain(TOKEN_VALUE);
        assertThat(first.body()).endsWith("\"}" + "tail:" + TOKEN_PLACEHOLDER);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(seen.get(1).remotePort()).isEqualTo(seen.getFirst().remotePort());
        assertThat(events).filteredOn(e -> e.startsWith("allowed")).hasSize(1);
    }

    @Test
    void answersExpectContinueAndForwardsTheBody() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(https("api.test", "/echo"))
                .expectContinue(true)
                .header("Authorization", "Bearer " + TOKEN_PLACEHOLDER)
                .POST(HttpRequest.BodyPublishers.ofString("payload")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(seen.getFirst().body()).isEqualTo("payload");
        assertThat(seen.getFirst().headers()).doesNotContainKey("Expect");
    }

    @Test
    void plainHttpGetsSubstitutionAndEchoProtectionToo() throws Exception {
        URI allowed = URI.create("http://api.test:" + plainOrigin.getAddress().getPort() + "/echo");
        URI other = URI.create("http://blind.test:" + plainOrigin.getAddress().getPort() + "/echo");

        HttpResponse<String> response =
                send(HttpRequest.newBuilder(allowed).header("Authorization", "Bearer " + TOKEN_PLACEHOLDER));
        send(HttpRequest.newBuilder(other).header("Authorization", "Bearer " + TOKEN_PLACEHOLDER));

        assertThat(seen)
                .extracting(s -> s.header("Authorization"))
                .containsExactly("Bearer " + TOKEN_VALUE, "Bearer " + TOKEN_PLACEHOLDER);
        assertThat(response.body()).contains(TOKEN_PLACEHOLDER).doesNotContain(TOKEN_VALUE);
        assertThat(response.headers().firstValue("X-Seen")).contains("Bearer " + TOKEN_PLACEHOLDER);
        assertThat(events)
                .contains(
                        "substituted API_TOKEN api.test GET /echo",
                        "misused API_TOKEN blind.test GET /echo"
                                + " blind.test is not an allowed host for this secret (allowed: [api.test])");
    }

    @Test
    void leafCertificatesNameTheirHostAndChainToTheCa() throws Exception {
        X509Certificate leaf = deploymentCa.leafCertificate("api.test");
        X509Certificate ipLeaf = deploymentCa.leafCertificate("127.0.0.1");

        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, "api.test"));
        assertThat(ipLeaf.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(Duration.between(
                        leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
                .isLessThanOrEqualTo(CertificateAuthority.LEAF_VALIDITY.plusHours(1));
        assertThat(deploymentCa.leafFor("API.test")).isSameAs(deploymentCa.leafFor("api.test"));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(deploymentCa.certificate(), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
        PKIXParameters wrongAnchor = new PKIXParameters(Set.of(new TrustAnchor(originCa.certificate(), null)));
        wrongAnchor.setRevocationEnabled(false);
        assertThatThrownBy(() -> CertPathValidator.getInstance("PKIX")
                        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), wrongAnchor))
                .isInstanceOf(java.security.cert.CertPathValidatorException.class);
    }

    @Test
    void theCaRoundTripsThroughPemAndRefusesAForeignKey() {
        CertificateAuthority copy =
                CertificateAuthority.fromPem(deploymentCa.certificatePem(), deploymentCa.privateKeyPem(), CLOCK);

        assertThat(copy.certificate()).isEqualTo(deploymentCa.certificate());
        assertThat(copy.certificate().getBasicConstraints()).isZero();
        assertThat(copy.certificate().getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(deploymentCa.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(deploymentCa.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        X509Certificate leaf = copy.leafCertificate("api.test");
        assertThat(leaf.getIssuerX500Principal())
                .isEqualTo(deploymentCa.certificate().getSubjectX500Principal());
        assertThatThrownBy(() ->
                        CertificateAuthority.fromPem(deploymentCa.certificatePem(), originCa.privateKeyPem(), CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the CA certificate");
        assertThatThrownBy(() -> CertificateAuthority.fromPem("not pem", deploymentCa.privateKeyPem(), CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a PEM certificate");
    }

    @Test
    void theScrubberCatchesAValueSplitAtEveryPoint() throws IOException {
        EchoScrubber scrubber = new EchoScrubber(List.of(TOKEN));
        byte[] text = ("a" + TOKEN_VALUE + "b" + TOKEN_VALUE).getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= text.length; cut++) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (OutputStream out = scrubber.scrubbing(sink)) {
                out.write(text, 0, cut);
                out.write(text, cut, text.length - cut);
            }
            assertThat(sink.toString(StandardCharsets.UTF_8))
                    .as("cut at " + cut)
                    .isEqualTo("a" + TOKEN_PLACEHOLDER + "b" + TOKEN_PLACEHOLDER);
        }
        assertThat(EchoScrubber.textual("application/problem+json; charset=utf-8"))
                .isTrue();
        assertThat(EchoScrubber.textual("text/html")).isTrue();
        assertThat(EchoScrubber.textual("application/octet-stream")).isFalse();
    }

    // ---- helpers ----

    private URI https(String host, String pathAndQuery) {
        return URI.create("https://" + host + ":" + origin.getAddress().getPort() + pathAndQuery);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {@code /echo} answers with the request's Authorization header and query as JSON (and the
     * header again in X-Seen); {@code /chunked} streams the request body back in chunks, then
     * the token's value cut in two chunks.
     */
    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add(new Seen(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body,
                    exchange.getRemoteAddress().getPort()));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (auth != null) {
                exchange.getResponseHeaders().add("X-Seen", auth);
            }
            if (exchange.getRequestURI().getPath().equals("/chunked")) {
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write(body.getBytes(StandardCharsets.UTF_8));
                out.write("tail:".getBytes(StandardCharsets.UTF_8));
                out.write(TOKEN_VALUE.substring(0, 5).getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.write(TOKEN_VALUE.substring(5).getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] answer = ("{\"auth\":\"" + auth + "\",\"query\":\""
                            + exchange.getRequestURI().getRawQuery() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private static SSLContext trusting(CertificateAuthority... cas) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.length; i++) {
            store.setCertificateEntry("ca" + i, cas[i].certificate());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static InetAddress[] unknown(String host) throws UnknownHostException {
        throw new UnknownHostException(host);
    }

    private final class Recorder implements EgressListener {
        @Override
        public void allowed(String sessionId, String host, int port, InetAddress address) {
            events.add("allowed " + host);
        }

        @Override
        public void refused(String sessionId, String host, int port, String reason) {
            events.add("refused " + host + " " + reason);
        }

        @Override
        public void substituted(String sessionId, String secretName, String host, String method, String path) {
            assertThat(sessionId).isEqualTo(SESSION);
            events.add("substituted " + secretName + " " + host + " " + method + " " + path);
        }

        @Override
        public void misused(
                String sessionId, String secretName, String host, String method, String path, String reason) {
            events.add("misused " + secretName + " " + host + " " + method + " " + path + " " + reason);
        }
    }
}

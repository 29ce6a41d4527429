package dev.nightshift.server.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.git.testing.TokenScan;
import dev.nightshift.sandbox.egress.CertificateAuthority;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets as a user meets them, in a real bubblewrap sandbox: a key stored in the vault reaches an
 * HTTPS service as its real value while the sandbox only ever holds a placeholder — through curl,
 * Python's urllib and Java's HttpClient alike — the service's echo of the key comes back as the
 * placeholder, the placeholder sent to a host it is not for is worthless and reported, setup
 * secrets exist for {@code .nightshift/setup.sh} only, and nothing in the sandbox or the log holds
 * a real value.
 */
class SecretsEndToEndTest {
    static final String API_KEY = "sk-live-0123456789abcdef";
    static final String OTHER_KEY = "other-key-5555aaaa";
    static final String SETUP_TOKEN = "setup-token-777xyz";

    @TempDir
    static Path dir;

    static final String KEY_HOST = "127.0.0.2";
    static final String OTHER_HOST = "127.0.0.3";
    static HttpsServer upstream;
    static HttpsServer other;
    static int otherPort;
    static final List<String> received = new CopyOnWriteArrayList<>();
    static TestServer server;
    static final Map<String, ExecResult> outputs = new ConcurrentHashMap<>();
    static int port;

    @BeforeAll
    static void start() throws Exception {
        // an internal HTTPS service with a private CA that echoes the key it was sent, on two loopback
        // addresses (names the sandbox's NO_PROXY does not cover): one the key is for, one it is not
        CertificateAuthority originCa = CertificateAuthority.generate("Test origin CA", Clock.systemUTC());
        javax.net.ssl.SSLContext originTls = originCa.issue(List.of(KEY_HOST, OTHER_HOST));
        upstream = https(KEY_HOST, originTls);
        other = https(OTHER_HOST, originTls);
        port = upstream.getAddress().getPort();
        otherPort = other.getAddress().getPort();
        Path originCaFile = Files.writeString(dir.resolve("origin-ca.pem"), originCa.certificatePem());

        server = TestServer.start(
                Map.of(
                        "NIGHTSHIFT_EGRESS_INTERNAL_HOSTS",
                        KEY_HOST + ":" + port + "," + OTHER_HOST + ":" + otherPort,
                        "NIGHTSHIFT_EGRESS_ORIGIN_CA_FILE",
                        originCaFile.toString()),
                p -> {
                    p.sandboxes = true;
                    // each prompt is a shell command the "agent" runs; its output goes to the log like a tool result
                    p.executor = turn -> {
                        ExecResult r = turn.sandbox()
                                .exec(
                                        ExecRequest.shell(turn.message().content())
                                                .withTimeout(Duration.ofSeconds(90)),
                                        OutputListener.IGNORE);
                        outputs.put(turn.message().content(), r);
                        turn.emit(
                                new EventPayload.ToolResult("c1", "bash", r.stdout() + r.stderr(), r.exitCode() != 0));
                    };
                });
    }

    static HttpsServer https(String address, javax.net.ssl.SSLContext tls) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            received.add(exchange.getRequestURI().getPath() + " " + auth);
            byte[] body = ("{\"youSent\":\"" + auth + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Echo", auth);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @AfterAll
    static void stop() {
        if (other != null) {
            other.stop(0);
        }
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    static ExecResult run(ApiClient client, String session, String command) {
        long before = client.allEvents(session).stream()
                .filter(e -> e.path("type").asText().equals("turn_complete"))
                .count();
        assertThat(client.prompt(session, command, null).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(120))
                .until(() -> client.allEvents(session).stream()
                                .filter(e -> e.path("type").asText().equals("turn_complete"))
                                .count()
                        > before);
        return outputs.get(command);
    }

    static void secret(Map<String, Object> body) {
        ApiClient.Response r = server.admin.post("/api/secrets", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        assertThat(r.raw()).doesNotContain(String.valueOf(body.get("value")));
    }

    @Test
    void theSandboxHoldsPlaceholdersAndTheServiceGetsTheRealKey() throws Exception {
        Path repo = dir.resolve("repo");
        TestRepos.git(null, "init", "-q", "-b", "main", repo.toString());
        Files.createDirectories(repo.resolve(".nightshift"));
        Files.writeString(
                repo.resolve(".nightshift/setup.sh"),
                "if [ -n \"$SETUP_TOKEN\" ]; then echo present > \"$HOME/setup-saw-token\"; fi\n");
        TestRepos.git(repo, "add", "-A");
        TestRepos.git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "setup hook");

        secret(Map.of("name", "API_KEY", "value", API_KEY, "delivery", "egress", "hosts", List.of(KEY_HOST)));
        secret(Map.of("name", "OTHER_KEY", "value", OTHER_KEY, "delivery", "egress", "hosts", List.of(OTHER_HOST)));
        secret(Map.of("name", "SETUP_TOKEN", "value", SETUP_TOKEN, "delivery", "setup"));
        ApiClient admin = server.admin;
        String session = admin.createSession(repo.toString());

        // the agent's first command: a placeholder, and no setup secret
        ExecResult env =
                run(admin, session, "echo \"key=$API_KEY setup=[$SETUP_TOKEN]\"; cat \"$HOME/setup-saw-token\"");
        assertThat(env.stdout())
                .startsWith("key=NSPH_")
                .contains("setup=[]")
                .contains("present")
                .doesNotContain(API_KEY);

        String url = "https://" + KEY_HOST + ":" + port;
        ExecResult curl = run(admin, session, "curl -sS -H \"Authorization: Bearer $API_KEY\" " + url + "/curl -D -");
        assertThat(curl.exitCode()).as(curl.stderr()).isZero();
        assertThat(received).contains("/curl Bearer " + API_KEY);
        assertThat(curl.stdout())
                .doesNotContain(API_KEY)
                .contains("Bearer NSPH_")
                .containsIgnoringCase("x-echo: Bearer NSPH_");

        ExecResult python = run(
                admin,
                session,
                "python3 -c \"import os,urllib.request as u; "
                        + "r=u.Request('" + url
                        + "/python', headers={'Authorization':'Bearer '+os.environ['API_KEY']}); "
                        + "print(u.urlopen(r).read().decode())\"");
        assertThat(python.exitCode()).as(python.stderr()).isZero();
        assertThat(received).contains("/python Bearer " + API_KEY);
        assertThat(python.stdout()).contains("Bearer NSPH_").doesNotContain(API_KEY);

        // the JDK's default proxy selector never proxies a loopback address like this test's service, so the
        // probe names the proxy the sandbox's JAVA_TOOL_OPTIONS give it; the trust store comes from there too
        ExecResult java = run(
                admin,
                session,
                "mkdir -p /tmp/probe && cat > /tmp/probe/Probe.java <<'EOF'\n"
                        + "import java.net.URI; import java.net.http.*;\n"
                        + "public class Probe { public static void main(String[] a) throws Exception {\n"
                        + "  var c = HttpClient.newBuilder().proxy(java.net.ProxySelector.of(new java.net.InetSocketAddress(System.getProperty(\"https.proxyHost\"), Integer.getInteger(\"https.proxyPort\")))).build();\n"
                        + "  var r = c.send(HttpRequest.newBuilder(URI.create(\"" + url + "/java\"))"
                        + ".header(\"Authorization\", \"Bearer \" + System.getenv(\"API_KEY\")).build(), HttpResponse.BodyHandlers.ofString());\n"
                        + "  System.out.println(r.body()); } }\nEOF\n"
                        + "java /tmp/probe/Probe.java");
        assertThat(java.exitCode()).as(java.stdout() + java.stderr()).isZero();
        assertThat(received).contains("/java Bearer " + API_KEY);
        assertThat(java.stdout()).contains("Bearer NSPH_").doesNotContain(API_KEY);

        // the placeholder sent to another host (one that has a secret of its own) is not substituted, and is reported
        ExecResult misuse = run(
                admin,
                session,
                "curl -sS -H \"Authorization: Bearer $API_KEY\" https://" + OTHER_HOST + ":" + otherPort
                        + "/elsewhere");
        assertThat(misuse.exitCode()).as(misuse.stderr()).isZero();
        assertThat(received).anyMatch(r -> r.startsWith("/elsewhere Bearer NSPH_"));
        assertThat(received).noneMatch(r -> r.startsWith("/elsewhere") && r.contains(API_KEY));
        List<JsonNode> network = admin.allEvents(session).stream()
                .filter(e -> e.path("type").asText().equals("sandbox_network"))
                .toList();
        assertThat(network)
                .anySatisfy(
                        e -> assertThat(e.path("data").path("reason").asText()).contains("API_KEY", OTHER_HOST));

        // every substitution is audited, never with the value
        String audit = admin.get("/api/audit?action=secret.substitute&session=" + session)
                .raw();
        assertThat(audit).contains("API_KEY GET /curl").doesNotContain(API_KEY);

        // nothing anywhere in the sandbox, nor in the log, holds a real value
        Sandbox sandbox = server.server.sandboxes().acquire(session);
        List<String> values = List.of(API_KEY, OTHER_KEY, SETUP_TOKEN);
        assertThat(TokenScan.find(sandbox, values)).isEmpty();
        String log = admin.get("/api/sessions/" + session + "/events?after=0&limit=500")
                .raw();
        assertThat(log).doesNotContain(API_KEY, OTHER_KEY, SETUP_TOKEN);
        // the control: a value planted in the sandbox is found
        run(
                admin,
                session,
                "printf %s '" + "plant" + "' > /tmp/planted; printf %s \"$(printf %s 'plant')ed-"
                        + "value\" > /tmp/planted");
        assertThat(TokenScan.find(sandbox, List.of("planted-value"))).isNotEmpty();
    }

    @Test
    void aSessionNarrowsItsNetworkAndItsSecrets() throws Exception {
        Path repo = dir.resolve("plain-repo");
        TestRepos.git(null, "init", "-q", "-b", "main", repo.toString());
        Files.writeString(repo.resolve("README.md"), "plain\n");
        TestRepos.git(repo, "add", "-A");
        TestRepos.git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
        secret(Map.of(
                "name", "NARROW_A", "value", "narrow-a-value-1", "delivery", "egress", "hosts", List.of(KEY_HOST)));
        secret(Map.of("name", "NARROW_B", "value", "narrow-b-value-2", "delivery", "env"));
        ApiClient admin = server.admin;

        // only NARROW_B of the secrets that apply
        ApiClient.Response chosen = admin.post(
                "/api/sessions",
                Map.of("repository", repo.toString(), "settings", Map.of("secrets", List.of("NARROW_B"))));
        assertThat(chosen.status()).as(chosen.raw()).isEqualTo(201);
        assertThat(chosen.body().path("settings").path("secrets").toString()).isEqualTo("[\"NARROW_B\"]");
        ExecResult env = run(admin, chosen.text("id"), "echo \"a=[$NARROW_A] b=[$NARROW_B]\"");
        assertThat(env.stdout()).contains("a=[]").contains("b=[narrow-b-value-2]");
        assertThat(admin.allEvents(chosen.text("id")).toString())
                .doesNotContain("narrow-b-value-2")
                .contains("[secret NARROW_B]");

        // no network at all: even the secret's own host is refused, and the session page says so
        ApiClient.Response closed = admin.post(
                "/api/sessions", Map.of("repository", repo.toString(), "settings", Map.of("network", "none")));
        assertThat(closed.body().path("settings").path("network").asText()).isEqualTo("none");
        ExecResult refused = run(
                admin,
                closed.text("id"),
                "curl -sS -o /dev/null -w '%{http_code}' https://" + KEY_HOST + ":" + port + "/nowhere");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(received).noneMatch(r -> r.startsWith("/nowhere"));
        assertThat(admin.allEvents(closed.text("id")).stream()
                        .filter(e -> e.path("type").asText().equals("sandbox_network"))
                        .map(e -> e.path("data").path("action").asText()))
                .contains("refused");

        // bad settings change nothing
        int before = admin.get("/api/sessions").body().path("sessions").size();
        assertThat(admin.post(
                                "/api/sessions",
                                Map.of("repository", repo.toString(), "settings", Map.of("network", "everything")))
                        .status())
                .isEqualTo(400);
        assertThat(admin.post(
                                "/api/sessions",
                                Map.of(
                                        "repository",
                                        repo.toString(),
                                        "settings",
                                        Map.of("secrets", List.of("not a name"))))
                        .status())
                .isEqualTo(400);
        assertThat(admin.get("/api/sessions").body().path("sessions").size()).isEqualTo(before);
    }
}

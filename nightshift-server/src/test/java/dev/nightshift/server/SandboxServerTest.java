package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sandboxes as a session sees them, through a real control plane and real bubblewrap. */
class SandboxServerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static List<String> eventTypes(ApiClient api, String id) {
        return api.allEvents(id).stream().map(e -> e.path("type").asText()).toList();
    }

    private static List<JsonNode> events(ApiClient api, String id, String type) {
        return api.allEvents(id).stream()
                .filter(e -> e.path("type").asText().equals(type))
                .toList();
    }

    private static byte[] bundle(Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("origin"));
        git(repo, "init", "-q", "-b", "main");
        Files.writeString(repo.resolve("index.html"), "<h1>prototype</h1>\n");
        Files.createDirectories(repo.resolve(".nightshift"));
        Files.writeString(repo.resolve(".nightshift/setup.sh"), "echo installing dependencies\n");
        Files.writeString(repo.resolve(".nightshift/start.sh"), "echo starting services\n");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init");
        git(repo, "bundle", "create", "-q", dir.resolve("repo.bundle").toString(), "HEAD", "main");
        return Files.readAllBytes(dir.resolve("repo.bundle"));
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void aSessionsSandboxServesAPreviewHibernatesRestoresAndGoesWithTheSession(@TempDir Path work) throws Exception {
        try (TestServer s =
                TestServer.start(Map.of("NIGHTSHIFT_EGRESS_ALLOW", "allowed.example"), p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/preview");
            ApiClient.Response resumed = api.post("/api/sessions/" + id + "/sandbox/resume", null);
            assertThat(resumed.status()).as(resumed.raw()).isEqualTo(200);
            assertThat(resumed.text("state")).isEqualTo("ready");
            assertThat(resumed.body().path("isolation").toString()).contains("namespaces");

            Sandbox sandbox = s.server.sandboxes().acquire(id);
            sandbox.writeFile("repo.bundle", bundle(work));
            ExecResult clone = sandbox.exec(ExecRequest.shell("git clone -q repo.bundle app"), OutputListener.IGNORE);
            assertThat(clone.exitCode()).as(clone.stderr()).isZero();
            DetachedProcess server = sandbox.startDetached(new ExecRequest(
                    List.of("python3", "-m", "http.server", "8000", "--bind", "127.0.0.1"), "app", Map.of(), null));
            assertThat(server.running()).isTrue();

            // the port shows up as a preview URL for everyone in the session
            await().atMost(WAIT)
                    .until(() -> api.get("/api/sessions/" + id + "/artifacts")
                            .body()
                            .path("artifacts")
                            .findValuesAsText("type")
                            .contains("preview_url"));
            String url = api.get("/api/sessions/" + id + "/artifacts")
                    .body()
                    .path("artifacts")
                    .get(0)
                    .path("url")
                    .asText();
            assertThat(url).endsWith("/api/sessions/" + id + "/ports/8000/");
            HttpClient browser =
                    HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            HttpResponse<String> page = browser.send(
                    HttpRequest.newBuilder(URI.create(url + "index.html?token=" + api.liveToken(id)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<h1>prototype</h1>");
            HttpResponse<String> followUp =
                    browser.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(followUp.statusCode())
                    .as("the cookie carries the next request")
                    .isEqualTo(200);
            assertThat(HttpClient.newHttpClient()
                            .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(401);
            assertThat(api.get("/api/sessions/" + id + "/ports/8001/").status()).isEqualTo(502);

            // no route out but the proxy, and the proxy only lets the allowlist through
            ExecResult blocked = sandbox.exec(
                    ExecRequest.shell("curl -s -o /dev/null -w '%{http_code}' http://blocked.example/"),
                    OutputListener.IGNORE);
            assertThat(blocked.stdout()).isEqualTo("403");
            ExecResult direct = sandbox.exec(
                    ExecRequest.shell("curl -s --noproxy '*' -m 3 http://93.184.215.14/ || echo NO-ROUTE"),
                    OutputListener.IGNORE);
            assertThat(direct.stdout()).contains("NO-ROUTE");
            await().atMost(WAIT).until(() -> !events(api, id, "sandbox_network").isEmpty());
            assertThat(events(api, id, "sandbox_network")
                            .getFirst()
                            .path("data")
                            .path("host")
                            .asText())
                    .isEqualTo("blocked.example");

            sandbox.exec(ExecRequest.shell("echo remember > app/notes.txt"), OutputListener.IGNORE);
            ApiClient.Response hibernated = api.post("/api/sessions/" + id + "/sandbox/hibernate", null);
            assertThat(hibernated.status()).as(hibernated.raw()).isEqualTo(200);
            assertThat(api.get("/api/sessions/" + id + "/sandbox").text("state"))
                    .isEqualTo("hibernated");
            assertThat(api.get("/api/sessions/" + id).text("sandboxStatus")).isEqualTo("hibernated");
            assertThat(api.get("/api/sessions/" + id + "/ports/8000/").status()).isEqualTo(503);
            assertThat(Files.exists(s.dataDir.resolve("snapshots").resolve(id + ".tar.zst")))
                    .isTrue();

            assertThat(api.post("/api/sessions/" + id + "/sandbox/resume", null).text("state"))
                    .isEqualTo("ready");
            Sandbox restored = s.server.sandboxes().acquire(id);
            assertThat(new String(restored.readFile("app/notes.txt", 0, 100), StandardCharsets.UTF_8))
                    .isEqualTo("remember\n");
            assertThat(restored.ports()).doesNotContain(8000); // a snapshot is a stop
            assertThat(eventTypes(api, id))
                    .containsSubsequence("sandbox_status", "sandbox_status", "artifact", "sandbox_network");
            List<String> states = events(api, id, "sandbox_status").stream()
                    .map(e -> e.path("data").path("state").asText())
                    .toList();
            assertThat(states)
                    .containsSubsequence("provisioning", "ready", "hibernating", "hibernated", "restoring", "ready");

            assertThat(api.post("/api/sessions/" + id + "/archive", null).status())
                    .isEqualTo(200);
            assertThat(restored.state().wire()).isEqualTo("destroyed");
            assertThat(Files.exists(s.dataDir.resolve("snapshots").resolve(id + ".tar.zst")))
                    .isFalse();
        }
    }

    @Test
    void aWebSocketInsideTheSandboxIsReachableThroughItsPortUrl() throws Exception {
        try (TestServer s = TestServer.start(p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/ws");
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            try (var script = SandboxServerTest.class.getResourceAsStream("/ws_echo.py")) {
                sandbox.writeFile("ws_echo.py", script.readAllBytes());
            }
            sandbox.startDetached(new ExecRequest(List.of("python3", "ws_echo.py", "8765"), "", Map.of(), null));
            await().atMost(WAIT).until(() -> sandbox.ports().contains(8765));
            String url = s.url().replaceFirst("^http", "ws") + "/api/sessions/" + id + "/ports/8765/live?token="
                    + api.liveToken(id);
            try (var client = dev.nightshift.server.testing.WsTestClient.connect(url)) {
                client.send(Map.of("hello", "sandbox"));
                JsonNode echo = client.next("echo", WAIT);
                assertThat(echo.path("text").asText()).isEqualTo("{\"hello\":\"sandbox\"}");
            }
            try (var anonymous = dev.nightshift.server.testing.WsTestClient.connect(
                    s.url().replaceFirst("^http", "ws") + "/api/sessions/" + id + "/ports/8765/live")) {
                assertThat(anonymous.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1011);
            }
        }
    }

    /** Eleven small web servers in one process, on ports 9001 to 9011, each answering with its port. */
    private static final String ELEVEN_SERVERS = """
            import http.server, threading
            class Port(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = str(self.server.server_address[1]).encode()
                    self.send_response(200)
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
            servers = [http.server.HTTPServer(('127.0.0.1', p), Port) for p in range(9011, 9000, -1)]
            for server in servers[1:]:
                threading.Thread(target=server.serve_forever, daemon=True).start()
            servers[0].serve_forever()
            """;

    @Test
    void atMostTenPortsOfASandboxArePreviewedTheLowestOnes() throws Exception {
        try (TestServer s = TestServer.start(p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/many-ports");
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            sandbox.writeFile("eleven.py", ELEVEN_SERVERS.getBytes(StandardCharsets.UTF_8));
            sandbox.startDetached(new ExecRequest(List.of("python3", "eleven.py"), "", Map.of(), null));
            List<Integer> all =
                    java.util.stream.IntStream.rangeClosed(9001, 9011).boxed().toList();
            await().atMost(WAIT).until(() -> sandbox.ports().containsAll(all));

            // ten previews, of the ten lowest ports, whatever order the kernel lists the sockets in
            await().atMost(WAIT).until(() -> previewPorts(api, id).size() == 10);
            assertThat(previewPorts(api, id)).containsExactlyInAnyOrderElementsOf(all.subList(0, 10));
            for (int port : all.subList(0, 10)) {
                ApiClient.Response page = api.get("/api/sessions/" + id + "/ports/" + port + "/");
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.raw()).isEqualTo(String.valueOf(port));
            }
            // the eleventh listens but is not opened, and the answer says why
            ApiClient.Response eleventh = api.get("/api/sessions/" + id + "/ports/9011/");
            assertThat(eleventh.status()).isEqualTo(502);
            assertThat(eleventh.body().path("error").path("code").asText()).isEqualTo("port_not_previewed");
            assertThat(eleventh.errorMessage()).contains("10 lowest");
            ApiClient.Response silent = api.get("/api/sessions/" + id + "/ports/9012/");
            assertThat(silent.body().path("error").path("code").asText()).isEqualTo("port_not_listening");
            try (var socket =
                    dev.nightshift.server.testing.WsTestClient.connect(s.url().replaceFirst("^http", "ws")
                            + "/api/sessions/" + id + "/ports/9011/?token=" + api.liveToken(id))) {
                assertThat(socket.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1011);
            }
            assertThat(previewPorts(api, id)).hasSize(10);
        }
    }

    @Test
    void thePortsReservedForTheAgentsBrowserAndTheDesktopAreNeverPreviewed() throws Exception {
        try (TestServer s = TestServer.start(p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/reserved-ports");
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            int devtools = dev.nightshift.core.sandbox.ReservedPorts.BROWSER_DEVTOOLS;
            for (int port : List.of(devtools, 8123)) {
                sandbox.startDetached(new ExecRequest(
                        List.of("python3", "-m", "http.server", String.valueOf(port), "--bind", "127.0.0.1"),
                        "",
                        Map.of(),
                        null));
            }
            await().atMost(WAIT).until(() -> sandbox.ports().containsAll(List.of(devtools, 8123)));

            await().atMost(WAIT).until(() -> previewPorts(api, id).contains(8123));
            assertThat(previewPorts(api, id)).containsExactly(8123);
            ApiClient.Response reserved = api.get("/api/sessions/" + id + "/ports/" + devtools + "/");
            assertThat(reserved.status()).isEqualTo(502);
            assertThat(reserved.body().path("error").path("code").asText()).isEqualTo("port_not_listening");
            List<Integer> listed = new java.util.ArrayList<>();
            api.get("/api/sessions/" + id + "/sandbox").body().path("ports").forEach(p -> listed.add(p.asInt()));
            assertThat(listed).contains(8123).doesNotContain(devtools);
        }
    }

    private static List<Integer> previewPorts(ApiClient api, String id) {
        List<Integer> ports = new java.util.ArrayList<>();
        for (JsonNode artifact :
                api.get("/api/sessions/" + id + "/artifacts").body().path("artifacts")) {
            if (artifact.path("type").asText().equals("preview_url")) {
                ports.add(artifact.path("data").path("port").asInt());
            }
        }
        return ports;
    }

    @Test
    void aWebSocketsSubprotocolsReachTheServerInTheSandbox() throws Exception {
        try (TestServer s = TestServer.start(p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/ws-protocols");
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            try (var script = SandboxServerTest.class.getResourceAsStream("/ws_echo.py")) {
                sandbox.writeFile("ws_echo.py", script.readAllBytes());
            }
            // one server picks the first protocol offered (as Vite's does with vite-hmr), one insists on its own
            sandbox.startDetached(new ExecRequest(List.of("python3", "ws_echo.py", "8766"), "", Map.of(), null));
            sandbox.startDetached(
                    new ExecRequest(List.of("python3", "ws_echo.py", "8767", "something-else"), "", Map.of(), null));
            await().atMost(WAIT).until(() -> sandbox.ports().containsAll(List.of(8766, 8767)));
            String base = s.url().replaceFirst("^http", "ws") + "/api/sessions/" + id + "/ports/";

            try (var client = dev.nightshift.server.testing.WsTestClient.connect(
                    base + "8766/hmr?token=" + api.liveToken(id), "vite-hmr", "graphql-ws")) {
                assertThat(client.subprotocol()).isEqualTo("vite-hmr");
                client.send(Map.of("hello", "hmr"));
                JsonNode echo = client.next("echo", WAIT);
                assertThat(echo.path("offered")).extracting(JsonNode::asText).containsExactly("vite-hmr", "graphql-ws");
                assertThat(echo.path("protocol").asText()).isEqualTo("vite-hmr");
            }
            // no protocol offered: none is sent on, and the socket works as before
            try (var client = dev.nightshift.server.testing.WsTestClient.connect(
                    base + "8766/plain?token=" + api.liveToken(id))) {
                client.send(Map.of("hello", "plain"));
                JsonNode echo = client.next("echo", WAIT);
                assertThat(echo.path("offered")).isEmpty();
                assertThat(client.subprotocol()).isEmpty();
            }
            // a server that answers in a protocol the client did not settle on is not relayed
            try (var client = dev.nightshift.server.testing.WsTestClient.connect(
                    base + "8767/hmr?token=" + api.liveToken(id), "vite-hmr")) {
                assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1011);
            }
        }
    }

    @Test
    void repositoryHooksRunWithTheirOutputAsEvents(@TempDir Path work) throws Exception {
        try (TestServer s = TestServer.start(p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/hooks");
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            sandbox.writeFile("repo.bundle", bundle(work));
            // the checkout lands in the workspace root, as the git integration will put it
            sandbox.exec(
                    ExecRequest.shell("git clone -q repo.bundle /tmp/c && cp -r /tmp/c/. . && rm -rf /tmp/c"),
                    OutputListener.IGNORE);
            s.server.sandboxes().hibernate(id);
            s.server.sandboxes().acquire(id);
            s.server.sandboxes().hibernate(id);
            s.server.sandboxes().acquire(id);
            List<String> hooks = events(api, id, "sandbox_hook").stream()
                    .map(e -> e.path("data").path("hook").asText())
                    .toList();
            assertThat(hooks).containsExactly(".nightshift/setup.sh", ".nightshift/start.sh", ".nightshift/start.sh");
            assertThat(events(api, id, "sandbox_hook")
                            .getFirst()
                            .path("data")
                            .path("output")
                            .asText())
                    .contains("installing dependencies");
        }
    }

    @Test
    void anIdleSandboxHibernatesButNeverUnderARunningTurn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestServer s = TestServer.start(Map.of("NIGHTSHIFT_SANDBOX_IDLE_TIMEOUT", "1s"), p -> {
            p.sandboxes = true;
            p.executor = turn -> {
                turn.sandbox().exec(ExecRequest.shell("echo working"), OutputListener.IGNORE);
                release.await();
            };
        })) {
            ApiClient api = s.admin;
            String idle = api.createSession("/srv/idle");
            api.post("/api/sessions/" + idle + "/sandbox/resume", null);
            await().atMost(WAIT)
                    .until(() -> api.get("/api/sessions/" + idle + "/sandbox")
                            .text("state")
                            .equals("hibernated"));

            String busy = api.createSession("/srv/busy");
            api.prompt(busy, "keep working", null);
            await().atMost(WAIT)
                    .until(() -> api.get("/api/sessions/" + busy + "/sandbox")
                            .text("state")
                            .equals("ready"));
            Thread.sleep(3000); // three idle periods
            assertThat(api.get("/api/sessions/" + busy + "/sandbox").text("state"))
                    .isEqualTo("ready");
            assertThat(api.post("/api/sessions/" + busy + "/sandbox/hibernate", null)
                            .status())
                    .isEqualTo(409);
            release.countDown();
            await().atMost(WAIT)
                    .until(() -> api.get("/api/sessions/" + busy + "/sandbox")
                            .text("state")
                            .equals("hibernated"));
        }
    }

    @Test
    void stopKillsWhatTheTurnRunsInTheSandboxWithinASecond() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        try (TestServer s = TestServer.start(p -> {
            p.sandboxes = true;
            p.executor = turn -> {
                Sandbox sandbox = turn.sandbox();
                running.countDown();
                sandbox.exec(ExecRequest.shell("sleep 300").withTimeout(Duration.ofMinutes(10)), OutputListener.IGNORE);
            };
        })) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/stop");
            api.prompt(id, "sleep", null);
            assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            await().atMost(WAIT)
                    .until(() -> sandbox.exec(
                                    ExecRequest.shell("pgrep -c -f '^sleep 300' || true"), OutputListener.IGNORE)
                            .stdout()
                            .trim()
                            .equals("1"));
            long start = System.nanoTime();
            api.post("/api/sessions/" + id + "/stop", null);
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> sandbox.exec(
                                    ExecRequest.shell("pgrep -c -f '^sleep 300' || true"), OutputListener.IGNORE)
                            .stdout()
                            .trim()
                            .equals("0"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }
}

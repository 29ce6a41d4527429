package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A hostile page served from a session's sandbox (what a prompt-injected repository would start)
 * is opened as a preview by a signed-in person, and tries to take their API token.
 */
class PreviewIsolationTest {
    /** The sandbox's server: the page, its script, and headers that would reach beyond the page. */
    private static final String SERVER = """
            import http.server
            PAGE = b'<!doctype html><html><body><pre id="out">waiting</pre><script src="probe.js"></script></body></html>'
            PROBE = open('probe.js', 'rb').read()
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    script = self.path.split('?')[0].endswith('probe.js')
                    body = PROBE if script else PAGE
                    self.send_response(200)
                    self.send_header('Content-Type', 'text/javascript' if script else 'text/html')
                    self.send_header('Content-Length', str(len(body)))
                    self.send_header('Set-Cookie', 'planted=1; Path=/')
                    self.send_header('Access-Control-Allow-Origin', '*')
                    self.end_headers()
                    self.wfile.write(body)
            http.server.HTTPServer(('127.0.0.1', 8000), Handler).serve_forever()
            """;

    /** Reads the person's token and cookies, uses the token if it got one, and writes what it saw into its own page. */
    private static final String PROBE = """
            const seen = {};
            try { seen.storage = String(localStorage.getItem('nightshift.token')); } catch (e) { seen.storage = 'blocked: ' + e.name; }
            try { seen.cookie = document.cookie; } catch (e) { seen.cookie = 'blocked: ' + e.name; }
            const stolen = seen.storage.startsWith('nsk') ? { Authorization: 'Bearer ' + seen.storage } : {};
            fetch('/api/me', { credentials: 'include', headers: stolen })
              .then((r) => r.text().then((t) => { seen.me = r.status + ' ' + t; }), (e) => { seen.me = 'blocked: ' + e.name; })
              .finally(() => {
                document.getElementById('out').textContent = JSON.stringify(seen);
                document.body.dataset.done = 'yes';
              });
            """;

    @Test
    void aHostilePreviewCannotReadThePersonsTokenOrActAsThem() throws Exception {
        try (TestServer server = TestServer.start(p -> p.sandboxes = true);
                Browsers browsers = Browsers.launch()) {
            ApiClient admin = server.admin;
            String id = admin.createSession("/srv/hostile-preview");
            Sandbox sandbox = server.server.sandboxes().acquire(id);
            sandbox.writeFile("preview/server.py", SERVER.getBytes(StandardCharsets.UTF_8));
            sandbox.writeFile("preview/probe.js", PROBE.getBytes(StandardCharsets.UTF_8));
            sandbox.startDetached(new ExecRequest(List.of("python3", "server.py"), "preview", Map.of(), null));
            await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.ports().contains(8000));
            String preview = server.url() + "/api/sessions/" + id + "/ports/8000/";

            try (BrowserContext context = browsers.person(1280, 800)) {
                Page app = context.newPage();
                app.navigate(server.url());
                Ui.signIn(app, server.server.adminToken());
                assertThat(app.evaluate("() => localStorage.getItem('nightshift.token')"))
                        .isEqualTo(server.server.adminToken());

                Page page = context.newPage();
                // as the UI's "Open port" button does: the live token as the first path segment
                page.navigate(preview + "~" + admin.liveToken(id) + "/");
                // the page's own script loaded (its relative URL carries the token): the preview still works
                assertThat(page.locator("body")).hasAttribute("data-done", "yes");
                String out = page.locator("#out").textContent();
                JsonNode seen = ApiClient.JSON.readTree(out);

                assertThat(out).doesNotContain(server.server.adminToken());
                assertThat(seen.path("storage").asText()).startsWith("blocked");
                assertThat(seen.path("me").asText()).doesNotContain("\"login\"").doesNotStartWith("200");
                assertThat(context.cookies(server.url())).noneMatch(c -> c.name.equals("planted"));
                // the person's own tab is untouched
                app.reload();
                assertThat(app.locator(".sidebar")).isVisible();
            }
        }
    }
}

package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code NIGHTSHIFT_PREVIEW_DOMAIN=localhost} (Chromium resolves every {@code *.localhost} to
 * this machine) a preview opens on its own host, {@code p8124-….localhost}, where an app that links
 * its stylesheet by an absolute path ({@code /assets/app.css}) loads it, and where the person's API
 * token, kept in the UI's origin, cannot be read.
 */
class HostPreviewTest {
    private static final String SERVER = """
            import http.server
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    css = self.path == '/assets/app.css'
                    body = b'h1 { color: rgb(4, 5, 6) }' if css else \\
                        b'<!doctype html><link rel="stylesheet" href="/assets/app.css"><h1>Hello from the host</h1>' \\
                        b'<p id="storage"></p><script>document.getElementById("storage").textContent =' \\
                        b' "keys: " + Object.keys(localStorage).length + ", cookies: " + document.cookie.length</script>'
                    self.send_response(200)
                    self.send_header('Content-Type', 'text/css' if css else 'text/html')
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
            http.server.HTTPServer(('127.0.0.1', 8124), Handler).serve_forever()
            """;

    @Test
    void aPreviewOpensOnItsOwnHostWithAbsoluteAssets() throws Exception {
        try (TestServer server =
                        TestServer.start(Map.of("NIGHTSHIFT_PREVIEW_DOMAIN", "localhost"), p -> p.sandboxes = true);
                Browsers browsers = Browsers.launch();
                BrowserContext person = browsers.person(1440, 900)) {
            String id = server.admin
                    .post("/api/sessions", Map.of("repository", "/srv/host-preview", "title", "Host preview"))
                    .text("id");
            Page page = person.newPage();
            page.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(page, server.server.adminToken());
            assertThat(page.locator(".connection")).hasText("Live");

            Sandbox sandbox = server.server.sandboxes().acquire(id);
            sandbox.writeFile("app/server.py", SERVER.getBytes(StandardCharsets.UTF_8));
            sandbox.startDetached(new ExecRequest(List.of("python3", "server.py"), "app", Map.of(), null));

            Locator open = page.getByRole(
                    AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open preview on port 8124 in a new tab"));
            assertThat(open).isVisible();
            Page preview = person.waitForPage(open::click);
            assertThat(preview.locator("h1")).hasText("Hello from the host");
            String port = String.valueOf(java.net.URI.create(server.url()).getPort());
            assertThat(preview).hasURL("http://p8124-" + id.substring("ses_".length()) + ".localhost:" + port + "/");
            assertThat(preview.locator("h1")).hasCSS("color", "rgb(4, 5, 6)");
            // another origin: none of the UI's storage, and the preview's cookie is HttpOnly
            assertThat(preview.locator("#storage")).hasText("keys: 0, cookies: 0");
            assertThat(page).hasURL(server.url() + "/sessions/" + id);
        }
    }
}

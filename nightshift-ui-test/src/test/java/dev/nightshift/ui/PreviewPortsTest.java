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
 * A server started in a session's sandbox is announced by the server (a port that starts listening
 * becomes a preview) and shows up in the session's details as a button that opens it in a new tab,
 * where the sandbox's page loads with its own relative sub-resources.
 */
class PreviewPortsTest {
    /** A small app: a page and the stylesheet it links relatively. */
    private static final String SERVER = """
            import http.server
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    css = self.path.split('?')[0].endswith('app.css')
                    body = b'h1 { color: rgb(1, 2, 3); }' if css else \
                        b'<!doctype html><link rel="stylesheet" href="app.css"><h1>Hello from the sandbox</h1>'
                    self.send_response(200)
                    self.send_header('Content-Type', 'text/css' if css else 'text/html')
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
            http.server.HTTPServer(('127.0.0.1', 8123), Handler).serve_forever()
            """;

    @Test
    void anAnnouncedPortIsAPreviewLinkThatOpens() throws Exception {
        try (TestServer server = TestServer.start(p -> p.sandboxes = true);
                Browsers browsers = Browsers.launch();
                BrowserContext person = browsers.person(1440, 900)) {
            String id = server.admin
                    .post("/api/sessions", Map.of("repository", "/srv/preview-app", "title", "Preview me"))
                    .text("id");
            Page page = person.newPage();
            page.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(page, server.server.adminToken());
            assertThat(page.locator(".connection")).hasText("Live");
            assertThat(page.locator("#details-previews + *")).containsText("No preview yet");

            // the agent's server starts in the sandbox; nobody tells the UI but the server's own scan
            Sandbox sandbox = server.server.sandboxes().acquire(id);
            sandbox.writeFile("app/server.py", SERVER.getBytes(StandardCharsets.UTF_8));
            sandbox.startDetached(new ExecRequest(List.of("python3", "server.py"), "app", Map.of(), null));

            Locator open = page.getByRole(
                    AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open preview on port 8123 in a new tab"));
            assertThat(open).isVisible();
            assertThat(open).hasText("Open port 8123 ↗");
            assertThat(page.locator(".timeline")).containsText("Preview ready");
            Browsers.screenshot(page, "12-preview-port");

            Page preview = person.waitForPage(open::click);
            assertThat(preview.locator("h1")).hasText("Hello from the sandbox");
            assertThat(preview).hasURL(java.util.regex.Pattern.compile("/api/sessions/" + id + "/ports/8123/~[^/]+/$"));
            // the relative stylesheet came through the same preview path
            assertThat(preview.locator("h1")).hasCSS("color", "rgb(1, 2, 3)");
            // the person's own tab was not navigated by the preview
            assertThat(page).hasURL(server.url() + "/sessions/" + id);
        }
    }
}

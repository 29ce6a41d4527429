package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The session's Terminal tab in a real Chromium against a real server with a real sandbox: a
 * member opens a terminal, types a command and sees it run (and the timeline records what they
 * typed); a viewer, on a phone, is told the terminal is for members, has nothing to type into, and
 * a WebSocket they force open anyway is refused without anything reaching the shell.
 */
class TerminalUiTest {

    @Test
    void aMembersTerminalEchoesACommandWhileAViewersInputIsRefused() throws Exception {
        try (TestServer server = TestServer.start(p -> p.sandboxes = true);
                Browsers browsers = Browsers.launch();
                BrowserContext memberBrowser = browsers.person(1440, 900);
                BrowserContext viewerPhone = browsers.person(390, 844)) {
            String id = server.admin
                    .post("/api/sessions", Map.of("repository", "/srv/terminal-ui", "title", "Terminal"))
                    .text("id");
            ApiClient member = user(server, id, "mia", "member");
            ApiClient viewer = user(server, id, "val", "viewer");

            // the member, in the dark theme: open, type, see it run
            Page page = memberBrowser.newPage();
            page.onPageError(e -> System.out.println("member page error: " + e));
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
            page.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(page, member.token());
            assertThat(page.locator(".connection")).hasText("Live");
            page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Terminal"))
                    .click();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open terminal"))
                    .click();
            assertThat(page.locator(".terminal-status")).containsText("Connected");
            page.locator(".terminal-screen").click();
            page.keyboard().type("echo hi-$((40+2))");
            page.keyboard().press("Enter");
            assertThat(page.locator(".terminal-screen .xterm-rows")).containsText("hi-42");
            // xterm's own styles reach the screen despite the page's style policy: its theme's colours
            assertThat(page.locator(".terminal-screen .xterm-rows")).hasCSS("color", "rgb(229, 231, 240)");
            Browsers.screenshot(page, "30-terminal-member");
            page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Timeline"))
                    .click();
            assertThat(page.locator(".terminal-typed").first())
                    .containsText("typed in the terminal: echo hi-$((40+2))");

            // the viewer, on a phone: no terminal, no input
            Page phone = viewerPhone.newPage();
            phone.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(phone, viewer.token());
            assertThat(phone.locator(".connection")).hasText("Live");
            phone.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Terminal"))
                    .click();
            assertThat(phone.locator(".terminal-view")).containsText("The terminal is for members");
            assertThat(phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open terminal")))
                    .hasCount(0);
            assertThat(phone.locator(".xterm")).hasCount(0);
            Ui.assertNoHorizontalScroll(phone);
            Browsers.screenshot(phone, "31-terminal-viewer-phone");

            // a connection the viewer forces from their page is refused, and types nothing
            Object closeCode = phone.evaluate("""
                    async (token) => {
                      const socket = new WebSocket(location.origin.replace(/^http/, 'ws') + location.pathname.replace('/sessions/', '/api/sessions/') + '/terminal');
                      const closed = new Promise((resolve) => { socket.onclose = (e) => resolve(e.code + ' ' + e.reason); });
                      await new Promise((resolve) => { socket.onopen = resolve; });
                      socket.send(JSON.stringify({ type: 'input', data: 'touch forced-by-viewer\\r' }));
                      socket.send(JSON.stringify({ type: 'open', token, cols: 80, rows: 24 }));
                      socket.send(JSON.stringify({ type: 'input', data: 'touch forced-by-viewer\\r' }));
                      return closed;
                    }""", viewer.liveToken(id));
            assertThat(String.valueOf(closeCode)).startsWith("4403").contains("members and owners");
            // the member's shell, still open, runs after it: the viewer's file is not there
            page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Terminal"))
                    .click();
            page.locator(".terminal-screen").click();
            page.keyboard().type("ls; echo after-$((2*3))");
            page.keyboard().press("Enter");
            assertThat(page.locator(".terminal-screen .xterm-rows")).containsText("after-6");
            Sandbox sandbox = server.server.sandboxes().current(id).orElseThrow();
            assertThat(sandbox.stat("forced-by-viewer")).isEmpty();
        }
    }

    private static ApiClient user(TestServer server, String session, String login, String role) {
        ApiClient.Response created = server.admin.post("/api/users", Map.of("login", login));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(server.admin
                        .put("/api/sessions/" + session + "/participants/" + login, Map.of("role", role))
                        .status())
                .isEqualTo(200);
        return server.client(created.body().path("token").path("token").asText());
    }
}

package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.ReservedPorts;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The live desktop in the session page: a member starts it with one click and sees the sandbox's
 * screen in noVNC's canvas (real Xvfb, real x11vnc, noVNC served by Nightshift), can take control,
 * and a viewer on a phone watches the same screen with no way to take control.
 */
class DesktopTest {
    /**
     * A page of one colour (rgb(42,122,226)) the agent's browser is told to open: noVNC's canvas must
     * show it.
     */
    private static final String PAGE =
            "data:text/html,%3Cbody%20style%3D%22margin%3A0%3Bbackground%3Argb(42%2C122%2C226)%22%3E%3C%2Fbody%3E";

    /**
     * True once a pixel a quarter in from the corner is the page's colour (noVNC draws what the server
     * sent; the browser's toolbar is at the top, its pointer in the middle).
     */
    private static final String SHOWS_COLOUR = """
            () => {
              const canvas = document.querySelector('.desktop-screen canvas');
              if (!canvas || canvas.width < 100) return false;
              const [r, g, b] = canvas.getContext('2d')
                  .getImageData(canvas.width >> 2, canvas.height >> 2, 1, 1).data;
              return Math.abs(r - 0x2a) < 8 && Math.abs(g - 0x7a) < 8 && Math.abs(b - 0xe2) < 8;
            }""";

    /** The canvas's size and that pixel, to say what it showed instead. */
    private static final String MIDDLE_PIXEL = """
            () => {
              const canvas = document.querySelector('.desktop-screen canvas');
              if (!canvas) return 'no canvas';
              const d = canvas.getContext('2d').getImageData(canvas.width >> 2, canvas.height >> 2, 1, 1).data;
              return canvas.width + 'x' + canvas.height + ' ' + Array.from(d).join(',');
            }""";

    private static void awaitColour(Page page) {
        try {
            page.waitForFunction(SHOWS_COLOUR, null, new Page.WaitForFunctionOptions().setTimeout(30_000));
        } catch (com.microsoft.playwright.TimeoutError e) {
            throw new AssertionError(
                    "the desktop's canvas does not show the browser's page: " + page.evaluate(MIDDLE_PIXEL), e);
        }
    }

    @Test
    void aMemberStartsTheDesktopAndSeesTheScreenAViewerWatchesOnly() throws Exception {
        try (TestServer server = TestServer.start(p -> p.sandboxes = true);
                Browsers browsers = Browsers.launch();
                BrowserContext member = browsers.person(1440, 900);
                BrowserContext onPhone = browsers.person(390, 844)) {
            String id = server.admin
                    .post("/api/sessions", Map.of("repository", "/srv/desktop-app", "title", "Desktop"))
                    .text("id");
            ApiClient.Response user = server.admin.post("/api/users", Map.of("login", "watcher"));
            String viewerToken = user.body().path("token").path("token").asText();
            assertThat(server.admin
                            .put("/api/sessions/" + id + "/participants/watcher", Map.of("role", "viewer"))
                            .status())
                    .isEqualTo(200);

            Page page = member.newPage();
            page.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(page, server.server.adminToken());
            page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Desktop"))
                    .click();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start desktop"))
                    .click();
            assertThat(page.locator(".desktop-status")).hasText("Live · watching");
            // starting the desktop opened the agent's browser on it: have that browser show a page of one
            // colour (a new tab through its DevTools endpoint, from inside the sandbox)
            Sandbox sandbox = server.server.sandboxes().acquire(id);
            ExecResult painted = sandbox.exec(
                    new ExecRequest(
                            List.of(
                                    "curl",
                                    "-sf",
                                    "-X",
                                    "PUT",
                                    "http://127.0.0.1:" + ReservedPorts.BROWSER_DEVTOOLS + "/json/new?" + PAGE),
                            "",
                            Map.of(),
                            null),
                    OutputListener.IGNORE);
            assertThat(painted.exitCode()).as(painted.stderr()).isZero();
            awaitColour(page);
            Browsers.screenshot(page, "30-desktop-watching");

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Take control"))
                    .click();
            assertThat(page.locator(".desktop-status")).hasText("Live · you have control");
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Release")))
                    .isVisible();
            awaitColour(page);
            Browsers.screenshot(page, "31-desktop-in-control");

            // a viewer on a phone: the same screen, told they watch only, and nothing to take control with
            Page phone = onPhone.newPage();
            phone.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(phone, viewerToken);
            phone.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Desktop"))
                    .click();
            assertThat(phone.locator(".desktop-note")).containsText("You are watching");
            assertThat(phone.locator(".desktop-status")).hasText("Live · watching");
            awaitColour(phone);
            assertThat(phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Take control")))
                    .hasCount(0);
            Ui.assertNoHorizontalScroll(phone);
            Browsers.screenshot(phone, "32-desktop-viewer-phone");
        }
    }
}

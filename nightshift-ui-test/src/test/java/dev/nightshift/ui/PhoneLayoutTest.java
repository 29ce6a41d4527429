package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.ColorScheme;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link opened on a phone (390×844, an iPhone's viewport): the sidebar is a drawer behind the menu
 * button, a prompt is sent, and the timeline, the diff (line by line, drawn by diff2html) and the
 * details fit the width, with nothing on the page scrolling sideways and every control touch-sized.
 */
class PhoneLayoutTest {
    private static final int WIDTH = 390;
    private static final int HEIGHT = 844;
    /** The smallest touch target the layout promises (Apple's and WCAG's 44 CSS pixels). */
    private static final double TOUCH = 44;

    @Test
    void onAPhoneTheDrawerLeadsToASessionWhosePromptAndDiffFitTheScreen(@TempDir Path work) throws Exception {
        Path repo = Ui.repository(work);
        try (FakeModelServer model = FakeModelServer.start();
                TestServer server = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl()),
                        p -> p.sandboxes = true);
                Browsers browsers = Browsers.launch();
                BrowserContext phone = browsers.person(WIDTH, HEIGHT)) {
            server.admin.post("/api/sessions", Map.of("repository", repo.toString(), "title", "Another session"));
            String id = server.admin
                    .post(
                            "/api/sessions",
                            Map.of("repository", repo.toString(), "baseBranch", "main", "title", "Fix add() on the go"))
                    .text("id");
            // the fix's line holds markup: the diff must show it as text
            model.enqueue(
                    Reply.text("Fixing `add`.")
                            .andToolCalls(new ToolCall(
                                    "p1",
                                    "edit",
                                    "{\"path\":\"calc.py\",\"old_string\":\"return a - b\","
                                            + "\"new_string\":\"return a + b # <b>sum</b> & done\"}")),
                    Reply.text("Fixed: `add` adds now."),
                    Reply.text("Fix add() to add\n\nIt subtracted."));

            Page page = phone.newPage();
            page.navigate(server.url());
            Ui.signIn(page, server.server.adminToken());

            // the sidebar is not gone: it waits in a drawer behind the menu button
            Locator menu = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sessions"));
            assertThat(menu).isVisible();
            assertThat(menu).hasAttribute("aria-expanded", "false");
            assertThat(page.locator(".sidebar")).isHidden();
            assertThat(Ui.height(menu)).isGreaterThanOrEqualTo(TOUCH);
            Ui.assertNoHorizontalScroll(page);

            menu.click();
            assertThat(page.locator(".sidebar")).isVisible();
            assertThat(menu).hasAttribute("aria-expanded", "true");
            Locator item = page.locator(".session-item", new Page.LocatorOptions().setHasText("Fix add() on the go"));
            assertThat(item).isVisible();
            assertThat(Ui.height(item)).isGreaterThanOrEqualTo(TOUCH);
            assertThat(Ui.height(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("+ New session"))))
                    .isGreaterThanOrEqualTo(TOUCH);
            assertInsideTheScreen(page.locator(".sidebar"));
            Ui.assertNoHorizontalScroll(page);
            Browsers.screenshot(page, "phone-01-drawer");

            // Escape closes it and gives the focus back to the menu button
            page.keyboard().press("Escape");
            assertThat(page.locator(".sidebar")).isHidden();
            assertThat(menu).isFocused();

            // picking a session closes the drawer and opens the session
            menu.click();
            item.click();
            assertThat(page).hasURL(server.url() + "/sessions/" + id);
            assertThat(page.locator(".sidebar")).isHidden();
            assertThat(page.locator(".session-title")).hasText("Fix add() on the go");
            assertThat(page.locator(".session-meta")).hasText("calc · from main");
            assertThat(page.locator(".connection")).hasText("Live");
            Ui.assertNoHorizontalScroll(page);

            // the prompt box takes a prompt; the answer and the turn's end appear in the timeline
            Locator send = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send prompt"));
            assertThat(Ui.height(send)).isGreaterThanOrEqualTo(TOUCH);
            assertInsideTheScreen(page.locator("#prompt"));
            Ui.sendPrompt(page, "add(2, 3) should be 5; fix it please");
            assertThat(page.locator(".entry-user")).containsText("add(2, 3) should be 5");
            assertThat(page.locator(".entry-turn-end")).hasText("Turn finished");
            assertThat(page.locator(".timeline")).containsText("Fix add() to add");
            assertThat(page.locator(".entry-assistant").last()).containsText("adds now");
            Ui.assertNoHorizontalScroll(page);
            Browsers.screenshot(page, "phone-02-timeline");

            // the diff: line by line (no side-by-side on a phone), code shown as text, nothing sideways
            Locator changes = page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Changes"));
            assertThat(Ui.height(changes)).isGreaterThanOrEqualTo(TOUCH);
            changes.click();
            assertThat(page.locator(".file-list")).containsText("calc.py");
            Locator file = page.locator(".diff-file .d2h-file-wrapper");
            assertThat(file).hasCount(1);
            assertThat(page.locator(".d2h-file-diff")).hasCount(1);
            assertThat(page.locator(".d2h-file-side-diff")).hasCount(0);
            assertThat(page.locator("#diff-mode-split")).hasCount(0);
            assertThat(page.locator(".diff-file .d2h-del .d2h-code-line-ctn").first())
                    .containsText("return a - b");
            assertThat(page.locator(".diff-file .d2h-ins .d2h-code-line-ctn").first())
                    .containsText("return a + b # <b>sum</b> & done");
            assertThat(page.locator(".diff-file b")).hasCount(0);
            assertInsideTheScreen(file);
            Ui.assertNoHorizontalScroll(page);
            Browsers.screenshot(page, "phone-03-diff");

            // the details panel (branch, previews, artifacts) slides over the page, inside the screen
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show details"))
                    .click();
            assertThat(page.locator(".details")).isVisible();
            assertThat(page.locator(".details .branch")).isVisible();
            assertInsideTheScreen(page.locator(".details"));
            Ui.assertNoHorizontalScroll(page);
            Browsers.screenshot(page, "phone-04-details");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show details"))
                    .click();

            // the same diff in the dark theme: diff2html follows the system's setting too
            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
            assertThat(Ui.backgroundLuminance(page.locator(".diff-file .d2h-wrapper")))
                    .isLessThan(0.05);
            assertThat(Ui.contrast(page.locator(".diff-file .d2h-file-name"))).isGreaterThanOrEqualTo(4.5);
            Ui.assertNoHorizontalScroll(page);
            Browsers.screenshot(page, "phone-05-dark-diff");
            page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Timeline"))
                    .click();
            Browsers.screenshot(page, "phone-06-dark-timeline");

            // turned into a wide screen, the drawer is a sidebar again and side by side is offered
            page.setViewportSize(1280, 800);
            assertThat(page.locator(".sidebar")).isVisible();
            assertThat(menu).isHidden();
            changes.click();
            assertThat(page.locator("#diff-mode-split")).hasCount(1);
        }
    }

    private static void assertInsideTheScreen(Locator element) {
        // a drawer or panel slides in: judge where it comes to rest
        try {
            element.evaluate(
                    "(el) => new Promise((done) => { const settled = () => { const r = el.getBoundingClientRect();"
                            + " if (r.left >= 0 && r.right <= window.innerWidth + 0.5) done(); else requestAnimationFrame(settled); };"
                            + " settled(); setTimeout(done, 3000); })");
        } catch (com.microsoft.playwright.PlaywrightException gone) {
            // measured and reported below
        }
        BoundingBox box = element.boundingBox();
        assertThat(box.x).as("left edge").isGreaterThanOrEqualTo(0);
        assertThat(box.x + box.width).as("right edge").isLessThanOrEqualTo(WIDTH + 0.5);
    }
}

package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.port.Media;
import dev.nightshift.core.port.Turn;
import dev.nightshift.server.testing.TestServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The agent's screenshots in the web UI: thumbnails on the call's card and in the timeline (loaded
 * through the session's live token, since an image cannot send the bearer header), the Media
 * gallery, and its lightbox (opened by a click, moved with the arrow keys, closed with Esc),
 * showing each one's before/after label and caption; on a phone too.
 */
class MediaGalleryTest {
    private static byte[] png(Color color, String text) throws Exception {
        BufferedImage image = new BufferedImage(640, 400, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 640, 400);
        g.setColor(Color.WHITE);
        g.drawString(text, 40, 60);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A "browser" call that took a before and an after screenshot. */
    private static void twoScreenshots(Turn turn) throws Exception {
        turn.emit(new EventPayload.ToolCall("c1", "browser", "{\"action\":\"screenshot\"}"));
        List<EventPayload.MediaRef> refs = new ArrayList<>();
        for (String[] shot : List.of(
                new String[] {"before", "form-before.png", "The form before the fix"},
                new String[] {"after", "form-after.png", "The form after the fix"})) {
            Artifact a = turn.keepMedia(
                    new Media("screenshot", "image/png", shot[1], 0, 0, 0, shot[2], shot[0]),
                    new ByteArrayInputStream(png(shot[0].equals("before") ? Color.DARK_GRAY : Color.BLUE, shot[2])));
            refs.add(new EventPayload.MediaRef(
                    a.id(), a.type(), a.url(), "image/png", shot[1], 0, 640, 400, 0, shot[2], shot[0]));
        }
        turn.emit(new EventPayload.ToolResult("c1", "browser", "took 2 screenshots", false, refs));
    }

    @Test
    void screenshotsShowOnTheCardInTheGalleryAndInALightboxOnADesktopAndAPhone() throws Exception {
        try (TestServer server = TestServer.start(p -> p.executor = MediaGalleryTest::twoScreenshots);
                Browsers browsers = Browsers.launch();
                BrowserContext desktop = browsers.person(1280, 800);
                BrowserContext phone = browsers.person(390, 844)) {
            String id = server.admin.createSession("/srv/media-ui");
            server.admin.prompt(id, "Fix the form and show me", "r1");
            Page page = desktop.newPage();
            page.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(page, server.server.adminToken());
            assertThat(page.locator(".entry-turn-end")).hasText("Turn finished");

            // the call's card shows both, loaded (the image's URL carries a live token)
            Locator cardImages = page.locator(".tool-card[data-tool=browser] .media-thumb img");
            assertThat(cardImages).hasCount(2);
            assertThat(cardImages.first()).hasAttribute("src", Pattern.compile("/media/art_[^?]+\\?token=nsl"));
            page.waitForFunction("() => [...document.querySelectorAll('.tool-card .media-thumb img')]"
                    + ".every(i => i.complete && i.naturalWidth === 640)");
            assertThat(page.locator(".entry-media")).hasCount(2);
            Browsers.screenshot(page, "60-media-timeline");

            // the gallery and its lightbox
            page.locator("#tab-media").click();
            assertThat(page.locator("#tab-media")).containsText("2");
            assertThat(page.locator(".media-grid .media-cell")).hasCount(2);
            assertThat(page.locator(".media-grid")).containsText("The form before the fix");
            page.locator(".media-cell").first().locator(".media-open").click();
            Locator lightbox = page.locator("dialog.lightbox");
            assertThat(lightbox).isVisible();
            assertThat(lightbox).containsText("before");
            assertThat(lightbox).containsText("The form before the fix");
            assertThat(lightbox.locator("img.media-large")).hasAttribute("src", Pattern.compile("\\?token="));
            Browsers.screenshot(page, "61-media-lightbox");
            page.keyboard().press("ArrowRight");
            assertThat(lightbox).containsText("The form after the fix");
            assertThat(lightbox.locator(".media-label")).hasText("after");
            page.keyboard().press("ArrowLeft");
            assertThat(lightbox).containsText("The form before the fix");
            page.keyboard().press("Escape");
            assertThat(lightbox).isHidden();

            // a thumbnail in the timeline opens the same lightbox
            page.locator("#tab-timeline").click();
            cardImages.nth(1).click();
            assertThat(lightbox).isVisible();
            assertThat(lightbox).containsText("The form after the fix");
            page.keyboard().press("Escape");

            // a pull request's link to one item opens it, on a phone too
            Page small = phone.newPage();
            String artifactId = server
                    .admin
                    .get("/api/sessions/" + id + "/artifacts")
                    .body()
                    .path("artifacts")
                    .findValuesAsText("id")
                    .stream()
                    .filter(a -> a.startsWith("art_"))
                    .toList()
                    .getLast();
            small.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(small, server.server.adminToken());
            small.navigate(server.url() + "/sessions/" + id + "#media-" + artifactId);
            small.reload();
            assertThat(small.locator("dialog.lightbox")).isVisible();
            assertThat(small.locator("dialog.lightbox")).containsText("The form after the fix");
            Browsers.screenshot(small, "62-media-lightbox-phone");
            small.keyboard().press("Escape");
            assertThat(small.locator(".media-grid .media-cell")).hasCount(2);
            Ui.assertNoHorizontalScroll(small);
            Browsers.screenshot(small, "63-media-gallery-phone");
        }
    }
}

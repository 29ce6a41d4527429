package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sidebar's unread marker: a session that gets new events while the person looks at another one
 * is marked, the one on screen never is, and opening the marked one clears its marker.
 */
class UnreadMarkerTest {
    @Test
    void aSessionWithNewEventsIsMarkedUntilItIsOpened() {
        try (TestServer server = TestServer.start(p -> {});
                Browsers browsers = Browsers.launch();
                BrowserContext person = browsers.person(1280, 800)) {
            String watched = session(server, "Being watched");
            String elsewhere = session(server, "Busy elsewhere");
            String me =
                    server.admin.get("/api/me").body().path("user").path("id").asText();
            server.server
                    .eventLog()
                    .append(elsewhere, null, new EventPayload.UserMessage("m1", me, "api", "first", null));

            // both sessions seen once
            Page page = person.newPage();
            page.navigate(server.url() + "/sessions/" + elsewhere);
            Ui.signIn(page, server.server.adminToken());
            assertThat(page.locator(".entry-user")).containsText("first");
            page.navigate(server.url() + "/sessions/" + watched);
            assertThat(page.locator(".session-title")).hasText("Being watched");
            assertThat(page.locator(".connection")).hasText("Live");
            Locator watchedItem = item(page, "Being watched");
            Locator elsewhereItem = item(page, "Busy elsewhere");
            assertThat(elsewhereItem).not().hasClass(java.util.regex.Pattern.compile("\\bunread\\b"));
            assertThat(page.locator(".unread-dot")).hasCount(0);

            // new events: in the session on screen (read as they arrive) and in the other one
            server.server
                    .eventLog()
                    .append(watched, null, new EventPayload.UserMessage("m2", me, "api", "seen live", null));
            assertThat(page.locator(".entry-user")).containsText("seen live");
            server.server
                    .eventLog()
                    .append(
                            elsewhere,
                            null,
                            new EventPayload.UserMessage("m3", me, "api", "while you were away", null));
            server.server.eventLog().append(elsewhere, null, new EventPayload.TurnComplete("completed", null));

            // the sidebar refreshes by itself and marks the other session only
            assertThat(elsewhereItem).hasClass(java.util.regex.Pattern.compile("\\bunread\\b"));
            assertThat(elsewhereItem.getByRole(com.microsoft.playwright.options.AriaRole.IMG))
                    .hasAccessibleName("new activity");
            assertThat(watchedItem).not().hasClass(java.util.regex.Pattern.compile("\\bunread\\b"));
            assertThat(page.locator(".unread-dot")).hasCount(1);
            Browsers.screenshot(page, "11-unread-marker");

            // opening it shows what is new and clears the marker at once
            elsewhereItem.click();
            assertThat(elsewhereItem).not().hasClass(java.util.regex.Pattern.compile("\\bunread\\b"));
            assertThat(page.locator(".unread-dot")).hasCount(0);
            assertThat(page.locator(".entry-user").last()).containsText("while you were away");

            // what was seen is remembered: back on the other session, after a reload, nothing is marked
            item(page, "Being watched").click();
            assertThat(page.locator(".session-title")).hasText("Being watched");
            page.reload();
            assertThat(page.locator(".session-title")).hasText("Being watched");
            assertThat(item(page, "Busy elsewhere")).isVisible(); // the list is drawn, markers and all
            assertThat(page.locator(".unread-dot")).hasCount(0);
        }
    }

    private static String session(TestServer server, String title) {
        return server.admin
                .post("/api/sessions", Map.of("repository", "/srv/unread", "title", title))
                .text("id");
    }

    private static Locator item(Page page, String title) {
        return page.locator(".session-item", new Page.LocatorOptions().setHasText(title));
    }
}

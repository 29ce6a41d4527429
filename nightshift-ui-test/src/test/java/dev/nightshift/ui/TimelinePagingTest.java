package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.policy.Limits;
import dev.nightshift.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A timeline longer than the join snapshot: the newest page is shown first, and "Load earlier
 * events" pages the older ones in, in order, each once, until the log's start, where it goes away.
 */
class TimelinePagingTest {
    /** More than two pages: the snapshot's 500 newest, a page of 500 older ones, then the rest. */
    private static final int EVENTS = 1_150;

    @Test
    void loadEarlierPagesOlderEventsInInOrder() {
        assertThat(EVENTS).isGreaterThan(Limits.DEFAULTS.snapshotEvents() + 500);
        try (TestServer server = TestServer.start(p -> {});
                Browsers browsers = Browsers.launch();
                BrowserContext person = browsers.person(1280, 800)) {
            String id = server.admin
                    .post("/api/sessions", Map.of("repository", "/srv/long", "title", "A long night"))
                    .text("id");
            String me =
                    server.admin.get("/api/me").body().path("user").path("id").asText();
            // whatever the new session logged itself comes first
            long base = server.admin.allEvents(id).size();
            long last = base + EVENTS;
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 1; i <= EVENTS; i++) {
                batch.add(NewEvent.of(null, new EventPayload.UserMessage("m" + i, me, "api", "message " + i, null)));
                if (batch.size() == 200 || i == EVENTS) {
                    server.server.eventLog().append(id, batch);
                    batch.clear();
                }
            }

            Page page = person.newPage();
            page.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(page, server.server.adminToken());
            Locator earlier =
                    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Load earlier events"));
            Locator messages = page.locator(".timeline .entry-user .user-text");

            // the snapshot: the newest events only, the newest at the bottom
            int snapshot = Limits.DEFAULTS.snapshotEvents();
            assertThat(messages).hasCount(snapshot);
            assertThat(messages.last()).hasText("message " + EVENTS);
            assertThat(messages.first()).hasText("message " + (EVENTS - snapshot + 1));
            assertThat(Ui.shownSeqs(page)).isEqualTo(range(last - snapshot + 1, last));
            assertThat(earlier).isVisible();

            earlier.click();
            assertThat(messages).hasCount(snapshot + 500);
            assertThat(messages.first()).hasText("message " + (EVENTS - snapshot - 500 + 1));
            assertThat(Ui.shownSeqs(page)).isEqualTo(range(last - snapshot - 500 + 1, last));
            assertThat(earlier).isVisible();

            earlier.click();
            assertThat(messages).hasCount(EVENTS);
            assertThat(messages.first()).hasText("message 1");
            assertThat(earlier).isHidden(); // nothing older is left
            List<Long> shown = Ui.shownSeqs(page);
            assertThat(shown).isEqualTo(range(1, last));
            Ui.assertNoDuplicates(shown);

            // a live event after paging lands at the end, after everything paged in
            server.server
                    .eventLog()
                    .append(id, null, new EventPayload.UserMessage("late", me, "api", "one more", null));
            assertThat(messages).hasCount(EVENTS + 1);
            assertThat(messages.last()).hasText("one more");
            assertThat(Ui.shownSeqs(page)).isEqualTo(range(1, last + 1));
        }
    }

    private static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }
}

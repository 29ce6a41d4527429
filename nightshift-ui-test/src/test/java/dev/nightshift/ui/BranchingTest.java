package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sessions that branch, in the UI: "Branch from here" under a finished turn opens a new session
 * that says where it came from, and both the details panel and the sidebar show the tree; a child
 * session the agent started shows in its parent's timeline with its status and a link.
 */
class BranchingTest {
    @Test
    void branchingFromAnEarlierTurnOpensTheForkAndShowsTheTree() {
        try (TestServer server = TestServer.start(p -> p.executor = turn -> {});
                Browsers browsers = Browsers.launch();
                BrowserContext person = browsers.person(1440, 900)) {
            ApiClient api = server.admin;
            String parent = api.post("/api/sessions", Map.of("repository", "/srv/branching", "title", "Try things"))
                    .text("id");
            api.prompt(parent, "first idea", null);
            api.prompt(parent, "second idea", null);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> api.allEvents(parent).stream()
                                    .filter(e -> e.path("type").asText().equals("turn_complete"))
                                    .count()
                            == 2);

            Page page = person.newPage();
            page.navigate(server.url() + "/sessions/" + parent);
            Ui.signIn(page, server.server.adminToken());
            Locator branchButtons =
                    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Branch from here"));
            assertThat(branchButtons).hasCount(2);
            assertThat(page.locator(".session-meta")).not().containsText("null");
            Browsers.screenshot(page, "20-branch-from-here");

            branchButtons.first().click();
            page.waitForURL(url -> !url.endsWith("/sessions/" + parent));
            String fork = page.url().replaceAll(".*/sessions/", "");
            assertThat(page.locator(".session-title")).hasText("Try things (fork)");
            assertThat(page.locator(".fork-origin")).containsText("Branched from Try things");
            assertThat(page.locator(".lineage-note")).containsText("Branched from Try things");
            // the fork's conversation is inherited, not copied: its own log starts with where it came from
            assertThat(page.locator(".timeline .entry-user")).hasCount(0);
            assertThat(page.locator("#details-branches + .session-tree .tree-item"))
                    .hasCount(2);
            assertThat(page.locator(".session-tree .tree-item.current")).containsText("Try things (fork)");
            assertThat(page.locator(".session-list .session-children a[data-session-id='" + fork + "']"))
                    .containsText("Try things (fork)");
            Browsers.screenshot(page, "21-fork-with-tree");
            assertThat(api.get("/api/sessions/" + fork)
                            .body()
                            .path("forkedAtSeq")
                            .asLong())
                    .isEqualTo(api.allEvents(parent).stream()
                            .filter(e -> e.path("type").asText().equals("turn_complete"))
                            .findFirst()
                            .orElseThrow()
                            .path("seq")
                            .asLong());

            // back to the parent through the note
            page.locator(".fork-origin a").click();
            page.waitForURL(url -> url.endsWith("/sessions/" + parent));
            assertThat(page.locator(".timeline .entry-user")).hasCount(2);
            assertThat(page.locator(".session-tree .tree-item")).hasCount(2);
        }
    }

    @Test
    void aChildSessionShowsInItsParentsTimelineWithItsStatusAndALink() {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer server = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl()),
                        p -> {});
                Browsers browsers = Browsers.launch();
                BrowserContext person = browsers.person(1440, 900)) {
            ApiClient api = server.admin;
            String parent = api.post("/api/sessions", Map.of("repository", "/srv/family", "title", "Big job"))
                    .text("id");
            model.enqueueWhen(
                    "\"content\":\"split it up\"",
                    Reply.toolCalls(new ToolCall(
                            "s1", "spawn_session", "{\"prompt\":\"do the first half\",\"title\":\"First half\"}")),
                    Reply.toolCalls(new ToolCall("w1", "wait_sessions", "{}")),
                    Reply.text("The first half is done."));
            model.enqueueWhen("\"content\":\"do the first half\"", Reply.text("Did the first half."));
            api.prompt(parent, "split it up", null);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> api.allEvents(parent).stream()
                            .anyMatch(e -> e.path("type").asText().equals("turn_complete")));

            Page page = person.newPage();
            page.navigate(server.url() + "/sessions/" + parent);
            Ui.signIn(page, server.server.adminToken());
            Locator child = page.locator(".timeline .child-session");
            assertThat(child).hasCount(1);
            assertThat(child).containsText("First half");
            assertThat(child.locator(".status")).hasText("completed");
            assertThat(page.locator(".session-list .session-children")).containsText("First half");
            Browsers.screenshot(page, "22-child-session-in-timeline");

            child.locator("a").click();
            page.waitForURL(url -> !url.endsWith("/sessions/" + parent));
            assertThat(page.locator(".session-title")).hasText("First half");
            assertThat(page.locator(".lineage-note")).containsText("Started by Big job");
        }
    }
}

package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main path through the UI: a session made with the form, a prompt that makes the real agent
 * (scripted model, real sandbox) plan, read, edit, test and ask a subagent, watched live by its
 * owner, a member and a guest with a share link, and a reload that shows each event once.
 */
class SessionFlowTest {
    private static final String PLAN = "{\"todos\":[{\"content\":\"Find the bug\",\"status\":\"in_progress\"},"
            + "{\"content\":\"Fix add()\",\"status\":\"pending\"},{\"content\":\"Run the tests\",\"status\":\"pending\"}]}";
    private static final String DONE = PLAN.replace("in_progress", "completed").replace("pending", "completed");

    @Test
    void aSessionFromTheFormRunsTheAgentLiveForEveryoneWatching(@TempDir Path work) throws Exception {
        Path repo = Ui.repository(work);
        try (FakeModelServer model = FakeModelServer.start().pacing(Duration.ofMillis(20));
                TestServer server = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl()),
                        p -> p.sandboxes = true);
                Browsers browsers = Browsers.launch();
                BrowserContext owner = browsers.person(1440, 900)) {
            model.enqueue(
                    Reply.text("Let me plan and look at `calc.py`.")
                            .andToolCalls(
                                    new ToolCall("c1", "todo_write", PLAN),
                                    new ToolCall("c2", "read", "{\"path\":\"calc.py\"}")),
                    Reply.text(
                                    "Found it: `add` subtracts. It should read:\n\n```python\ndef add(a, b):\n    return a + b\n```\n")
                            .andToolCalls(
                                    new ToolCall(
                                            "c3",
                                            "edit",
                                            "{\"path\":\"calc.py\",\"old_string\":\"return a - b\",\"new_string\":\"return a + b\"}")),
                    Reply.toolCalls(new ToolCall("c4", "bash", "{\"command\":\"python3 -m unittest -q test_calc\"}")),
                    Reply.toolCalls(
                            new ToolCall("c5", "task", "{\"kind\":\"explorer\",\"prompt\":\"Who else calls add()?\"}")),
                    Reply.toolCalls(new ToolCall("e1", "grep", "{\"pattern\":\"def add\"}")), // the explorer
                    Reply.text("Only the test calls add()."), // the explorer's report
                    Reply.toolCalls(new ToolCall("c6", "todo_write", DONE)),
                    Reply.text("Fixed **add()**; the tests pass."),
                    // after the turn: the commit message, written from the staged diff
                    Reply.text("Fix add() to add\n\nIt subtracted; the test expects 5."));

            Page page = owner.newPage();
            page.navigate(server.url());
            Ui.signIn(page, server.server.adminToken());

            // a session from the form
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("+ New session"))
                    .click();
            page.getByLabel("Repository").fill(repo.toString());
            page.getByLabel("Base branch").fill("main");
            page.getByLabel("Title").fill("Fix add()");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start session"))
                    .click();
            assertThat(page.locator(".session-title")).hasText("Fix add()");
            assertThat(page.locator(".session-list")).containsText("Fix add()");
            assertThat(page.locator(".connection")).hasText("Live");
            String sessionId = page.url().replaceAll(".*/sessions/", "");

            Ui.sendPrompt(page, "add(2, 3) should be 5; fix it");
            assertThat(page.locator(".entry-user")).containsText("add(2, 3) should be 5");
            assertThat(page.locator(".entry-turn-end")).hasText("Turn finished");
            String status = server.admin
                    .get("/api/sessions/" + sessionId)
                    .body()
                    .path("status")
                    .asText();
            assertThat(page.locator(".session-list .status")).hasText(status); // the sidebar follows the session

            // tool cards: each call once, with how it ended
            Locator topCards = page.locator(".timeline > .entry-tool > .tool-card");
            assertThat(topCards).hasCount(6);
            assertThat(card(page, "read")).containsText("calc.py");
            assertThat(card(page, "edit").locator(".badge-file")).hasText("file edited");
            assertThat(card(page, "bash").locator(".tool-summary")).hasText("python3 -m unittest -q test_calc");
            assertThat(card(page, "bash").locator(".badge")).hasText("exit 0");
            card(page, "bash").locator("summary").click();
            assertThat(card(page, "bash").locator(".tool-output")).containsText("OK");
            // the subagent's own steps sit inside the task card
            assertThat(card(page, "task").locator(".subagent .tool-card[data-tool=grep]"))
                    .hasCount(1);
            assertThat(card(page, "task").locator(".subagent")).containsText("Only the test calls add().");

            // assistant text as Markdown, code highlighted; the plan in the panel
            assertThat(page.locator(".entry-assistant pre code.hljs")).containsText("return a + b");
            assertThat(page.locator(".entry-assistant strong")).hasText("add()");
            assertThat(page.locator(".entry-assistant.streaming")).hasCount(0);
            assertThat(page.locator(".todo-completed")).hasCount(3);
            assertThat(page.locator(".sandbox-chip")).containsText("ready");
            Browsers.screenshot(page, "03-session-timeline");

            // the work was committed on the session's branch, shown in the panel; Changes has the diff
            String branch = server.admin
                    .get("/api/sessions/" + sessionId)
                    .body()
                    .path("workBranch")
                    .asText();
            assertThat(page.locator(".branch")).containsText(branch);
            assertThat(page.locator(".branch")).containsText("from main");
            // the git steps in words, the same sentences the CLI prints (the branch, a/<hex>, needs no quoting)
            assertThat(page.locator(".timeline"))
                    .containsText(java.util.regex.Pattern.compile("checked out main at [0-9a-f]{7} on " + branch));
            assertThat(page.locator(".timeline"))
                    .containsText(java.util.regex.Pattern.compile("committed [0-9a-f]{7} Fix add\\(\\) to add"));
            page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Changes"))
                    .click();
            assertThat(page.locator(".file-list")).containsText("calc.py");
            page.getByText("Side by side").click();
            // diff2html's side-by-side layout: the old line on the left, its replacement on the right
            assertThat(page.locator(".d2h-file-side-diff")).hasCount(2);
            assertThat(page.locator(".d2h-file-side-diff").first().locator(".d2h-del .d2h-code-line-ctn"))
                    .containsText("return a - b");
            assertThat(page.locator(".d2h-file-side-diff").last().locator(".d2h-ins .d2h-code-line-ctn"))
                    .containsText("return a + b");
            Browsers.screenshot(page, "04-diff-panel");
            page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Timeline"))
                    .click();
            List<Long> ownerSees = Ui.shownSeqs(page);
            Ui.assertNoDuplicates(ownerSees);

            // a second person, added as a member in the People panel, sees the same timeline live
            String bobToken = server.admin
                    .post("/api/users", Map.of("login", "bob"))
                    .body()
                    .path("token")
                    .path("token")
                    .asText();
            page.getByLabel("Add a person by login").fill("bob");
            page.locator("form.add-person button").click();
            assertThat(page.locator(".person[data-login=bob]")).containsText("member");
            try (BrowserContext member = browsers.person(1280, 800)) {
                Page bob = member.newPage();
                bob.navigate(server.url() + "/sessions/" + sessionId);
                Ui.signIn(bob, bobToken);
                assertThat(bob.locator(".entry-turn-end")).hasText("Turn finished");
                assertThat(bob.locator(".timeline > .entry-tool > .tool-card")).hasCount(6);
                assertThat(Ui.shownSeqs(bob)).isEqualTo(ownerSees);
                assertThat(page.locator(".presence [data-login=bob]")).isVisible();

                // bob types (the owner sees it) and prompts; both see his message and the answer
                model.enqueue(Reply.text("You're welcome, bob."));
                bob.locator("#prompt").pressSequentially("thanks");
                assertThat(page.locator(".typing")).hasText("bob is typing…");
                bob.locator("#prompt").press("Enter");
                assertThat(page.locator(".entry-user").last()).containsText("bob");
                assertThat(page.locator(".entry-assistant").last()).containsText("You're welcome, bob.");
                assertThat(bob.locator(".entry-assistant").last()).containsText("You're welcome, bob.");
                assertThat(bob.locator(".entry-turn-end")).hasCount(2);
                assertThat(page.locator(".entry-turn-end")).hasCount(2);
                assertThat(Ui.shownSeqs(bob)).isEqualTo(Ui.shownSeqs(page));
            }

            // a read-only share link: same timeline, no composer
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Share"))
                    .click();
            String link = page.getByLabel("Address to share").inputValue();
            assertThat(link).contains("/s/nss_");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Close"))
                    .click();
            try (BrowserContext guestContext = browsers.person(1280, 800)) {
                Page guest = guestContext.newPage();
                guest.navigate(link);
                assertThat(guest.locator(".banner")).containsText("read-only share link");
                assertThat(guest.locator(".entry-turn-end")).hasCount(2);
                assertThat(guest.locator("#prompt")).isDisabled();
                assertThat(guest.locator("#composer-note")).containsText("read-only share link");
                assertThat(guest).hasURL(server.url() + "/sessions/" + sessionId);
                assertThat(Ui.shownSeqs(guest)).isEqualTo(Ui.shownSeqs(page));
                assertThat(page.locator(".details")).containsText("1 guest watching");
                Browsers.screenshot(guest, "07-read-only-share");
            }

            // a reload (a closed tab) shows everything again, each event once
            List<Long> beforeReload = Ui.shownSeqs(page);
            page.reload();
            assertThat(page.locator(".connection")).hasText("Live");
            assertThat(page.locator(".entry-turn-end")).hasCount(2);
            assertThat(Ui.shownSeqs(page)).isEqualTo(beforeReload);

            // laptop widths: nothing spills sideways, the details panel folds behind a button
            page.setViewportSize(1280, 800);
            Ui.assertNoHorizontalScroll(page);
            Browsers.screenshot(page, "05-laptop-1280");
            page.setViewportSize(1024, 768);
            Ui.assertNoHorizontalScroll(page);
            assertThat(page.locator(".details")).isHidden();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show details"))
                    .click();
            assertThat(page.locator(".details")).isVisible();
            Browsers.screenshot(page, "06-narrow-1024");
        }
    }

    private static Locator card(Page page, String tool) {
        return page.locator(".timeline > .entry-tool > .tool-card[data-tool=" + tool + "]")
                .first();
    }
}

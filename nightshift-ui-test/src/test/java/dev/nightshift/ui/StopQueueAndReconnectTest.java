package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping a running turn, cancelling a queued prompt, and living through a server restart. */
class StopQueueAndReconnectTest {

    @Test
    void stopEndsTheRunningTurnAndAQueuedPromptCanBeCancelled(@TempDir Path work) throws Exception {
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
                BrowserContext owner = browsers.person(1280, 800)) {
            String id = server.admin.createSession(repo.toString());
            model.enqueue(
                    Reply.toolCalls(new ToolCall("s1", "bash", "{\"command\":\"sleep 300\",\"timeout_ms\":600000}")),
                    Reply.text("never asked for"));
            Page page = owner.newPage();
            page.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(page, server.server.adminToken());
            var stop = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop the running turn"));
            assertThat(page.getByRole(
                            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop (nothing is running)")))
                    .isDisabled();

            Ui.sendPrompt(page, "wait a long time");
            assertThat(page.locator(".tool-card[data-tool=bash] .badge-running"))
                    .isVisible();
            Ui.sendPrompt(page, "and then this");
            assertThat(page.locator(".queue")).containsText("and then this");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel queued prompt"))
                    .click();
            assertThat(page.locator(".queue")).isHidden();
            assertThat(server.admin
                            .get("/api/sessions/" + id + "/prompts")
                            .body()
                            .path("queue"))
                    .hasSize(1);

            stop.click();
            assertThat(page.locator(".entry-turn-end")).hasText("Turn stopped");
            assertThat(page.getByRole(
                            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop (nothing is running)")))
                    .isDisabled();
            assertThat(page.locator(".entry-user")).hasCount(1); // the cancelled prompt never ran
            assertThat(model.requests()).hasSize(1);
        }
    }

    @Test
    void aServerRestartIsSurvivedWithoutLosingOrRepeatingEvents(@TempDir Path work) throws Exception {
        Path dataDir = work.resolve("data");
        int port = FakeModelServer.unusedPort();
        try (FakeModelServer model = FakeModelServer.start();
                Browsers browsers = Browsers.launch();
                BrowserContext owner = browsers.person(1280, 800)) {
            Map<String, String> settings = Map.of(
                    "NIGHTSHIFT_PORT",
                    String.valueOf(port),
                    "NIGHTSHIFT_MODEL",
                    "openai-compatible/coder",
                    "OPENAI_COMPATIBLE_BASE_URL",
                    model.openAiBaseUrl());
            TestServer first = TestServer.start(dataDir, false, settings, p -> p.sandboxes = true);
            String id;
            Page page = owner.newPage();
            List<Long> before;
            try {
                id = first.admin.createSession(Ui.repository(work).toString());
                model.enqueue(Reply.text("First answer."));
                page.navigate(first.url() + "/sessions/" + id);
                Ui.signIn(page, first.server.adminToken());
                Ui.sendPrompt(page, "first");
                assertThat(page.locator(".entry-turn-end")).hasCount(1);
                before = Ui.shownSeqs(page);
            } finally {
                first.close();
            }
            assertThat(page.locator(".connection")).hasText("Connection lost — reconnecting…");

            // while the page is away, the next turn runs to its end
            try (TestServer second = TestServer.start(dataDir, false, settings, p -> p.sandboxes = true)) {
                model.enqueue(Reply.text("Second answer."));
                second.admin.prompt(id, "second", "after-restart");
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> second.admin.allEvents(id).stream()
                                        .filter(e -> e.path("type").asText().equals("turn_complete"))
                                        .count()
                                == 2);

                assertThat(page.locator(".connection")).hasText("Live");
                assertThat(page.locator(".entry-turn-end")).hasCount(2);
                assertThat(page.locator(".entry-assistant").last()).hasText("Second answer.");
                List<Long> after = Ui.shownSeqs(page);
                Ui.assertNoDuplicates(after);
                assertThat(after).startsWith(before.toArray(Long[]::new));
                // what the log holds and the page shows agree (tokens are folded into their message)
                List<Long> logged = second.admin.allEvents(id).stream()
                        .filter(e -> List.of("user_message", "assistant_message", "turn_complete")
                                .contains(e.path("type").asText()))
                        .map(e -> e.path("seq").asLong())
                        .toList();
                assertThat(after).containsAll(logged);
            }
        } finally {
            TestServer.deleteTree(dataDir);
        }
    }
}

package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Slack channels section of the Automations page: an administrator sets a channel's default
 * repository and sees it listed with who set it, a refusal shows in the server's words, someone who
 * is no administrator sees the list only, and the administrator removes it.
 */
class SlackChannelsTest {
    private static Browsers browsers;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("NIGHTSHIFT_REPOSITORY_ALLOW", "github.com/acme/*"), p -> {});
        browsers = Browsers.launch();
    }

    @AfterAll
    static void stop() {
        if (browsers != null) {
            browsers.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Locator section(Page page) {
        return page.locator("#slack-channels");
    }

    private static void openAutomations(Page page, String token) {
        page.navigate(server.url());
        Ui.signIn(page, token);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Automations"))
                .click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Slack channels")))
                .isVisible();
    }

    @Test
    void anAdministratorSetsAChannelsRepositorySeesItListedAndRemovesIt() {
        try (BrowserContext context = browsers.person(1280, 900)) {
            Page page = context.newPage();
            page.onDialog(dialog -> dialog.accept());
            openAutomations(page, server.server.adminToken());
            assertThat(section(page).getByText("No channel has a default repository"))
                    .isVisible();

            section(page).getByLabel("Team ID").fill("T0ACME");
            section(page).getByLabel("Channel ID").fill("C0ENG");
            section(page).getByLabel("Repository URL").fill("https://github.com/evil/app.git");
            page.locator("#channel-save").click();
            assertThat(page.locator("#channel-error")).containsText("NIGHTSHIFT_REPOSITORY_ALLOW");
            assertThat(server.server.store().channelDefaults().list("slack")).isEmpty();

            section(page).getByLabel("Repository URL").fill("https://github.com/acme/app.git");
            page.locator("#channel-save").click();
            Locator row = section(page).locator("tr[data-channel=C0ENG]");
            assertThat(row).containsText("https://github.com/acme/app");
            assertThat(row).containsText("T0ACME");
            assertThat(row).containsText("admin");
            assertThat(page.locator("#channel-error")).isHidden();
            assertThat(page.locator("#channel-notice")).containsText("now work on https://github.com/acme/app");
            assertThat(server.server.store().channelDefaults().repository("slack", "T0ACME", "C0ENG"))
                    .contains("https://github.com/acme/app");
            Browsers.screenshot(page, "slack-channels-01-set");

            seenReadOnlyByAPerson();

            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove"))
                    .click();
            assertThat(section(page).getByText("No channel has a default repository"))
                    .isVisible();
            assertThat(page.locator("#channel-notice")).containsText("Removed the default repository of C0ENG");
            assertThat(server.server.store().channelDefaults().list("slack")).isEmpty();
        }
    }

    /** Someone who is no administrator sees the channel and its repository, and no way to change them. */
    private static void seenReadOnlyByAPerson() {
        ApiClient.Response created = server.admin.post("/api/users", Map.of("login", "grace"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        try (BrowserContext context = browsers.person(1280, 900)) {
            Page page = context.newPage();
            openAutomations(page, created.body().path("token").path("token").asText());
            Locator row = section(page).locator("tr[data-channel=C0ENG]");
            assertThat(row).containsText("https://github.com/acme/app");
            assertThat(row.getByRole(AriaRole.BUTTON)).hasCount(0);
            assertThat(page.locator("#channel-form")).hasCount(0);
        }
    }
}

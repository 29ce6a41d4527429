package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Secrets page: add a secret, see it listed without its value, a refusal in the server's words, rotate, delete. */
class SecretsPageTest {
    private static Browsers browsers;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> {});
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

    @Test
    void anAdministratorAddsRotatesAndDeletesASecretWhoseValueIsNeverShown() {
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page page = context.newPage();
            page.onDialog(dialog -> dialog.accept());
            page.navigate(server.url());
            Ui.signIn(page, server.server.adminToken());
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Secrets"))
                    .click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Secrets")))
                    .isVisible();
            assertThat(page.getByText("No secrets yet")).isVisible();

            page.getByLabel("Name").fill("PATH");
            page.getByLabel("Value").fill("v");
            page.getByLabel("Allowed hosts").fill("api.example.com");
            page.locator("#secret-save").click();
            assertThat(page.locator(".secret-form .form-error")).containsText("reserved");

            page.getByLabel("Name").fill("WAREHOUSE_KEY");
            page.getByLabel("Value").fill("ui-real-value-1");
            page.getByLabel("Allowed hosts").fill("warehouse.example.com");
            page.getByLabel("Methods").fill("post");
            page.getByLabel("Path prefixes").fill("/api/v1/query");
            page.locator("#secret-save").click();
            Locator row = page.locator("tr[data-secret-name=WAREHOUSE_KEY]");
            assertThat(row).containsText("warehouse.example.com");
            assertThat(row).containsText("by admin");
            assertThat(page.locator("body")).not().containsText("ui-real-value-1");
            assertThat(page.getByLabel("Value")).hasValue("");
            Browsers.screenshot(page, "secrets-01-listed");

            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rotate"))
                    .click();
            page.getByLabel("Value").fill("ui-real-value-2");
            page.locator("#secret-save").click();
            assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("Saved")))
                    .isVisible();
            assertThat(server.server.vault().openAll()).containsExactly("ui-real-value-2");

            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete"))
                    .click();
            assertThat(page.getByText("No secrets yet")).isVisible();
            assertThat(server.server.vault().list()).isEmpty();

            page.reload(); // /secrets is a page of its own
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Secrets")))
                    .isVisible();
        }
    }
}

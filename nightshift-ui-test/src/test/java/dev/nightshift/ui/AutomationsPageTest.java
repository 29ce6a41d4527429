package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Automations page: a schedule with its next fire times, a refusal in the server's words, pause
 * with a reason and resume, run now with the run's session one click away (and the way back from the
 * session), a webhook whose key is shown once with a curl line that works, delete; no sideways
 * scrolling in narrower windows.
 */
class AutomationsPageTest {
    private static final Pattern CURL = Pattern.compile(
            "curl -X POST (\\S+) -H \"Authorization: Bearer (nsw_\\S+)\" -H \"Content-Type: application/json\" -d '([^']*)'");
    private static Browsers browsers;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> p.executor = turn -> {});
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

    private static Locator form(Page page) {
        return page.locator("#automation-form");
    }

    private static void fillCommon(Page page, String name, String prompt) {
        form(page).getByLabel("Name").fill(name);
        form(page).getByLabel("Repository").fill("/srv/app");
        form(page).getByLabel("Prompt").fill(prompt);
    }

    private static Locator card(Page page, String name) {
        return page.locator(".automation-card[data-automation-name='" + name + "']");
    }

    private static Locator button(Locator scope, String name) {
        return scope.getByRole(
                AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
    }

    @Test
    void aScheduleShowsItsNextFiresPausesResumesRunsAndLinksItsSession() {
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page page = context.newPage();
            page.onDialog(dialog -> {
                if ("prompt".equals(dialog.type())) {
                    dialog.accept("release freeze");
                } else {
                    dialog.accept();
                }
            });
            page.navigate(server.url());
            Ui.signIn(page, server.server.adminToken());
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Automations"))
                    .click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Automations")))
                    .isVisible();
            assertThat(page.locator("#automations-link")).hasAttribute("aria-current", "page");
            assertThat(page.getByText("No automations yet")).isVisible();

            // the server's refusal, in its words, and nothing made
            fillCommon(page, "weekday deps", "Update the dependencies");
            form(page).getByLabel("Cron expression").fill("*/5 * * * *");
            form(page).getByLabel("Time zone").fill("Europe/Paris");
            page.locator("#automation-save").click();
            assertThat(form(page).locator(".form-error")).containsText("the minimum is 15");
            assertThat(page.getByText("No automations yet")).isVisible();

            form(page).getByLabel("Cron expression").fill("0 7 * * 1-5");
            page.locator("#automation-save").click();
            Locator card = card(page, "weekday deps");
            assertThat(card).containsText("Schedule · 0 7 * * 1-5 · Europe/Paris");
            assertThat(card.locator(".fire-list li")).hasCount(3);
            assertThat(card.locator(".fire-list li").first()).containsText("07:00");
            assertThat(card.locator(".badge").first()).hasText("Active");
            assertThat(page.locator(".page-notice")).containsText("Created weekday deps. First run");
            assertThat(form(page).getByLabel("Name")).hasValue("");
            Browsers.screenshot(page, "automations-01-schedule");

            button(card, "Pause").click();
            assertThat(card.locator(".badge").first()).hasText("Paused");
            assertThat(card).containsText("release freeze (admin)");
            assertThat(card.locator(".fire-list")).hasCount(0);
            assertThat(button(card, "Run now")).isDisabled();
            assertThat(button(card, "Resume")).isFocused(); // the refresh kept the focus where it was

            button(card, "Resume").click();
            assertThat(card.locator(".badge").first()).hasText("Active");
            assertThat(card.locator(".fire-list li")).hasCount(3);
            page.reload(); // /automations is a page of its own
            card = card(page, "weekday deps");
            assertThat(card).containsText("Schedule · 0 7 * * 1-5 · Europe/Paris");

            button(card, "Run now").click();
            assertThat(page.locator(".page-notice")).containsText("Started weekday deps");
            button(card, "Run history").click();
            assertThat(button(card, "Run history")).hasAttribute("aria-expanded", "true");
            Locator run = card.locator(".runs-table tbody tr");
            assertThat(run).hasCount(1);
            assertThat(card.locator(".runs-table .badge")).hasText("succeeded");
            Browsers.screenshot(page, "automations-02-history");
            narrowWindowsDoNotScrollSideways(page);

            // to the run's session, and back from it
            run.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Open session"))
                    .click();
            assertThat(page.locator(".session-title")).hasText("weekday deps");
            Locator origin = page.locator(".origin-note a");
            assertThat(origin).hasText("automation weekday deps");
            assertThat(page.locator(".session-list .origin-mark").first()).isVisible();
            Browsers.screenshot(page, "automations-04-session-origin");
            origin.click();
            assertThat(page.locator(".automation-card.highlight")).hasAttribute("data-automation-name", "weekday deps");

            button(card(page, "weekday deps"), "Delete").click();
            assertThat(page.getByText("No automations yet")).isVisible();
            assertThat(server.admin.get("/api/automations").body().path("automations"))
                    .isEmpty();
        }
    }

    @Test
    void aWebhooksKeyIsShownOnceWithACurlLineThatStartsARun() throws Exception {
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page page = context.newPage();
            page.onDialog(dialog -> dialog.accept());
            page.navigate(server.url());
            Ui.signIn(page, server.server.adminToken());
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Automations"))
                    .click();

            fillCommon(page, "alerts", "Fix the alert {{ $.title }}");
            form(page)
                    .getByText("Webhook", new Locator.GetByTextOptions().setExact(true))
                    .click();
            assertThat(form(page).getByLabel("Webhook", new Locator.GetByLabelOptions().setExact(true)))
                    .isChecked();
            assertThat(form(page).getByLabel("Cron expression")).isHidden();
            button(form(page), "+ Add condition").click();
            form(page).getByLabel("Condition 1 path").fill("$.level");
            form(page).getByLabel("Condition 1 comparison").selectOption("eq");
            form(page).getByLabel("Condition 1 value").fill("error");
            form(page).getByLabel("Idempotency key").fill("$.id");
            page.locator("#automation-save").click();

            Locator panel = page.locator("#key-panel");
            assertThat(panel).isVisible();
            assertThat(panel).isFocused();
            assertThat(panel).containsText("only time the key is shown");
            String key = page.locator("#webhook-key").inputValue();
            assertThat(key).startsWith("nsw_");
            String curl = page.locator("#webhook-curl").textContent();
            Matcher m = CURL.matcher(curl);
            assertThat(m.matches()).as(curl).isTrue();
            assertThat(m.group(2)).isEqualTo(key);
            assertThat(m.group(3)).isEqualTo("{\"level\":\"error\"}");
            Browsers.screenshot(page, "automations-03-key");
            narrowWindowsDoNotScrollSideways(page);

            // the example works as shown
            HttpResponse<String> delivered = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(m.group(1)))
                                    .header("Authorization", "Bearer " + m.group(2))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(m.group(3)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(delivered.statusCode()).as(delivered.body()).isEqualTo(202);

            button(panel, "I have stored the key").click();
            assertThat(panel).isHidden();
            Locator card = card(page, "alerts");
            assertThat(card).containsText("Webhook · 1 condition");
            assertThat(card.locator(".webhook-url")).hasText(m.group(1));
            button(page.locator(".page-head"), "Refresh").click();
            assertThat(card.locator(".automation-facts .badge")).hasCount(1); // the last run's status
            assertThat(page.locator("body")).not().containsText(key);

            button(card, "Rotate key").click();
            assertThat(panel).containsText("New key for alerts");
            assertThat(page.locator("#webhook-key")).not().hasValue(key);
            button(panel, "I have stored the key").click();
            button(card, "Delete").click();
            assertThat(card).hasCount(0);
        }
    }

    @Test
    void aSentryAutomationKeepsItsSecretToItselfAndSaysWhereToPointSentry() {
        String secret = "sentry-client-secret-from-the-ui";
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page page = context.newPage();
            page.onDialog(dialog -> dialog.accept());
            page.navigate(server.url());
            Ui.signIn(page, server.server.adminToken());
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Automations"))
                    .click();

            fillCommon(page, "sentry alerts", "Investigate {{ $.data.event.title }}");
            form(page)
                    .getByText("Signed webhook", new Locator.GetByTextOptions().setExact(true))
                    .click();
            assertThat(form(page).getByLabel("Signature header")).isHidden(); // Sentry's is known
            form(page).getByLabel("Sender").selectOption("generic");
            assertThat(form(page).getByLabel("Signature header")).isVisible();
            form(page).getByLabel("Sender").selectOption("sentry");
            page.locator("#automation-save").click();
            assertThat(form(page).locator(".form-error")).containsText("'secret'");

            form(page).getByLabel("Shared secret").fill(secret);
            page.locator("#automation-save").click();
            Locator panel = page.locator("#key-panel");
            assertThat(panel).containsText("Point the sender of sentry alerts at this URL");
            assertThat(panel).containsText("Sentry-Hook-Signature");
            assertThat(page.locator("#webhook-key")).hasCount(0);
            Locator card = card(page, "sentry alerts");
            assertThat(card).containsText("Signed webhook · Sentry");
            assertThat(button(card, "Rotate key")).hasCount(0);
            assertThat(page.locator("body")).not().containsText(secret);
            assertThat(form(page).getByLabel("Shared secret")).hasValue("");

            button(panel, "Done").click();
            button(card, "Delete").click();
            assertThat(card).hasCount(0);
        }
    }

    /** The page at a laptop's width and, with the sidebar folded away, a small window's. */
    private static void narrowWindowsDoNotScrollSideways(Page page) {
        var size = page.viewportSize();
        for (int[] window : new int[][] {{1024, 768}, {700, 900}}) {
            page.setViewportSize(window[0], window[1]);
            Ui.assertNoHorizontalScroll(page);
        }
        page.setViewportSize(size.width, size.height);
    }
}

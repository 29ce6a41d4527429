package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.linear.fake.LinearFake;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Linear section of the Automations page: an administrator connects Linear (the browser goes to
 * Linear's approval page, here the Linear fake, whose approval the test gives; Linear's redirect back
 * is followed by hand), sees it connected with its scopes and disconnects it; someone who is no
 * administrator does not see the section.
 */
class LinearSectionTest {
    private static final String CLIENT_ID = "nightshift-app";
    private static Browsers browsers;
    private static LinearFake linear;
    private static TestServer server;

    @BeforeAll
    static void start() {
        linear = LinearFake.start();
        linear.addOAuthClient(CLIENT_ID, "app-secret");
        server = TestServer.start(
                Map.of(
                        "NIGHTSHIFT_LINEAR_CLIENT_ID", CLIENT_ID,
                        "NIGHTSHIFT_LINEAR_CLIENT_SECRET", "app-secret",
                        "NIGHTSHIFT_LINEAR_OAUTH_URL", linear.authorizeUrl().toString(),
                        "NIGHTSHIFT_LINEAR_TOKEN_URL", linear.tokenUrl().toString(),
                        "NIGHTSHIFT_LINEAR_API_URL", linear.endpoint().toString()),
                p -> {});
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
        if (linear != null) {
            linear.close();
        }
    }

    private static Locator section(Page page) {
        return page.locator("#linear");
    }

    private static void openAutomations(Page page, String token) {
        page.navigate(server.url());
        Ui.signIn(page, token);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Automations"))
                .click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Slack channels")))
                .isVisible();
    }

    private static Map<String, String> query(String url) {
        Map<String, String> query = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    @Test
    void anAdministratorConnectsLinearSeesItConnectedAndDisconnectsIt() {
        try (BrowserContext context = browsers.person(1280, 900)) {
            Page page = context.newPage();
            page.onDialog(dialog -> dialog.accept());
            openAutomations(page, server.server.adminToken());
            assertThat(section(page).locator("#linear-state")).hasText("Not connected");
            assertThat(section(page)).containsText("NIGHTSHIFT_LINEAR_WEBHOOK_SECRET");
            section(page).scrollIntoViewIfNeeded();
            Browsers.screenshot(page, "linear-01-not-connected");

            page.locator("#linear-connect").click();
            page.waitForURL(linear.authorizeUrl() + "?**");
            Map<String, String> authorize = query(page.url());
            assertThat(authorize).containsEntry("actor", "app").containsEntry("client_id", CLIENT_ID);

            // a Linear workspace administrator approves; Linear sends the browser back
            String code = linear.approve(
                    CLIENT_ID,
                    authorize.get("redirect_uri"),
                    Arrays.asList(authorize.get("scope").split(",")));
            page.navigate(authorize.get("redirect_uri") + "?code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)
                    + "&state=" + URLEncoder.encode(authorize.get("state"), StandardCharsets.UTF_8));
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Linear is connected")))
                    .isVisible();
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to Nightshift"))
                    .click();

            assertThat(section(page).locator("#linear-state")).hasText("Connected as the Linear application");
            assertThat(section(page)).containsText("app:assignable");
            assertThat(section(page)).containsText("renewed automatically");
            assertThat(section(page)).not().containsText("lin_oauth_");
            section(page).scrollIntoViewIfNeeded();
            Browsers.screenshot(page, "linear-02-connected");

            page.locator("#linear-disconnect").click();
            assertThat(section(page).locator("#linear-state")).hasText("Not connected");
            assertThat(page.locator("#linear-notice")).containsText("revoked at Linear");
            assertThat(server.admin.get("/api/linear").body().path("connected").asBoolean())
                    .isFalse();
        }
    }

    @Test
    void someoneWhoIsNoAdministratorDoesNotSeeTheSection() {
        ApiClient.Response created = server.admin.post("/api/users", Map.of("login", "grace-linear"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        try (BrowserContext context = browsers.person(1280, 900)) {
            Page page = context.newPage();
            openAutomations(page, created.body().path("token").path("token").asText());
            assertThat(page.locator("#linear")).hasCount(0);
        }
    }
}

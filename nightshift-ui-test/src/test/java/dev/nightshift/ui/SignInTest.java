package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signing in with the printed login token, a refused token, and what a new user first sees. */
class SignInTest {
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
    void aBadTokenIsRefusedSayingWhyAndTheLoginTokenOpensTheEmptyApp() {
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page page = context.newPage();
            page.navigate(server.url());
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sign in")))
                    .isVisible();
            Browsers.screenshot(page, "01-sign-in");

            page.getByLabel("Token").fill("nsk_not-a-real-token");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                    .click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("unknown, expired or revoked");

            Ui.signIn(page, server.server.adminToken());
            assertThat(page.getByText("No session open")).isVisible();
            assertThat(page.locator(".session-list")).containsText("No sessions yet");
            Browsers.screenshot(page, "02-empty-state");

            // the token is kept: a new tab of the same browser is signed in
            Page second = context.newPage();
            second.navigate(server.url());
            assertThat(second.getByText("No session open")).isVisible();

            // signing out forgets it
            second.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out"))
                    .click();
            assertThat(second.getByLabel("Token")).isVisible();
            assertThat(second.evaluate("() => localStorage.getItem('nightshift.token')"))
                    .isNull();
        }
    }

    @Test
    void aRevokedTokenSendsThePersonBackToSignInWithTheReason() {
        var user = server.admin.post("/api/users", java.util.Map.of("login", "revoked-rita"));
        String token = user.body().path("token").path("token").asText();
        String tokenId = user.body().path("token").path("id").asText();
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page page = context.newPage();
            page.navigate(server.url());
            Ui.signIn(page, token);
            server.client(token).delete("/api/tokens/" + tokenId);
            page.reload();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("was not accepted");
            assertThat(page.getByLabel("Token")).isVisible();
        }
    }

    @Test
    void thePagesAreServedWithAPolicyThatOnlyAllowsTheirOwnScripts() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var page = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/sessions/ses_x"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/js/app.js\">");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(
                        csp -> assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(server.client(null).get("/vendor/marked/lib/marked.esm.js").status())
                .isEqualTo(200);
        assertThat(server.client(null).get("/ui/js/../../openapi.json").status())
                .isEqualTo(404);
        assertThat(server.client(null).get("/vendor/unknown/x.js").status()).isEqualTo(404);
        // an unknown API route is still the API's JSON error, not the page
        var api404 = server.client(null).get("/api/no-such-route");
        assertThat(api404.status()).isEqualTo(404);
        assertThat(api404.body().path("error").path("message").asText()).contains("/api/no-such-route");
    }
}

package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Login CSRF: a link carrying someone else's token must not sign the browser in as them. A token in
 * the address bar counts only at the end of a sign-in this tab started, and even then a signed-in
 * person is asked before being replaced.
 */
class SignInLinkTest {
    private static final String NONCE = "nonce-started-in-this-tab-01";
    private static Browsers browsers;
    private static TestServer server;
    private static String ada;
    private static String mallory;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> {});
        browsers = Browsers.launch();
        ada = token("ada-link");
        mallory = token("mallory-link");
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

    private static String token(String login) {
        return server.admin
                .post("/api/users", Map.of("login", login))
                .body()
                .path("token")
                .path("token")
                .asText();
    }

    private static Object stored(Page page) {
        return page.evaluate("() => localStorage.getItem('nightshift.token')");
    }

    private static Page open(BrowserContext context, String path) {
        Page page = context.newPage();
        page.navigate(server.url() + path);
        return page;
    }

    @Test
    void aCraftedTokenLinkNeverSwitchesTheSignedInPerson() {
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page first = open(context, "/");
            Ui.signIn(first, ada);

            for (String link : new String[] {
                "/#token=" + mallory,
                "/?token=" + mallory,
                "/sessions/x#token=" + mallory + "&ui_state=guessed-guessed-guessed"
            }) {
                Page page = open(context, link);
                assertThat(page.locator(".sidebar .login")).hasText("ada-link");
                assertThat(stored(page)).as(link).isEqualTo(ada);
                assertThat(page.url()).doesNotContain("#token");
            }
        }
    }

    @Test
    void aCraftedTokenLinkDoesNotSignInSomeoneSignedOut() {
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page page = open(context, "/#token=" + mallory);
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("not started in this browser");
            assertThat(page.getByLabel("Token")).isVisible();
            assertThat(stored(page)).isNull();
            assertThat(open(context, "/?token=" + mallory).getByLabel("Token")).isVisible();
        }
    }

    @Test
    void aSignInThisTabStartedIsAcceptedAndAnotherAccountOnlyAfterAsking() {
        try (BrowserContext context = browsers.person(1280, 800)) {
            // the tab started a sign-in: its nonce comes back with the token
            Page page = open(context, "/");
            page.evaluate("n => sessionStorage.setItem('nightshift.signInState', n)", NONCE);
            page.navigate(server.url() + "/sessions/a#token=" + ada + "&ui_state=" + NONCE);
            assertThat(page.locator(".sidebar .login")).hasText("ada-link");
            assertThat(stored(page)).isEqualTo(ada);
            assertThat(page.evaluate("() => sessionStorage.getItem('nightshift.signInState')"))
                    .as("used up")
                    .isNull();

            // the same for another account while ada is signed in: asked, and staying keeps ada
            page.evaluate("n => sessionStorage.setItem('nightshift.signInState', n)", NONCE);
            page.navigate(server.url() + "/sessions/b#token=" + mallory + "&ui_state=" + NONCE);
            assertThat(page.locator("#switch-account")).containsText("Signed in as ada-link; switch to mallory-link?");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stay signed in as ada-link"))
                    .click();
            assertThat(page.locator(".sidebar .login")).hasText("ada-link");
            assertThat(stored(page)).isEqualTo(ada);

            // and switching is the person's choice
            page.evaluate("n => sessionStorage.setItem('nightshift.signInState', n)", NONCE);
            page.navigate(server.url() + "/sessions/c#token=" + mallory + "&ui_state=" + NONCE);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Switch to mallory-link"))
                    .click();
            assertThat(page.locator(".sidebar .login")).hasText("mallory-link");
            assertThat(stored(page)).isEqualTo(mallory);
        }
    }
}

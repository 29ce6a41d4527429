package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.nightshift.server.testing.TestServer;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing in the way a person does: the sign-in screen offers the company's OpenID provider, a
 * click goes through a real provider on loopback and back, and the browser ends signed in as a new
 * user found by the provider's subject; someone outside the admitted groups sees why not.
 */
class OpenIdSignInTest {
    private static Browsers browsers;
    private static TestServer server;
    private static MockOAuth2Server provider;

    @BeforeAll
    static void start() {
        provider = new MockOAuth2Server();
        provider.start(InetAddress.getLoopbackAddress(), 0);
        server = TestServer.start(
                Map.of(
                        "NIGHTSHIFT_OIDC_PROVIDERS", "corp " + provider.issuerUrl("corp") + " nightshift",
                        "NIGHTSHIFT_OIDC_CLIENT_SECRETS", "corp=s3cret",
                        "NIGHTSHIFT_ADMIT_GROUPS", "engineering",
                        "NIGHTSHIFT_ADMISSION_CONTACT", "the platform team"),
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
        if (provider != null) {
            provider.shutdown();
        }
    }

    @Test
    void aClickOnTheProviderSignsInAsTheAccountsOwnUser() {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback(
                "corp",
                "emp-1001",
                "JWT",
                List.of("nightshift"),
                Map.of(
                        "preferred_username",
                        "hedy",
                        "name",
                        "Hedy Lamarr",
                        "email",
                        "hedy@corp.example",
                        "email_verified",
                        true,
                        "groups",
                        List.of("engineering")),
                3600));
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page page = context.newPage();
            page.navigate(server.url() + "/");
            page.locator("#signin-oidc a[data-provider=corp]").click();
            assertThat(page.locator(".sidebar .login")).hasText("hedy");
            assertThat(page.url()).doesNotContain("token");
            Object token = page.evaluate("() => localStorage.getItem('nightshift.token')");
            assertThat(token).isNotNull();
            assertThat(server.client(token.toString())
                            .get("/api/me/identities")
                            .body()
                            .path("identities")
                            .get(0)
                            .path("subject")
                            .asText())
                    .isEqualTo("emp-1001");
        }
    }

    @Test
    void someoneOutsideTheAdmittedGroupsSeesWhyAndWhomToAsk() {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback(
                "corp",
                "ext-7",
                "JWT",
                List.of("nightshift"),
                Map.of("preferred_username", "visitor", "groups", List.of("contractors")),
                3600));
        try (BrowserContext context = browsers.person(1280, 800)) {
            Page page = context.newPage();
            page.navigate(server.url() + "/");
            page.locator("#signin-oidc a[data-provider=corp]").click();
            assertThat(page.locator("h1")).hasText("You are not admitted");
            assertThat(page.locator("#reason")).containsText("ask the platform team");
            assertThat(page.evaluate("() => localStorage.getItem('nightshift.token')"))
                    .isNull();
        }
    }
}

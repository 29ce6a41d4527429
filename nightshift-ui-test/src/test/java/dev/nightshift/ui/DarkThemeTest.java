package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.ColorScheme;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.server.testing.TestServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The UI follows the system's colour scheme: with {@code prefers-color-scheme: dark} the page turns
 * dark, and its text (body, muted, links, buttons, the person's own messages, errors) stays readable:
 * a contrast ratio of at least 4.5:1 (WCAG AA for body text) in both themes.
 */
class DarkThemeTest {
    @Test
    void theDarkThemeFollowsTheSystemAndKeepsTextReadable() {
        try (TestServer server = TestServer.start(p -> {});
                Browsers browsers = Browsers.launch();
                BrowserContext person = browsers.person(1440, 900)) {
            String id = server.admin
                    .post("/api/sessions", Map.of("repository", "/srv/dark", "title", "Night work"))
                    .text("id");
            String me =
                    server.admin.get("/api/me").body().path("user").path("id").asText();
            server.server
                    .eventLog()
                    .append(
                            id,
                            List.of(
                                    NewEvent.of(
                                            null, new EventPayload.UserMessage("m1", me, "web", "Tidy the logs", null)),
                                    NewEvent.of(
                                            null,
                                            new EventPayload.AssistantMessage(
                                                    1,
                                                    "m",
                                                    "Done: see [the log](https://example.com/log) and `app.log`.\n\n"
                                                            + "```js\nconst level = 'info';\n```",
                                                    List.of(),
                                                    "stop",
                                                    null,
                                                    0)),
                                    NewEvent.of(null, new EventPayload.Error("the model timed out")),
                                    NewEvent.of(null, new EventPayload.TurnComplete("failed", "the model timed out"))));

            Page page = person.newPage();
            page.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(page, server.server.adminToken());
            assertThat(page.locator(".entry-assistant")).containsText("Done: see");
            assertThat(page.locator(".entry-assistant pre code.hljs")).containsText("const level");

            Map<String, Double> light = contrasts(page);
            double lightBackground = Ui.backgroundLuminance(page.locator("body"));
            String lightColour = (String) page.evaluate("() => getComputedStyle(document.body).backgroundColor");
            assertThat(lightBackground).as("the light theme is light").isGreaterThan(0.8);

            page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
            String darkColour = (String) page.evaluate("() => getComputedStyle(document.body).backgroundColor");
            assertThat(darkColour).isNotEqualTo(lightColour);
            assertThat(Ui.backgroundLuminance(page.locator("body")))
                    .as("the dark theme is dark")
                    .isLessThan(0.05);
            assertThat(Ui.backgroundLuminance(page.locator(".sidebar"))).isLessThan(0.05);
            assertThat(Ui.backgroundLuminance(page.locator(".entry-assistant"))).isLessThan(0.05);
            // code blocks take highlight.js's dark theme, not a white box in a dark page
            assertThat(Ui.backgroundLuminance(page.locator(".entry-assistant pre")))
                    .isLessThan(0.05);
            Map<String, Double> dark = contrasts(page);
            Browsers.screenshot(page, "10-dark-session");

            for (Map<String, Double> theme : List.of(light, dark)) {
                assertThat(theme)
                        .as("contrast ratios, light %s, dark %s", light, dark)
                        .allSatisfy((what, ratio) -> assertThat(ratio).as(what).isGreaterThanOrEqualTo(4.5));
            }
        }
    }

    /** The text the page is read by, each against what is behind it. */
    private static Map<String, Double> contrasts(Page page) {
        Map<String, Locator> texts = new LinkedHashMap<>();
        texts.put("session title", page.locator(".session-title"));
        texts.put("muted meta line", page.locator(".session-meta"));
        texts.put("sidebar item", page.locator(".session-item-title").first());
        texts.put("answer text", page.locator(".entry-assistant .markdown p").first());
        texts.put("link in an answer", page.locator(".entry-assistant a").first());
        texts.put("the person's own message", page.locator(".entry-user .user-text"));
        texts.put("error", page.locator(".entry-error"));
        texts.put("selected tab", page.locator("[role=tab][aria-selected=true]"));
        texts.put("primary button", page.locator(".composer .button.primary"));
        texts.put("status badge", page.locator(".session-header .status"));
        texts.put("section title", page.locator(".details .section-title").first());
        texts.put("prompt box", page.locator("#prompt"));
        Map<String, Double> ratios = new LinkedHashMap<>();
        texts.forEach((what, locator) -> ratios.put(what, Ui.contrast(locator)));
        return ratios;
    }
}

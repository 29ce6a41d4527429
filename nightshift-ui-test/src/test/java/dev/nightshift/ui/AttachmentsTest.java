package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files with a prompt in the web UI: a screenshot pasted into the prompt box and a text file
 * dropped on it show as chips (one removed again), go with the prompt, reach the model as an image,
 * and show in the timeline as a thumbnail and a file; a program passed off as an image is refused
 * with the server's reason and nothing is sent.
 */
class AttachmentsTest {
    private static final String PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    /** Hands {@code files} ([name, type, base64]) to the page as a paste into the prompt box or a drop on the composer. */
    private static void give(Page page, String event, String... nameTypeBase64) {
        page.evaluate("""
                ([event, files]) => {
                  const dt = new DataTransfer();
                  for (let i = 0; i < files.length; i += 3) {
                    const bytes = Uint8Array.from(atob(files[i + 2]), (c) => c.charCodeAt(0));
                    dt.items.add(new File([bytes], files[i], { type: files[i + 1] }));
                  }
                  if (event === 'paste') {
                    document.querySelector('#prompt').dispatchEvent(
                      new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
                  } else {
                    const composer = document.querySelector('.composer');
                    composer.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
                    composer.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
                  }
                }""", java.util.List.of(event, java.util.List.of(nameTypeBase64)));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pastedAndDroppedFilesGoWithThePromptReachTheModelAndShowInTheTimeline(@TempDir Path work) throws Exception {
        Path repo = Ui.repository(work);
        try (FakeModelServer model = FakeModelServer.start();
                TestServer server = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL", "openai/gpt-test",
                                "OPENAI_API_KEY", "sk-test",
                                "OPENAI_BASE_URL", model.openAiBaseUrl()),
                        p -> p.sandboxes = true);
                Browsers browsers = Browsers.launch();
                BrowserContext owner = browsers.person(1280, 800)) {
            String id = server.admin.createSession(repo.toString());
            model.enqueue(Reply.text("It is a single pixel."));
            Page page = owner.newPage();
            page.navigate(server.url() + "/sessions/" + id);
            Ui.signIn(page, server.server.adminToken());
            assertThat(page.locator("#prompt")).isEditable();

            give(page, "paste", "image.png", "image/png", PNG_BASE64);
            give(
                    page,
                    "drop",
                    "notes.md",
                    "text/markdown",
                    base64("# Notes\nthe button is blue\n"),
                    "extra.txt",
                    "text/plain",
                    base64("not this one"));
            assertThat(page.locator(".attachment-chip")).hasCount(3);
            assertThat(page.locator(".attachment-chip img.chip-thumbnail"))
                    .hasAttribute("src", java.util.regex.Pattern.compile("^data:image/png;base64,"));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove extra.txt"))
                    .click();
            assertThat(page.locator(".attachment-chip")).hasCount(2);
            assertThat(page.locator(".attachment-chips")).containsText("image.png");
            assertThat(page.locator(".attachment-chips")).containsText("notes.md");
            Browsers.screenshot(page, "40-attachments-composer");

            Ui.sendPrompt(page, "What does the screenshot show?");
            assertThat(page.locator(".attachment-chips")).isHidden();
            assertThat(page.locator(".entry-turn-end")).hasText("Turn finished");

            // the timeline shows the prompt's files: the image as a thumbnail fetched with the token
            assertThat(page.locator(".entry-user .attachment-thumbnail"))
                    .hasAttribute("src", java.util.regex.Pattern.compile("^data:image/png;base64,"));
            assertThat(page.locator(".entry-user .attachments")).containsText("notes.md");
            assertThat(page.locator(".entry-user .attachment-thumbnail")).hasAttribute("alt", "image.png");
            Browsers.screenshot(page, "41-attachments-timeline");

            // the model saw the image as OpenAI's image_url part, and the text file in the prompt
            JsonNode content = model.requests().getFirst().messages().get(1).path("content");
            assertThat(content)
                    .anySatisfy(part -> assertThat(
                                    part.path("image_url").path("url").asText())
                            .isEqualTo("data:image/png;base64," + PNG_BASE64));
            assertThat(content.toString()).contains("the button is blue").doesNotContain("not this one");

            // a program passed off as an image: the server's reason, the chips stay, nothing is queued
            page.locator(".composer input[type=file]")
                    .setInputFiles(
                            new FilePayload("cat.png", "image/png", new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}));
            assertThat(page.locator(".attachment-chip")).hasCount(1);
            page.locator("#prompt").fill("run this");
            page.locator("#prompt").press("Enter");
            assertThat(page.locator(".composer .form-error")).containsText("cat.png cannot be attached");
            assertThat(page.locator(".attachment-chip")).hasCount(1);
            assertThat(page.locator("#prompt")).hasValue("run this");
            assertThat(page.locator(".entry-user")).hasCount(1);
            assertThat(server.admin
                            .get("/api/sessions/" + id + "/prompts")
                            .body()
                            .path("queue"))
                    .isEmpty();
        }
    }
}

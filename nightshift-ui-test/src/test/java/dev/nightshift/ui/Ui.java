package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the tests do in the UI, named as a person would say it. */
final class Ui {
    private Ui() {}

    static void signIn(Page page, String token) {
        page.getByLabel("Token").fill(token);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                .click();
        // the shell is there (on a phone the sidebar waits in its drawer, out of sight)
        assertThat(page.locator(".shell")).isVisible();
    }

    static void sendPrompt(Page page, String text) {
        page.locator("#prompt").fill(text);
        page.locator("#prompt").press("Enter");
        assertThat(page.locator("#prompt")).hasValue("");
    }

    /** The sequence numbers of what the timeline shows, in order (tool results live on their call's card). */
    static List<Long> shownSeqs(Page page) {
        List<Long> seqs = new ArrayList<>();
        for (Object value : (List<?>)
                page.evaluate(
                        "() => [...document.querySelectorAll('.timeline [data-seq]')]"
                                + ".flatMap(e => [e.dataset.seq, e.dataset.resultSeq, e.dataset.messageSeq]).filter(Boolean).map(Number)")) {
            seqs.add(((Number) value).longValue());
        }
        return seqs;
    }

    static void assertNoDuplicates(List<Long> seqs) {
        assertThat(seqs).as("every event is shown at most once").doesNotHaveDuplicates();
    }

    static void assertNoHorizontalScroll(Page page) {
        // a resize slides the details panel away with a short transition: judge the page once it has settled
        try {
            page.waitForFunction(
                    "() => document.documentElement.scrollWidth <= window.innerWidth",
                    null,
                    new Page.WaitForFunctionOptions().setTimeout(3000));
        } catch (com.microsoft.playwright.TimeoutError stillTooWide) {
            // measured and reported below
        }
        Object overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
        // when it fails, say which elements stick out past the window's right edge
        Object culprits = page.evaluate("() => [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                + ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60))");
        assertThat(((Number) overflow).intValue())
                .as("page wider than the window; sticking out: %s", culprits)
                .isLessThanOrEqualTo(0);
    }

    /**
     * The WCAG contrast ratio of an element's text against what is behind it: the first ancestor
     * (or the element itself) with a background colour. The page's colours are all opaque.
     */
    static double contrast(Locator text) {
        return ((Number) text.evaluate("""
                        (el) => {
                          const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
                          const lum = (c) => {
                            const [r, g, b] = rgb(c).map((v) => v / 255)
                                .map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
                            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                          };
                          let behind = el;
                          const transparent = (c) => c === 'transparent' || (rgb(c).length === 4 && rgb(c)[3] === 0);
                          while (behind && transparent(getComputedStyle(behind).backgroundColor)) behind = behind.parentElement;
                          const bg = behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)';
                          const [light, dark] = [lum(getComputedStyle(el).color), lum(bg)].sort((a, b) => b - a);
                          return (light + 0.05) / (dark + 0.05);
                        }""")).doubleValue();
    }

    /** The relative luminance (0 black … 1 white) of an element's computed background colour. */
    static double backgroundLuminance(Locator element) {
        return ((Number) element.evaluate("""
                        (el) => {
                          const [r, g, b] = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number)
                              .map((v) => v / 255).map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
                          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                        }""")).doubleValue();
    }

    /** How tall an element is on screen, in CSS pixels. */
    static double height(Locator element) {
        return element.boundingBox().height;
    }

    /** A local git repository with a bug and its test. */
    static Path repository(Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("calc"));
        Files.writeString(repo.resolve("calc.py"), "def add(a, b):\n    return a - b\n");
        Files.writeString(
                repo.resolve("test_calc.py"),
                "import unittest\nfrom calc import add\n\n"
                        + "class CalcTest(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n");
        Files.writeString(repo.resolve(".gitignore"), "__pycache__/\n");
        for (List<String> git : List.of(
                List.of("init", "-q", "-b", "main"),
                List.of("add", "."),
                List.of("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "calc"))) {
            List<String> argv = new ArrayList<>(List.of("git", "-C", repo.toString()));
            argv.addAll(git);
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            assertThat(p.waitFor())
                    .as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
        }
        return repo;
    }
}

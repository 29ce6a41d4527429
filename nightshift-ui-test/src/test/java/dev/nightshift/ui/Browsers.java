package dev.nightshift.ui;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The machine's own Chromium driven by Playwright through the machine's Node: nothing is downloaded.
 * {@code NIGHTSHIFT_UI_TEST_CHROMIUM} and {@code PLAYWRIGHT_NODEJS_PATH} point elsewhere when needed.
 */
final class Browsers implements AutoCloseable {
    static final Path CHROMIUM = Path.of(env("NIGHTSHIFT_UI_TEST_CHROMIUM", "/usr/bin/chromium"));
    static final String NODE = env("PLAYWRIGHT_NODEJS_PATH", "/usr/bin/node");
    /** Chromium's own calls home are refused on a closed network, many at a time; they are switched off. */
    private static final List<String> QUIET_FLAGS = List.of(
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic");

    static final Path SCREENSHOTS = Path.of(System.getProperty("ui.screenshots", "target/screenshots"));

    static {
        // the agent works in a real sandbox; a step can take a few seconds on a busy machine
        PlaywrightAssertions.setDefaultAssertionTimeout(60_000);
    }

    private final Playwright playwright;
    final Browser browser;

    private Browsers(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    static Browsers launch() {
        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_NODEJS_PATH", NODE, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright
                    .chromium()
                    .launch(new BrowserType.LaunchOptions()
                            .setExecutablePath(CHROMIUM)
                            .setHeadless(true)
                            .setArgs(QUIET_FLAGS));
            return new Browsers(playwright, browser);
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    /** A fresh profile (its own localStorage): one person at one screen size. */
    BrowserContext person(int width, int height) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height));
        context.setDefaultTimeout(60_000);
        return context;
    }

    static void screenshot(Page page, String name) {
        // finished transitions: a panel caught mid-slide is not what anyone sees
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve(name + ".png"))
                .setAnimations(com.microsoft.playwright.options.ScreenshotAnimations.DISABLED));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}

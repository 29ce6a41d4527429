package dev.nightshift.agent.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.options.WaitForSelectorState;
import dev.nightshift.agent.model.ToolSpec;
import dev.nightshift.agent.tools.Tool;
import dev.nightshift.agent.tools.ToolContext;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.port.Media;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The agent's {@code browser} tool: a Chromium in the session's sandbox, driven from the control
 * plane (see {@link BrowserSession}). The agent navigates, clicks, types, reads the console and
 * failed requests, takes screenshots (optionally annotated with what it acted on, optionally
 * compared with an earlier one) and records videos; screenshots and videos are kept as the
 * session's artifacts through {@link ToolContext#keepMedia}. Every action has a timeout, and a
 * browser that crashed or hung is restarted on the next call. Runs on the turn's thread; the
 * Playwright work itself on the browser's.
 */
public final class BrowserTool implements Tool {
    public static final String NAME = "browser";

    static final int DEFAULT_TIMEOUT_SECONDS = 15;
    static final int DEFAULT_NAVIGATE_TIMEOUT_SECONDS = 30;
    static final int MAX_TIMEOUT_SECONDS = 120;
    static final int MAX_PAGE_TEXT_CHARS = 2_000;
    static final int MAX_ARGUMENT_CHARS = 10_000;

    private static final Set<String> ACTIONS = Set.of(
            "navigate",
            "click",
            "type",
            "press",
            "scroll",
            "wait_for",
            "console",
            "screenshot",
            "record_start",
            "record_stop");

    /** The viewport sizes the agent may ask for: from a phone's to a 4K screen's. */
    static final int MIN_VIEWPORT_PIXELS = 200;

    static final int MAX_VIEWPORT_WIDTH_PIXELS = 3840;
    static final int MAX_VIEWPORT_HEIGHT_PIXELS = 2160;

    private static final ToolSpec SPEC = new ToolSpec(
            NAME,
            "Drive a real Chromium running in your sandbox (its requests go through the sandbox's network rules; "
                    + "localhost reaches your own dev servers). Actions: navigate (url); click, type (value), press "
                    + "(key, e.g. Enter), scroll — on an element found by `selector` (CSS or Playwright selector) or "
                    + "by its visible `text`; wait_for (an element, or the network to go quiet); console (console "
                    + "messages, page errors and failed requests since the last call); screenshot (the viewport, "
                    + "full_page, or one element; annotate marks the elements you acted on; compare_with an earlier "
                    + "screenshot's id gives the changed-pixel ratio and a diff image; label before/after and a "
                    + "caption show the change to reviewers); record_start / record_stop (an MP4 video of the page, "
                    + "at most 90 s). Screenshots and videos are kept for the session's reviewers.",
            """
            {"type":"object","properties":{
              "action":{"type":"string","enum":["navigate","click","type","press","scroll","wait_for","console",\
            "screenshot","record_start","record_stop"]},
              "url":{"type":"string","description":"navigate: an http(s) URL"},
              "selector":{"type":"string","description":"the element: a CSS or Playwright selector"},
              "text":{"type":"string","description":"the element: its visible text (instead of selector)"},
              "value":{"type":"string","description":"type: the text to put into the field (replaces what it holds)"},
              "key":{"type":"string","description":"press: a key such as Enter, Tab, ArrowDown, Control+A"},
              "delta_y":{"type":"integer","description":"scroll without an element: pixels down (negative: up); default 600"},
              "full_page":{"type":"boolean","description":"screenshot: the whole page, not only the viewport"},
              "width":{"type":"integer","minimum":%d,"maximum":%d,"description":"navigate/screenshot: the viewport's width in pixels (with height); it stays so for later calls"},
              "height":{"type":"integer","minimum":%d,"maximum":%d,"description":"navigate/screenshot: the viewport's height in pixels (with width)"},
              "annotate":{"type":"boolean","description":"screenshot: mark the elements you acted on since the last navigation"},
              "compare_with":{"type":"string","description":"screenshot: the id of an earlier screenshot of this browser to compare with"},
              "label":{"type":"string","enum":["before","after"],"description":"screenshot/record_stop: what the item shows"},
              "caption":{"type":"string","description":"screenshot/record_stop: what it shows, for reviewers"},
              "timeout_seconds":{"type":"integer","minimum":1,"maximum":120,"description":"how long the action may take; default 15 (navigate 30)"}
            },"required":["action"],"additionalProperties":false}""".formatted(
                    MIN_VIEWPORT_PIXELS, MAX_VIEWPORT_WIDTH_PIXELS, MIN_VIEWPORT_PIXELS, MAX_VIEWPORT_HEIGHT_PIXELS));

    private final Browsers browsers;

    public BrowserTool(Browsers browsers) {
        this.browsers = browsers;
    }

    @Override
    public ToolSpec spec() {
        return SPEC;
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public ToolResult run(JsonNode arguments, ToolContext context) throws InterruptedException {
        if (context.readOnly()) {
            // clicking through the agent's own app can change what it stores: not before a plan is approved
            return ToolResult.error(context.writeRefused(NAME));
        }
        Call call;
        try {
            call = Call.of(arguments);
        } catch (IllegalArgumentException e) {
            return ToolResult.error(e.getMessage());
        }
        BrowserSession session = browsers.session(context.sandbox());
        Browsers.Memory memory = browsers.memory(context.sandbox());
        List<Artifact> media = new ArrayList<>();
        StringBuilder notes = new StringBuilder();
        try {
            Recording earlier = session.takeFinished();
            if (earlier != null) {
                String kept = keepVideo(earlier, context, media, call.caption(), call.label());
                if (call.action().equals("record_stop")) {
                    return ToolResult.ok(kept, media);
                }
                notes.append(kept).append('\n');
            }
            String text = act(call, session, memory, context, media, notes);
            return ToolResult.ok(notes + text, media);
        } catch (BrowserException | IOException e) {
            String message = e instanceof BrowserException ? e.getMessage() : e.getMessage();
            return new ToolResult(notes + message, true, media);
        }
    }

    private String act(
            Call call,
            BrowserSession session,
            Browsers.Memory memory,
            ToolContext context,
            List<Artifact> media,
            StringBuilder notes)
            throws BrowserException, IOException, InterruptedException {
        Duration timeout = call.timeout();
        double millis = timeout.toMillis();
        String action = call.action();
        BrowserSession.Outcome<?> outcome = switch (action) {
            case "navigate" ->
                session.call(timeout, live -> {
                    Response response;
                    call.resize(live.page());
                    try {
                        response = live.page().navigate(call.url(), new Page.NavigateOptions().setTimeout(millis));
                    } catch (com.microsoft.playwright.TimeoutError e) {
                        throw new BrowserException("the page did not load within " + timeout.toSeconds() + " s: "
                                + call.url() + " (is the server up and answering?)");
                    }
                    live.session().marks.clear();
                    String status = response == null ? "" : " (HTTP " + response.status() + ")";
                    return "Loaded " + live.page().url() + status + ".\n" + describe(live.page());
                });
            case "click", "type", "press", "scroll" ->
                session.call(timeout, live -> {
                    Locator element = call.element(live.page());
                    String target = call.target();
                    if (element == null && !action.equals("press") && !action.equals("scroll")) {
                        throw new BrowserException(action + " needs the element: give selector or text");
                    }
                    if (element != null && !action.equals("scroll")) {
                        Annotations.add(
                                live.session().marks,
                                Annotations.measure(
                                        element, memory.actionNumber.incrementAndGet(), action + " " + target, millis));
                    }
                    String done = switch (action) {
                        case "click" -> {
                            element.click(new Locator.ClickOptions().setTimeout(millis));
                            yield "Clicked " + target + ".";
                        }
                        case "type" -> {
                            if (call.value() == null) {
                                throw new BrowserException("type needs value: the text to put into the field");
                            }
                            element.fill(call.value(), new Locator.FillOptions().setTimeout(millis));
                            yield "Typed " + call.value().length() + " characters into " + target + ".";
                        }
                        case "press" -> {
                            if (call.key() == null) {
                                throw new BrowserException("press needs key, e.g. Enter");
                            }
                            if (element == null) {
                                live.page().keyboard().press(call.key());
                            } else {
                                element.press(call.key(), new Locator.PressOptions().setTimeout(millis));
                            }
                            yield "Pressed " + call.key() + (element == null ? "" : " in " + target) + ".";
                        }
                        default -> {
                            if (element != null) {
                                element.scrollIntoViewIfNeeded(
                                        new Locator.ScrollIntoViewIfNeededOptions().setTimeout(millis));
                            } else {
                                live.page().evaluate("dy => window.scrollBy(0, dy)", call.deltaY());
                            }
                            yield "Scrolled " + (element == null ? call.deltaY() + " px" : "to " + target)
                                    + "; now at " + live.page().evaluate("() => Math.round(window.scrollY)")
                                    + " px from the top.";
                        }
                    };
                    return done + " Page: " + live.page().url() + " — "
                            + live.page().title();
                });
            case "wait_for" ->
                session.call(timeout, live -> {
                    Locator element = call.element(live.page());
                    if (element == null) {
                        live.page()
                                .waitForLoadState(
                                        LoadState.NETWORKIDLE, new Page.WaitForLoadStateOptions().setTimeout(millis));
                        return "The page is loaded and its network is quiet: "
                                + live.page().url();
                    }
                    element.waitFor(new Locator.WaitForOptions()
                            .setState(WaitForSelectorState.VISIBLE)
                            .setTimeout(millis));
                    return call.target() + " is visible.";
                });
            case "console" ->
                session.call(timeout, live -> {
                    live.page().title(); // lets Playwright deliver what is waiting
                    List<String> lines = live.session().takeConsole();
                    return lines.isEmpty()
                            ? "No console messages or failed requests since the last call."
                            : lines.size() + " console messages and failed requests since the last call:\n"
                                    + String.join("\n", lines);
                });
            case "screenshot" -> session.call(timeout, live -> shoot(call, live, millis));
            case "record_start" ->
                session.call(timeout, live -> {
                    if (live.session().recording != null) {
                        throw new BrowserException("a recording is already running (recording "
                                + live.session().recording.number + "); call record_stop first");
                    }
                    live.session().recording =
                            new Recording(context.sandbox(), live.page(), memory.recordingNumber.incrementAndGet());
                    return "Recording started (at most " + Media.MAX_VIDEO_MILLIS / 1000
                            + " s; it stops itself there). Call record_stop to keep the video.";
                });
            case "record_stop" ->
                session.call(timeout, live -> {
                    Recording r = live.session().recording;
                    if (r == null) {
                        throw new BrowserException("nothing is being recorded; call record_start first");
                    }
                    r.stop();
                    live.session().recording = null;
                    return r;
                });
            default -> throw new IllegalStateException(action);
        };
        if (outcome.restarted()) {
            notes.append("Note: the browser had stopped and was restarted; open pages and their state were lost.\n");
        }
        return switch (outcome.value()) {
            case Shot shot -> keepScreenshot(shot, call, memory, context, media);
            case Recording r -> keepVideo(r, context, media, call.caption(), call.label());
            case String s -> s;
            default -> throw new IllegalStateException("unexpected " + outcome.value());
        };
    }

    /** A screenshot as the browser thread took it. */
    private record Shot(byte[] png, String url) {}

    private static Shot shoot(Call call, BrowserSession.Live live, double millis) throws Exception {
        Page page = live.page();
        call.resize(page);
        Locator element = call.element(page);
        boolean annotate = call.annotate() && !live.session().marks.isEmpty();
        if (annotate) {
            Annotations.show(page, live.session().marks);
        }
        try {
            byte[] png = element != null
                    ? element.screenshot(new Locator.ScreenshotOptions().setTimeout(millis))
                    : page.screenshot(new Page.ScreenshotOptions()
                            .setFullPage(call.fullPage())
                            .setTimeout(millis));
            return new Shot(png, page.url());
        } finally {
            if (annotate) {
                Annotations.hide(page);
            }
        }
    }

    private String keepScreenshot(
            Shot shot, Call call, Browsers.Memory memory, ToolContext context, List<Artifact> media)
            throws IOException, BrowserException {
        int[] size = ScreenshotDiff.pngSize(shot.png());
        if (shot.png().length > Media.MAX_SCREENSHOT_BYTES) {
            throw new BrowserException("the screenshot is " + shot.png().length + " bytes, over the limit of "
                    + Media.MAX_SCREENSHOT_BYTES + " bytes; take the viewport or one element instead of the full page");
        }
        byte[] earlier = null;
        if (call.compareWith() != null) {
            earlier = memory.screenshot(call.compareWith())
                    .orElseThrow(() -> new BrowserException("no screenshot " + call.compareWith()
                            + " of this browser to compare with; recent ones: " + memory.known()));
        }
        int n = memory.screenshotNumber.incrementAndGet();
        Artifact kept = keep(
                context,
                new Media(
                        Media.SCREENSHOT,
                        "image/png",
                        "screenshot-" + n + ".png",
                        size[0],
                        size[1],
                        0,
                        call.caption(),
                        call.label()),
                shot.png());
        media.add(kept);
        memory.remember(kept.id(), shot.png());
        StringBuilder text = new StringBuilder("Screenshot ")
                .append(kept.id())
                .append(" of ")
                .append(shot.url())
                .append(": ")
                .append(size[0])
                .append("×")
                .append(size[1])
                .append(" px, ")
                .append(shot.png().length)
                .append(" bytes (")
                .append(kept.url())
                .append(").");
        if (earlier != null) {
            ScreenshotDiff.Result diff = ScreenshotDiff.compare(earlier, shot.png());
            String ratio = String.format(Locale.ROOT, "%.4f", diff.changedRatio());
            text.append("\nCompared with ")
                    .append(call.compareWith())
                    .append(": changed-pixel ratio ")
                    .append(ratio)
                    .append(" (")
                    .append(diff.changedPixels())
                    .append(" pixels)");
            if (diff.changedPixels() > 0) {
                Artifact diffImage = keep(
                        context,
                        new Media(
                                Media.SCREENSHOT,
                                "image/png",
                                "diff-" + n + ".png",
                                diff.width(),
                                diff.height(),
                                0,
                                "changes from " + call.compareWith() + " to " + kept.id() + " in red",
                                ""),
                        diff.diffPng());
                media.add(diffImage);
                text.append("; diff image ")
                        .append(diffImage.id())
                        .append(" (")
                        .append(diffImage.url())
                        .append(")");
            }
            text.append('.');
        }
        return text.toString();
    }

    private static String keepVideo(
            Recording r, ToolContext context, List<Artifact> media, String caption, String label)
            throws IOException, InterruptedException {
        String why = r.stoppedAtLimit()
                ? "The recording stopped itself at the limit of " + Media.MAX_VIDEO_MILLIS / 1000 + " s. "
                : r.failure() != null ? "The recording ended early: " + r.failure() + ". " : "";
        Recording.Video video = r.encode();
        Artifact kept = keep(
                context,
                new Media(
                        Media.VIDEO,
                        "video/mp4",
                        "recording-" + r.number + ".mp4",
                        video.width(),
                        video.height(),
                        video.durationMillis(),
                        caption,
                        label),
                video.mp4());
        media.add(kept);
        return why + "Video " + kept.id() + ": " + video.width() + "×" + video.height() + " px, "
                + String.format(Locale.ROOT, "%.1f", video.durationMillis() / 1000.0) + " s, " + video.mp4().length
                + " bytes (" + kept.url() + ")" + (r.dropped() > 0 ? "; " + r.dropped() + " frames were dropped" : "")
                + ".";
    }

    private static Artifact keep(ToolContext context, Media media, byte[] content) throws IOException {
        try (ByteArrayInputStream in = new ByteArrayInputStream(content)) {
            return context.keepMedia(media, in);
        }
    }

    /** The page as the agent reads it after an action: title and the start of its visible text. */
    private static String describe(Page page) {
        Object text =
                page.evaluate("max => document.body ? document.body.innerText.slice(0, max) : ''", MAX_PAGE_TEXT_CHARS);
        return "Title: " + page.title() + "\nText: " + text;
    }

    /** One call's arguments, checked. */
    record Call(
            String action,
            String url,
            String selector,
            String text,
            String value,
            String key,
            int deltaY,
            boolean fullPage,
            int width,
            int height,
            boolean annotate,
            String compareWith,
            String label,
            String caption,
            Duration timeout) {
        private static final Set<String> FIELDS = Set.of(
                "action",
                "url",
                "selector",
                "text",
                "value",
                "key",
                "delta_y",
                "full_page",
                "width",
                "height",
                "annotate",
                "compare_with",
                "label",
                "caption",
                "timeout_seconds");

        static Call of(JsonNode a) {
            if (a == null || !a.isObject()) {
                throw new IllegalArgumentException("the arguments must be an object with at least action");
            }
            a.fieldNames().forEachRemaining(f -> {
                if (!FIELDS.contains(f)) {
                    throw new IllegalArgumentException("unknown argument " + f + "; known: " + FIELDS);
                }
            });
            String action = string(a, "action");
            if (action == null || !ACTIONS.contains(action)) {
                throw new IllegalArgumentException("action must be one of " + ACTIONS);
            }
            String url = string(a, "url");
            if (action.equals("navigate")) {
                if (url == null) {
                    throw new IllegalArgumentException("navigate needs url");
                }
                String lower = url.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("http://") && !lower.startsWith("https://") && !lower.equals("about:blank")) {
                    throw new IllegalArgumentException(
                            "url must start with http:// or https:// (for your own server: http://localhost:<port>/)");
                }
            }
            String label = string(a, "label");
            if (label != null && !label.equals("before") && !label.equals("after")) {
                throw new IllegalArgumentException("label must be before or after");
            }
            int seconds = a.has("timeout_seconds")
                    ? a.get("timeout_seconds").asInt(-1)
                    : action.equals("navigate") ? DEFAULT_NAVIGATE_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS;
            if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
                throw new IllegalArgumentException("timeout_seconds must be between 1 and " + MAX_TIMEOUT_SECONDS);
            }
            int width = a.path("width").asInt(0);
            int height = a.path("height").asInt(0);
            if ((width == 0) != (height == 0)) {
                throw new IllegalArgumentException("give width and height together");
            }
            if (width != 0
                    && (width < MIN_VIEWPORT_PIXELS
                            || width > MAX_VIEWPORT_WIDTH_PIXELS
                            || height < MIN_VIEWPORT_PIXELS
                            || height > MAX_VIEWPORT_HEIGHT_PIXELS)) {
                throw new IllegalArgumentException("width must be between " + MIN_VIEWPORT_PIXELS + " and "
                        + MAX_VIEWPORT_WIDTH_PIXELS + ", height between " + MIN_VIEWPORT_PIXELS + " and "
                        + MAX_VIEWPORT_HEIGHT_PIXELS);
            }
            String selector = string(a, "selector");
            String text = string(a, "text");
            if (selector != null && text != null) {
                throw new IllegalArgumentException("give selector or text, not both");
            }
            return new Call(
                    action,
                    url,
                    selector,
                    text,
                    string(a, "value"),
                    string(a, "key"),
                    a.path("delta_y").asInt(600),
                    a.path("full_page").asBoolean(false),
                    width,
                    height,
                    a.path("annotate").asBoolean(false),
                    string(a, "compare_with"),
                    label == null ? "" : label,
                    string(a, "caption") == null ? "" : string(a, "caption"),
                    Duration.ofSeconds(seconds));
        }

        private static String string(JsonNode a, String field) {
            JsonNode v = a.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(field + " must be a string");
            }
            if (v.asText().length() > MAX_ARGUMENT_CHARS) {
                throw new IllegalArgumentException(field + " is longer than " + MAX_ARGUMENT_CHARS + " characters");
            }
            return v.asText();
        }

        /** Sets the viewport to the size the call asks for, if it asks. Browser thread. */
        void resize(Page page) {
            if (width > 0) {
                page.setViewportSize(width, height);
            }
        }

        /** The element the call names; null when it names none. Browser thread. */
        Locator element(Page page) {
            if (selector != null) {
                return page.locator(selector).first();
            }
            if (text != null) {
                return page.getByText(text).first();
            }
            return null;
        }

        String target() {
            return selector != null ? selector : text != null ? "the element with text \"" + text + "\"" : "the page";
        }
    }
}

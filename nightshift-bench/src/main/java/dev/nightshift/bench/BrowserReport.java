package dev.nightshift.bench;

import dev.nightshift.bench.BrowserBenchmarks.VideoRun;
import java.util.List;
import java.util.function.ToLongFunction;

/** Renders docs/benchmarks-browser.md from one run's results. */
final class BrowserReport extends MarkdownReport {
    private final String browserCode;
    private final BrowserBenchmarks.Results r;

    BrowserReport(
            Machine machine, String browserCode, String command, double seconds, BrowserBenchmarks.Results results) {
        super(machine, command, seconds);
        this.browserCode = browserCode;
        this.r = results;
    }

    String render() {
        header("Browser benchmarks", "BrowserBenchmarks");
        line("The agent's `browser` tool (`BrowserTool`: Chromium on a virtual display in the session's bubblewrap "
                + "sandbox, driven over CDP from the control plane by Playwright for Java, every call on the browser's "
                + "own thread) against its floor, measured in the same run: the host's Chromium launched directly by "
                + "Playwright (headless, the same binary) loading the same small page served the same way "
                + "(`python3 -m http.server` on loopback, in the sandbox for the tool, on the host for the floor). "
                + "Three things: the cold start to the first navigation, a warm screenshot of the viewport at "
                + BrowserBenchmarks.WIDTH_PIXELS + "×" + BrowserBenchmarks.HEIGHT_PIXELS + ", and what encoding a "
                + "recording costs per second of video. The tool is called as the agent calls it (`BrowserTool.run` "
                + "with JSON arguments), with screenshots and videos kept in memory by the benchmark's tool context "
                + "instead of the server's store.");
        line();
        howToRun(
                AS_ROOT_FOR_THE_PROVIDER,
                BrowserBenchmarks.COMMAND,
                ". It needs bubblewrap, util-linux, socat, python3, `chromium`, `Xvfb`, `ffmpeg`/`ffprobe` and Node.js "
                        + "(which runs Playwright's driver, the `playwright-core` package the server's jar carries; no "
                        + "browser is downloaded). Sandboxes and the host's page live in a temporary directory removed at "
                        + "the end; it overwrites this file (`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). It takes "
                        + "about two minutes.");
        machineRows();
        loadAverageRowNotingBusy(r.loadBefore(), r.loadAfter(), " (" + r.loadMiddle() + " after the cold starts)");
        codeRows("Browser tool", browserCode);
        versionRows();
        sandboxLimitsRow(BrowserBenchmarks.LIMITS);
        line();
        providerInForce(r.capabilities());
        cold();
        shots();
        videos();
        failures(r.errors());
        javaVersion();
        return markdown();
    }

    private void versionRows() {
        BrowserBenchmarks.Versions v = r.versions();
        if (v == null) {
            line("| Versions | unknown (the warm part's set-up failed) |");
            return;
        }
        line("| Chromium on the host (`" + v.hostBinary() + " --version`) | " + v.hostChromium() + " |");
        line("| Chromium as Playwright's floor reports it (`Browser.version()`) | " + v.floorBrowser() + " |");
        line("| Chromium in the sandbox (`--version` there) | " + v.sandboxChromium() + " |");
        line("| Playwright for Java (its driver: `playwright-core` of the same version) | " + v.playwright() + " |");
        line("| Node.js (runs the driver) | " + v.node() + " |");
        line("| ffmpeg on the host | " + v.hostFfmpeg() + " |");
        line("| ffmpeg in the sandbox | " + v.sandboxFfmpeg() + " |");
    }

    private void cold() {
        line("## 1. Cold start to the first navigation");
        line();
        line("**Tool**: a fresh sandbox is made and its page server started (not timed; no Chromium runs in it, "
                + "checked); then the clock runs around the first call of a new `Browsers`: `browser navigate` "
                + "to `http://localhost:" + BrowserBenchmarks.SANDBOX_PAGE_PORT + "/` with width and height. That "
                + "call starts Xvfb and Chromium in the sandbox (as its user, `Chromium.ensure`, until its DevTools "
                + "port listens), starts Playwright's driver (a Node.js process), connects over CDP through the "
                + "forwarder into the sandbox, sets the viewport, loads the page (until `load`) and reads its title "
                + "and text. **Floor**: `Playwright.create` (its own driver process), `chromium().launch()` of `"
                + BrowserBenchmarks.hostChromium() + "` headless, a new page of the same size, `navigate` to the "
                + "same page served on the host (until `load`). " + BrowserBenchmarks.COLD_WARMUP + " warm-up + "
                + BrowserBenchmarks.COLD_RUNS + " measured runs, the two alternating which goes first; every browser "
                + "closed and every sandbox destroyed after its run (not timed).");
        line();
        BrowserBenchmarks.Cold c = r.cold();
        if (c == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        Series tool = Series.of("Tool: first `navigate` in a fresh sandbox", c.tool());
        Series floor = Series.of("Floor: Playwright + launch + navigate on the host", c.floor());
        latencyHeader();
        latencyRow(tool, floor);
        latencyRow(floor, floor);
        latencyRow(Series.of("… of which `Playwright.create` (driver start)", c.floorDriver()), floor);
        latencyRow(Series.of("… of which `launch` + `newPage`", c.floorLaunch()), floor);
        latencyRow(Series.of("… of which `navigate`", c.floorNavigate()), floor);
        line();
        line("With " + BrowserBenchmarks.COLD_RUNS + " runs, p90 and p99 are the slowest run. Medians: the tool "
                + Stats.fmtMs(tool.p50()) + ", the floor " + Stats.fmtMs(floor.p50()) + " — "
                + Stats.ratio(tool.p50(), floor.p50()) + " of the floor. Beyond the floor's work the tool starts a "
                + "virtual display and a headful Chromium (which draws for the live desktop) through the sandbox's "
                + "command runner, polls until its DevTools port listens, and connects over CDP through a forwarder "
                + "instead of the launcher's pipe.");
        line();
    }

    private void shots() {
        line("## 2. Warm screenshot of the viewport");
        line();
        line("Both browsers already show the page at " + BrowserBenchmarks.WIDTH_PIXELS + "×"
                + BrowserBenchmarks.HEIGHT_PIXELS + ". **Tool**: `browser screenshot` with that width and height, the "
                + "whole tool call timed: the call handed to the browser thread, the check that Chromium still runs "
                + "in the sandbox (a command there) and answers (`Browser.getVersion`), the viewport set, "
                + "`page.screenshot()` over CDP through the forwarder, the PNG's size read and the PNG kept (in "
                + "memory here). **Floor**: `page.screenshot()` of the host's headless Chromium. "
                + BrowserBenchmarks.SHOT_WARMUP + " warm-up each, then " + BrowserBenchmarks.SHOT_RUNS
                + " measured each in blocks of " + BrowserBenchmarks.SHOT_BLOCK + ", alternating which side goes "
                + "first; every screenshot checked to be " + BrowserBenchmarks.WIDTH_PIXELS + "×"
                + BrowserBenchmarks.HEIGHT_PIXELS + ".");
        line();
        BrowserBenchmarks.Shots s = r.shots();
        if (s == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        Series tool = Series.of("Tool: `browser screenshot` (whole call)", s.tool());
        Series floor = Series.of("Floor: `page.screenshot()` on the host", s.floor());
        latencyHeader();
        latencyRow(tool, floor);
        latencyRow(floor, floor);
        line();
        line("p50: " + Stats.fmtMs(tool.p50()) + " against " + Stats.fmtMs(floor.p50()) + " ("
                + Stats.ratio(tool.p50(), floor.p50()) + "); p99: " + Stats.fmtMs(tool.p(0.99)) + " against "
                + Stats.fmtMs(floor.p(0.99)) + " (" + Stats.ratio(tool.p(0.99), floor.p(0.99)) + "). The last PNGs: "
                + Stats.kib(s.toolBytes()) + " from the sandbox's headful Chromium, " + Stats.kib(s.floorBytes())
                + " from the host's headless one.");
        line();
    }

    private void videos() {
        line("## 3. Recording: encoding cost per second of video");
        line();
        line("**Tool**: on a page that moves every frame (a sliding block and a frame counter), `browser "
                + "record_start`, a wait of W seconds, then `browser record_stop`, timed: the screencast stopped, "
                + "the last frames written into the sandbox, ffmpeg encoding them there (`"
                + String.join(" ", BrowserBenchmarks.encodeCommand()) + "`: H.264 from the JPEG screencast frames, "
                + "at most 15 a second, each shown until the next through the concat demuxer), ffprobe reading the "
                + "result, the MP4 read back and kept. Its cost per second of video is that time divided by the "
                + "video's length as ffprobe read it (a little over W: the clock of the video runs from "
                + "`record_start` to `record_stop`). The tool's frame count is what the recording had written into "
                + "the sandbox just before `record_stop`. **Floor**: right after, the same page on the host's "
                + "headless Chromium captured for W seconds the way the recording captures it (its screencast, JPEG "
                + "quality 80, at most " + BrowserBenchmarks.CAPTURE_FRAMES_PER_SECOND + " frames a second kept, "
                + "each frame's duration the time to the next), then the same ffmpeg command run on the "
                + "host in the frames' directory, its wall time divided by its video's length (ffprobe). The same "
                + "frames are also copied into the sandbox (not timed) and the same command run there through the "
                + "provider's exec, which separates the sandbox's own cost (its CPU limit, its command runner) from "
                + "the tool's. The floor's frames are the same page at the same size but not the very frames the "
                + "tool recorded, and not necessarily as many: the frame counts are in the tables. "
                + BrowserBenchmarks.VIDEO_RUNS + " runs for each W.");
        line();
        List<VideoRun> runs = r.videos();
        if (runs == null || runs.isEmpty()) {
            line("Not measured (failed).");
            line();
            return;
        }
        line("| W | Video length (median) | Frames tool / floor (median) | `record_stop` (median) | Tool per s of "
                + "video | Host ffmpeg per s (floor) | Sandbox ffmpeg per s | Tool / floor | Sandbox ffmpeg / floor | "
                + "Video size (median) | n |");
        line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int w : BrowserBenchmarks.VIDEO_SECONDS) {
            List<VideoRun> of = runs.stream().filter(v -> v.seconds() == w).toList();
            if (of.isEmpty()) {
                continue;
            }
            long tool = median(of, v -> perSecond(v.stopNanos(), v.videoMillis()));
            long host = median(of, v -> perSecond(v.hostNanos(), v.hostMillis()));
            long sandbox = median(of, v -> perSecond(v.sandboxNanos(), v.sandboxMillis()));
            line("| " + w + " s | " + Stats.fmt(median(of, VideoRun::videoMillis) / 1000.0, 2) + " s | "
                    + median(of, VideoRun::toolFrames) + " / " + median(of, VideoRun::floorFrames) + " | "
                    + Stats.fmtMs(median(of, VideoRun::stopNanos)) + " | " + Stats.fmtMs(tool) + " | "
                    + Stats.fmtMs(host) + " | " + Stats.fmtMs(sandbox) + " | " + Stats.ratio(tool, host) + " | "
                    + Stats.ratio(sandbox, host) + " | " + Stats.kib(median(of, VideoRun::videoBytes)) + " | "
                    + of.size() + " |");
        }
        line();
        line("Each run (times in ms; lengths in ms as ffprobe read them):");
        line();
        line(
                "| W | `record_stop` | video | frames | host ffmpeg | its frames | its video | sandbox ffmpeg | its video |");
        line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (VideoRun v : runs) {
            line("| " + v.seconds() + " s | " + Stats.fmt(Stats.ms(v.stopNanos()), 1) + " | " + v.videoMillis()
                    + " | " + v.toolFrames() + " | " + Stats.fmt(Stats.ms(v.hostNanos()), 1) + " | " + v.floorFrames()
                    + " | " + v.hostMillis() + " | "
                    + Stats.fmt(Stats.ms(v.sandboxNanos()), 1) + " | " + v.sandboxMillis() + " |");
        }
        line();
    }

    /** Nanoseconds of work per second of video. */
    private static long perSecond(long nanos, long videoMillis) {
        return videoMillis <= 0 ? -1 : Math.round(nanos * 1000.0 / videoMillis);
    }

    private static long median(List<VideoRun> runs, ToLongFunction<VideoRun> what) {
        return Stats.pct(Stats.sorted(runs.stream().mapToLong(what).toArray()), 0.5);
    }
}

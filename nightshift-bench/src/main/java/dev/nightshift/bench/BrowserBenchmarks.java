package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import dev.nightshift.agent.browser.BrowserTool;
import dev.nightshift.agent.browser.Browsers;
import dev.nightshift.agent.browser.PlaywrightDriver;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.core.port.Media;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.EgressAttachment;
import dev.nightshift.sandbox.egress.AllowlistPolicy;
import dev.nightshift.sandbox.egress.EgressListener;
import dev.nightshift.sandbox.egress.EgressProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The browser benchmark: the agent's {@code browser} tool (Chromium on a virtual display in a real
 * bubblewrap sandbox, driven over CDP from the control plane) against Chromium launched directly on
 * the host by Playwright, measured in the same run: the cold start to the first navigation, a warm
 * screenshot's latency, and a recording's encoding cost per second of video against ffmpeg on the
 * host. Runs on the main thread (the tool's calls hand their Playwright work to the browser's own
 * thread). Prints progress and (over)writes {@code docs/benchmarks-browser.md}.
 */
public final class BrowserBenchmarks {
    static final String COMMAND = "./nightshift bench-browser";
    static final SandboxLimits LIMITS = SandboxLimits.DEFAULTS;

    static final int COLD_WARMUP = 1;
    static final int COLD_RUNS = 5;
    static final int SHOT_WARMUP = 10;
    static final int SHOT_RUNS = 100;
    /** Screenshots are taken in blocks of this many, the tool's and the floor's alternating, so drift hits both. */
    static final int SHOT_BLOCK = 10;

    static final int WIDTH_PIXELS = 1280;
    static final int HEIGHT_PIXELS = 800;
    static final List<Integer> VIDEO_SECONDS = List.of(3, 10);
    static final int VIDEO_RUNS = 3;
    static final int SANDBOX_PAGE_PORT = 8000;
    /** The floor's frames a second: the recording's own ceiling ({@code Recording.MAX_FRAMES_PER_SECOND}). */
    static final int CAPTURE_FRAMES_PER_SECOND = 15;

    /** The small page both browsers load and screenshot. */
    static final String PAGE = """
            <!doctype html><html><head><title>Browser benchmark</title><style>
            body { margin: 0; background: #fafafa; font: 16px sans-serif; }
            h1 { margin: 40px 100px 10px; }
            p { margin: 0 100px; max-width: 600px; }
            #block { position: absolute; left: 100px; top: 220px; width: 300px; height: 150px; background: #2a7ae2; }
            </style></head><body>
            <h1>Browser benchmark</h1>
            <p>A small static page: a heading, this paragraph and a coloured block, served by python3 -m http.server.</p>
            <div id="block"></div>
            </body></html>
            """;

    /** The page recorded: it moves every frame, so the screencast sends frames all along. */
    static final String ANIMATED = """
            <!doctype html><html><head><title>Moving</title><style>
            body { margin: 0; background: #fafafa; font: 32px sans-serif; }
            #block { position: absolute; top: 200px; width: 200px; height: 200px; background: #e2412a;
                     animation: slide 2s linear infinite alternate; }
            @keyframes slide { from { left: 0; } to { left: 1000px; } }
            #count { position: absolute; left: 100px; top: 80px; }
            </style></head><body>
            <div id="count">0</div><div id="block"></div>
            <script>
            let n = 0;
            (function tick() { document.getElementById('count').textContent = 'frame ' + (++n); requestAnimationFrame(tick); })();
            </script></body></html>
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private BrowserBenchmarks() {}

    /** Cold starts: the tool's first navigation in a fresh sandbox, and the floor's parts (Playwright, launch, navigate). */
    record Cold(long[] tool, long[] floor, long[] floorDriver, long[] floorLaunch, long[] floorNavigate) {}

    /** Warm screenshots of the viewport at the same size; the PNG sizes of the last ones. */
    record Shots(long[] tool, long[] floor, int toolBytes, int floorBytes) {}

    /**
     * One recording of {@code seconds}: {@code record_stop}'s time and the video's length as ffprobe
     * read it, and the floor: the frames captured on the host encoded by ffmpeg there and in the
     * sandbox, each with its video's length.
     */
    record VideoRun(
            int seconds,
            long stopNanos,
            long videoMillis,
            long videoBytes,
            int toolFrames,
            int floorFrames,
            long hostNanos,
            long hostMillis,
            long sandboxNanos,
            long sandboxMillis) {}

    /** What ran: the browsers, Playwright, Node.js and ffmpeg. */
    record Versions(
            String hostBinary,
            String hostChromium,
            String floorBrowser,
            String sandboxChromium,
            String playwright,
            String node,
            String hostFfmpeg,
            String sandboxFfmpeg) {}

    /** Everything one run measured; what failed is null and named in {@code errors}. */
    record Results(
            List<String> capabilities,
            Versions versions,
            Cold cold,
            Shots shots,
            List<VideoRun> videos,
            List<String> errors,
            String loadBefore,
            String loadMiddle,
            String loadAfter) {}

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-browser.md");
        Path repo = BenchOutput.repoRoot();
        Machine machine = Machine.collect(repo);
        String browserCode = Machine.moduleCode(
                repo,
                BrowserTool.class,
                "nightshift-agent",
                "browser tool",
                "nightshift-agent/src/main/java/dev/nightshift/agent/browser",
                "nightshift-sandbox/src/main");
        say("Nightshift browser benchmark; report goes to " + out);
        machine.lines().forEach(l -> say("  " + l));
        String loadBefore = loadAverage();
        String loadMiddle = "unknown";
        List<String> errors = new ArrayList<>();
        List<String> capabilities = List.of();
        Versions versions = null;
        Cold cold = null;
        Shots shots = null;
        List<VideoRun> videos = new ArrayList<>();

        Path work = Files.createTempDirectory("nightshift-browser-bench");
        Process hostServer = null;
        // the real egress proxy, refusing everything: each sandbox is as in the server (the page is on loopback)
        EgressAttachment egress = (sessionId, socket) ->
                EgressProxy.start(socket, new AllowlistPolicy(sessionId, List.of()), EgressListener.NONE);
        try (BubblewrapProvider provider =
                new BubblewrapProvider(BubblewrapConfig.under(work.resolve("sandboxes")), egress)) {
            capabilities = provider.capabilities();
            PlaywrightDriver.prepare();
            Path site = work.resolve("site");
            Files.createDirectories(site);
            Files.writeString(site.resolve("index.html"), PAGE);
            Files.writeString(site.resolve("animated.html"), ANIMATED);
            int hostPort = freePort();
            hostServer = new ProcessBuilder(
                            "python3",
                            "-m",
                            "http.server",
                            Integer.toString(hostPort),
                            "--bind",
                            "127.0.0.1",
                            "--directory",
                            site.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("http-server.log").toFile())
                    .start();
            awaitHostPort(hostPort);
            String hostUrl = "http://127.0.0.1:" + hostPort + "/";

            say("[1/3] cold start to the first navigation: " + COLD_WARMUP + " warm-up + " + COLD_RUNS
                    + " measured, alternating: the tool in a fresh sandbox, Playwright launching the host's Chromium");
            try {
                cold = cold(provider, hostUrl, l -> say("[1/3] " + l));
            } catch (Exception e) {
                errors.add("cold start: " + describe(e));
                say("[1/3] FAILED: " + describe(e));
            }
            loadMiddle = loadAverage();

            Sandbox sandbox = null;
            Browsers browsers = new Browsers();
            try (Playwright playwright = createPlaywright()) {
                sandbox = sandboxWithPage(provider, "ses_browser_warm");
                Browser host = launch(playwright);
                Page page = host.newPage(new Browser.NewPageOptions().setViewportSize(WIDTH_PIXELS, HEIGHT_PIXELS));
                versions = versions(sandbox, host);
                say("[2/3] warm screenshots at " + WIDTH_PIXELS + "×" + HEIGHT_PIXELS + ": " + SHOT_WARMUP
                        + " warm-up + " + SHOT_RUNS + " measured each, in alternating blocks of " + SHOT_BLOCK);
                try {
                    shots = shots(new BrowserTool(browsers), new MediaCapture(sandbox), page, hostUrl);
                    say("[2/3] tool p50 " + Stats.fmtMs(Stats.pct(Stats.sorted(shots.tool()), 0.5)) + ", floor p50 "
                            + Stats.fmtMs(Stats.pct(Stats.sorted(shots.floor()), 0.5)));
                } catch (Exception e) {
                    errors.add("warm screenshots: " + describe(e));
                    say("[2/3] FAILED: " + describe(e));
                }
                say("[3/3] recordings of " + VIDEO_SECONDS + " s, " + VIDEO_RUNS + " each: record_stop (encoding "
                        + "in the sandbox) against ffmpeg on the host and in the sandbox");
                try {
                    videos = videos(
                            new BrowserTool(browsers),
                            new MediaCapture(sandbox),
                            page,
                            hostUrl,
                            work,
                            l -> say("[3/3] " + l));
                } catch (Exception e) {
                    errors.add("video encoding: " + describe(e));
                    say("[3/3] FAILED: " + describe(e));
                }
            } catch (Exception e) {
                errors.add("setting up the warm browsers: " + describe(e));
                say("[2/3] FAILED: " + describe(e));
            } finally {
                browsers.close();
                if (sandbox != null) {
                    sandbox.destroy();
                }
            }
        } catch (Exception e) {
            errors.add("setting up (sandbox provider, Playwright's driver or the host's page): " + describe(e));
            say("FAILED: " + describe(e));
        } finally {
            if (hostServer != null) {
                hostServer.destroy();
                hostServer.waitFor();
            }
            HostCommands.deleteQuietly(work);
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        Results results =
                new Results(capabilities, versions, cold, shots, videos, errors, loadBefore, loadMiddle, loadAverage());
        String report =
                new BrowserReport(machine, browserCode, BenchOutput.command(COMMAND), seconds, results).render();
        BenchOutput.finish(out, report, seconds, errors);
    }

    /** Part 1: each run a fresh sandbox (made before the clock starts) and a fresh host Playwright. */
    private static Cold cold(BubblewrapProvider provider, String hostUrl, Consumer<String> progress) throws Exception {
        int n = COLD_WARMUP + COLD_RUNS;
        long[] tool = new long[COLD_RUNS];
        long[] floor = new long[COLD_RUNS];
        long[] driver = new long[COLD_RUNS];
        long[] launch = new long[COLD_RUNS];
        long[] navigate = new long[COLD_RUNS];
        for (int i = 0; i < n; i++) {
            boolean floorFirst = i % 2 == 0;
            long[] f = null;
            if (floorFirst) {
                f = coldFloor(hostUrl);
            }
            long t = coldTool(provider, "ses_browser_cold_" + i);
            if (!floorFirst) {
                f = coldFloor(hostUrl);
            }
            boolean measured = i >= COLD_WARMUP;
            progress.accept((measured ? "run " + (i - COLD_WARMUP + 1) : "warm-up") + ": tool " + Stats.fmtMs(t)
                    + ", host Playwright " + Stats.fmtMs(f[0]) + " (driver " + Stats.fmtMs(f[1]) + ", launch "
                    + Stats.fmtMs(f[2]) + ", navigate " + Stats.fmtMs(f[3]) + ")");
            if (measured) {
                int k = i - COLD_WARMUP;
                tool[k] = t;
                floor[k] = f[0];
                driver[k] = f[1];
                launch[k] = f[2];
                navigate[k] = f[3];
            }
        }
        return new Cold(tool, floor, driver, launch, navigate);
    }

    /** A fresh sandbox serving the page; then a new {@link Browsers}' first navigate, timed. */
    private static long coldTool(BubblewrapProvider provider, String sessionId) throws Exception {
        Sandbox sandbox = sandboxWithPage(provider, sessionId);
        Browsers browsers = new Browsers();
        try {
            if (chromiumRuns(sandbox)) {
                throw new IllegalStateException("a Chromium already runs in the fresh sandbox");
            }
            MediaCapture context = new MediaCapture(sandbox);
            long t0 = System.nanoTime();
            ToolResult r = new BrowserTool(browsers).run(navigate(sandboxUrl("")), context);
            long took = System.nanoTime() - t0;
            expectPage(r);
            return took;
        } finally {
            browsers.close();
            sandbox.destroy();
        }
    }

    /** Playwright created, the host's Chromium launched, a page opened and navigated: total and its parts. */
    private static long[] coldFloor(String hostUrl) throws Exception {
        long t0 = System.nanoTime();
        try (Playwright playwright = createPlaywright()) {
            long t1 = System.nanoTime();
            Browser browser = launch(playwright);
            Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(WIDTH_PIXELS, HEIGHT_PIXELS));
            long t2 = System.nanoTime();
            Response response = page.navigate(hostUrl);
            long t3 = System.nanoTime();
            if (response == null || response.status() != 200 || !page.title().equals("Browser benchmark")) {
                throw new IllegalStateException("the host's Chromium did not load the page: "
                        + (response == null ? "no response" : "HTTP " + response.status()));
            }
            return new long[] {t3 - t0, t1 - t0, t2 - t1, t3 - t2};
        }
    }

    /** Part 2: the tool's screenshot through {@code browser}, and {@code page.screenshot} on the host. */
    private static Shots shots(BrowserTool tool, MediaCapture context, Page page, String hostUrl) throws Exception {
        expectPage(tool.run(navigate(sandboxUrl("")), context));
        Response response = page.navigate(hostUrl);
        if (response == null || response.status() != 200) {
            throw new IllegalStateException("the host's Chromium did not load the page");
        }
        JsonNode screenshot = JSON.readTree(
                "{\"action\":\"screenshot\",\"width\":" + WIDTH_PIXELS + ",\"height\":" + HEIGHT_PIXELS + "}");
        long[] toolSamples = new long[SHOT_RUNS];
        long[] floorSamples = new long[SHOT_RUNS];
        int[] toolBytes = new int[1];
        int[] floorBytes = new int[1];
        for (int i = 0; i < SHOT_WARMUP; i++) {
            toolShot(tool, screenshot, context, toolBytes);
            floorShot(page, floorBytes);
        }
        for (int block = 0; block < SHOT_RUNS / SHOT_BLOCK; block++) {
            boolean floorFirst = block % 2 == 0;
            for (int side = 0; side < 2; side++) {
                boolean floorNow = floorFirst == (side == 0);
                for (int j = 0; j < SHOT_BLOCK; j++) {
                    int k = block * SHOT_BLOCK + j;
                    if (floorNow) {
                        floorSamples[k] = floorShot(page, floorBytes);
                    } else {
                        toolSamples[k] = toolShot(tool, screenshot, context, toolBytes);
                    }
                }
            }
        }
        return new Shots(toolSamples, floorSamples, toolBytes[0], floorBytes[0]);
    }

    private static long toolShot(BrowserTool tool, JsonNode args, MediaCapture context, int[] bytes) throws Exception {
        long t0 = System.nanoTime();
        ToolResult r = tool.run(args, context);
        long took = System.nanoTime() - t0;
        if (r.error() || r.media().size() != 1) {
            throw new IllegalStateException("the tool's screenshot failed: " + r.content());
        }
        Media m = context.lastMedia();
        if (m.width() != WIDTH_PIXELS || m.height() != HEIGHT_PIXELS) {
            throw new IllegalStateException("the tool's screenshot is " + m.width() + "×" + m.height());
        }
        bytes[0] = context.lastBytes().length;
        return took;
    }

    private static long floorShot(Page page, int[] bytes) {
        long t0 = System.nanoTime();
        byte[] png = page.screenshot();
        long took = System.nanoTime() - t0;
        int[] size = pngSize(png);
        if (size[0] != WIDTH_PIXELS || size[1] != HEIGHT_PIXELS) {
            throw new IllegalStateException("the host's screenshot is " + size[0] + "×" + size[1]);
        }
        bytes[0] = png.length;
        return took;
    }

    /**
     * Part 3: recordings of the moving page through the tool, each followed by its floor: the same
     * page on the host captured for as long, encoded by the same ffmpeg command on the host, and
     * (the same frames) in the sandbox.
     */
    private static List<VideoRun> videos(
            BrowserTool tool, MediaCapture context, Page hostPage, String hostUrl, Path work, Consumer<String> progress)
            throws Exception {
        expectOk(tool.run(navigate(sandboxUrl("animated.html")), context), "navigate to the moving page");
        Response response = hostPage.navigate(hostUrl + "animated.html");
        if (response == null || response.status() != 200) {
            throw new IllegalStateException("the host's Chromium did not load the moving page");
        }
        Sandbox sandbox = context.sandbox();
        JsonNode recordStart = JSON.readTree("{\"action\":\"record_start\"}");
        JsonNode recordStop = JSON.readTree("{\"action\":\"record_stop\"}");
        List<VideoRun> runs = new ArrayList<>();
        for (int seconds : VIDEO_SECONDS) {
            for (int i = 0; i < VIDEO_RUNS; i++) {
                expectOk(tool.run(recordStart, context), "record_start");
                Thread.sleep(seconds * 1000L);
                int toolFrames = framesWritten(sandbox);
                long t0 = System.nanoTime();
                ToolResult stopped = tool.run(recordStop, context);
                long stop = System.nanoTime() - t0;
                expectOk(stopped, "record_stop");
                Media video = context.lastMedia();
                if (!Media.VIDEO.equals(video.type()) || video.durationMillis() <= 0) {
                    throw new IllegalStateException("record_stop kept no video: " + stopped.content());
                }
                Frames frames = capture(hostPage, work.resolve("frames"), seconds);
                long[] host = hostEncode(frames);
                long[] inSandbox = sandboxEncode(sandbox, frames);
                VideoRun run = new VideoRun(
                        seconds,
                        stop,
                        video.durationMillis(),
                        context.lastBytes().length,
                        toolFrames,
                        frames.count(),
                        host[0],
                        host[1],
                        inSandbox[0],
                        inSandbox[1]);
                progress.accept(seconds + " s, run " + (i + 1) + ": record_stop " + Stats.fmtMs(stop) + " for "
                        + video.durationMillis() + " ms of video (" + toolFrames + " frames); " + frames.count()
                        + " frames captured on the "
                        + "host: ffmpeg there " + Stats.fmtMs(host[0]) + " for " + host[1] + " ms, in the sandbox "
                        + Stats.fmtMs(inSandbox[0]) + " for " + inSandbox[1] + " ms");
                HostCommands.deleteTree(frames.dir());
                runs.add(run);
            }
        }
        return runs;
    }

    /**
     * The frames the running recording has written into the sandbox so far (a frame still on its
     * way is not counted): read just before {@code record_stop}, not timed.
     */
    private static int framesWritten(Sandbox sandbox) throws InterruptedException {
        ExecResult r = sandbox.exec(
                ExecRequest.shell("ls /tmp/nightshift-browser/recording-*/ | grep -c '[.]jpg$'"),
                OutputListener.IGNORE);
        try {
            return Integer.parseInt(r.stdout().strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The encoder's input as the tool's recording gives it ({@code Recording.encode}): the concat demuxer. */
    static final List<String> DECODE_ARGS = List.of("-f", "concat", "-safe", "0", "-i", "frames.ffconcat");

    /** The encoder's arguments after the input, as {@code Recording.encode} gives them. */
    static final List<String> ENCODE_ARGS = List.of(
            "-vf",
            "scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p",
            "-r",
            "25",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "28",
            "-movflags",
            "+faststart");

    /** The floor's ffmpeg command line, run in the frames' directory (the tool's, but for the file names). */
    static List<String> encodeCommand() {
        List<String> argv = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
        argv.addAll(DECODE_ARGS);
        argv.addAll(ENCODE_ARGS);
        argv.add("video.mp4");
        return argv;
    }

    private static final List<String> FFPROBE_DURATION =
            List.of("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", "video.mp4");

    /** JPEG frames on the host with their concat list. */
    record Frames(Path dir, int count, Map<String, byte[]> files) {}

    /**
     * The host's page captured for {@code seconds} as the recording captures it: Chromium's
     * screencast (CDP {@code Page.startScreencast}, JPEG quality 80, each frame acknowledged), at most
     * {@value #CAPTURE_FRAMES_PER_SECOND} frames a second kept, each shown until the next in the concat
     * list. Playwright delivers the frames while this thread waits in {@code page.waitForTimeout}.
     */
    private static Frames capture(Page page, Path dir, int seconds) throws IOException {
        Files.createDirectories(dir);
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        List<Long> at = new ArrayList<>();
        long frameNanos = 1_000_000_000L / CAPTURE_FRAMES_PER_SECOND;
        long[] end = {Long.MAX_VALUE}; // frames after the end are not kept
        CDPSession cdp = page.context().newCDPSession(page);
        cdp.on("Page.screencastFrame", event -> {
            long now = System.nanoTime();
            JsonObject ack = new JsonObject();
            ack.add("sessionId", event.get("sessionId"));
            try {
                cdp.send("Page.screencastFrameAck", ack);
            } catch (RuntimeException e) {
                // the screencast is ending: the frame is still good
            }
            if (now < end[0] && (at.isEmpty() || now - at.getLast() >= frameNanos)) {
                at.add(now);
                files.put(
                        String.format(java.util.Locale.ROOT, "f%06d.jpg", at.size()),
                        Base64.getDecoder().decode(event.get("data").getAsString()));
            }
        });
        JsonObject params = new JsonObject();
        params.addProperty("format", "jpeg");
        params.addProperty("quality", 80);
        params.addProperty("maxWidth", WIDTH_PIXELS);
        params.addProperty("maxHeight", HEIGHT_PIXELS);
        long start = System.nanoTime();
        end[0] = start + seconds * 1_000_000_000L;
        cdp.send("Page.startScreencast", params);
        while (System.nanoTime() < end[0]) {
            page.waitForTimeout(15);
        }
        cdp.send("Page.stopScreencast");
        cdp.detach();
        if (at.isEmpty()) {
            throw new IllegalStateException("the host's Chromium sent no screencast frames");
        }
        List<String> names = new ArrayList<>(files.keySet());
        StringBuilder list = new StringBuilder("ffconcat version 1.0\n");
        for (int i = 0; i < names.size(); i++) {
            long from = i == 0 ? start : at.get(i);
            long to = i + 1 < names.size() ? at.get(i + 1) : end[0];
            list.append("file '")
                    .append(names.get(i))
                    .append("'\nduration ")
                    .append(String.format(java.util.Locale.ROOT, "%.3f", Math.max(0.001, (to - from) / 1e9)))
                    .append('\n');
        }
        list.append("file '").append(names.getLast()).append("'\n");
        files.put("frames.ffconcat", list.toString().getBytes(StandardCharsets.UTF_8));
        for (var f : files.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        return new Frames(dir, names.size(), files);
    }

    /** The frames encoded by ffmpeg on the host, timed; and the video's length as ffprobe reads it. */
    private static long[] hostEncode(Frames frames) throws Exception {
        List<String> argv = new ArrayList<>(List.of(
                "/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", frames.dir().toString()));
        argv.addAll(encodeCommand());
        long took = HostCommands.spawnAndWait(argv);
        List<String> probe = new ArrayList<>(List.of(
                "/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", frames.dir().toString()));
        probe.addAll(FFPROBE_DURATION);
        return new long[] {
            took, Math.round(Double.parseDouble(HostCommands.run(probe).strip()) * 1000)
        };
    }

    /** The same frames written into the sandbox (not timed), then the same ffmpeg there as its user, timed. */
    private static long[] sandboxEncode(Sandbox sandbox, Frames frames) throws Exception {
        String dir = "bench-frames";
        for (var f : frames.files().entrySet()) {
            sandbox.writeFile(dir + "/" + f.getKey(), f.getValue());
        }
        try {
            long t0 = System.nanoTime();
            ExecResult encoded = sandbox.exec(
                    new ExecRequest(encodeCommand(), dir, Map.of(), Duration.ofMinutes(3)), OutputListener.IGNORE);
            long took = System.nanoTime() - t0;
            if (!encoded.succeeded()) {
                throw new IllegalStateException(
                        "ffmpeg in the sandbox failed: " + encoded.stderr().strip());
            }
            ExecResult probe = sandbox.exec(
                    new ExecRequest(FFPROBE_DURATION, dir, Map.of(), Duration.ofSeconds(30)), OutputListener.IGNORE);
            if (!probe.succeeded()) {
                throw new IllegalStateException(
                        "ffprobe in the sandbox failed: " + probe.stderr().strip());
            }
            return new long[] {
                took, Math.round(Double.parseDouble(probe.stdout().strip()) * 1000)
            };
        } finally {
            sandbox.exec(ExecRequest.shell("rm -rf " + dir), OutputListener.IGNORE);
        }
    }

    /** A sandbox as the server makes one, with the pages written into it and served on {@link #SANDBOX_PAGE_PORT}. */
    private static Sandbox sandboxWithPage(BubblewrapProvider provider, String sessionId) throws Exception {
        Sandbox sandbox = provider.create(new SandboxSpec(sessionId, LIMITS, Map.of()));
        try {
            sandbox.writeFile("site/index.html", PAGE.getBytes(StandardCharsets.UTF_8));
            sandbox.writeFile("site/animated.html", ANIMATED.getBytes(StandardCharsets.UTF_8));
            sandbox.startDetached(new ExecRequest(
                    List.of(
                            "python3",
                            "-m",
                            "http.server",
                            Integer.toString(SANDBOX_PAGE_PORT),
                            "--bind",
                            "127.0.0.1",
                            "--directory",
                            "site"),
                    "",
                    Map.of(),
                    Duration.ofHours(1)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!sandbox.ports().contains(SANDBOX_PAGE_PORT)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the page's server in the sandbox did not listen within 30 s");
                }
                Thread.sleep(20);
            }
            return sandbox;
        } catch (Exception e) {
            sandbox.destroy();
            throw e;
        }
    }

    private static boolean chromiumRuns(Sandbox sandbox) throws InterruptedException {
        return sandbox.exec(ExecRequest.shell("pgrep -x chromium >/dev/null"), OutputListener.IGNORE)
                .succeeded();
    }

    private static String sandboxUrl(String path) {
        return "http://localhost:" + SANDBOX_PAGE_PORT + "/" + path;
    }

    private static JsonNode navigate(String url) throws IOException {
        return JSON.readTree("{\"action\":\"navigate\",\"url\":\"" + url + "\",\"width\":" + WIDTH_PIXELS
                + ",\"height\":" + HEIGHT_PIXELS + "}");
    }

    private static void expectPage(ToolResult r) {
        expectOk(r, "navigate");
        if (!r.content().contains("Browser benchmark") || !r.content().contains("HTTP 200")) {
            throw new IllegalStateException("the tool's navigation did not load the page: " + r.content());
        }
    }

    private static void expectOk(ToolResult r, String what) {
        if (r.error()) {
            throw new IllegalStateException(what + " failed: " + r.content());
        }
    }

    /** Playwright with its own driver process, run as the browser tool runs it (the system's Node.js). */
    private static Playwright createPlaywright() throws IOException {
        return Playwright.create(new Playwright.CreateOptions().setEnv(PlaywrightDriver.environment()));
    }

    /** The host's Chromium, headless, launched by Playwright (which adds {@code --no-sandbox} for root). */
    private static Browser launch(Playwright playwright) {
        return playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Path.of(hostChromium()))
                        .setHeadless(true));
    }

    /**
     * The host's Chromium binary: Debian's {@code /usr/lib/chromium/chromium} behind the {@code
     * /usr/bin/chromium} script when it is there (the sandbox starts that same binary), else the command.
     */
    static String hostChromium() {
        return Files.isExecutable(Path.of("/usr/lib/chromium/chromium"))
                ? "/usr/lib/chromium/chromium"
                : "/usr/bin/chromium";
    }

    private static Versions versions(Sandbox sandbox, Browser floor) {
        String binary = hostChromium();
        return new Versions(
                binary,
                firstLine(() -> HostCommands.run(List.of(binary, "--version"))),
                floor.version(),
                firstLine(() -> sandbox.exec(
                                ExecRequest.shell(
                                        "/usr/lib/chromium/chromium --version 2>/dev/null || chromium --version"),
                                OutputListener.IGNORE)
                        .stdout()),
                playwrightVersion(),
                firstLine(() -> HostCommands.run(List.of("node", "--version"))),
                firstLine(() -> HostCommands.run(List.of("ffmpeg", "-version"))),
                firstLine(() -> sandbox.exec(ExecRequest.shell("ffmpeg -version"), OutputListener.IGNORE)
                        .stdout()));
    }

    private interface Text {
        String get() throws Exception;
    }

    private static String firstLine(Text text) {
        try {
            return text.get().strip().lines().findFirst().orElse("unknown");
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Playwright for Java's version, from its jar's Maven properties. */
    private static String playwrightVersion() {
        try (InputStream in = Playwright.class.getResourceAsStream(
                "/META-INF/maven/com.microsoft.playwright/playwright/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A PNG's width and height from its IHDR chunk. */
    static int[] pngSize(byte[] png) {
        if (png.length < 24) {
            return new int[] {0, 0};
        }
        ByteBuffer header = ByteBuffer.wrap(png, 16, 8);
        return new int[] {header.getInt(), header.getInt()};
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitHostPort(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the host's page server did not listen on " + port + " within 30 s");
                }
                Thread.sleep(20);
            }
        }
    }
}

package dev.nightshift.agent.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.tools.ToolContext;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.port.Media;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.ReservedPorts;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.EgressAttachment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser tool against a real Chromium in a real bubblewrap sandbox, serving its own page with
 * {@code python3 -m http.server}: what the agent sees and keeps (screenshots decoded, videos read
 * by {@code ffprobe}), and that a page that never answers and a killed browser give bounded errors
 * and a working browser afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserToolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAGE = """
            <!doctype html><html><head><title>Colour block</title><style>
            body { margin: 0; background: #ffffff; font: 16px sans-serif; }
            #block { position: absolute; left: 100px; top: 100px; width: 200px; height: 100px; background: rgb(255, 0, 0); }
            #form { position: absolute; left: 100px; top: 300px; }
            </style></head><body>
            <div id="block"></div>
            <div id="form"><input id="name"> <button type="button" onclick="greet()">Greet</button><p id="out"></p></div>
            <script>
            function greet() { document.getElementById('out').textContent = 'Hello, ' + document.getElementById('name').value; }
            console.log('the page says hi');
            fetch('/missing.json');
            </script></body></html>
            """;
    private static final String SILENT_SERVER = """
            import socket, time
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('127.0.0.1', 8001))
            s.listen(16)
            held = []
            while True:
                c, _ = s.accept()
                held.append(c)
            """;

    @TempDir
    static Path dir;

    private static BubblewrapProvider provider;
    private static Sandbox sandbox;
    private static Browsers browsers;
    private static BrowserTool tool;
    private static Context context;

    @BeforeAll
    static void start() throws Exception {
        provider = new BubblewrapProvider(BubblewrapConfig.under(dir.resolve("sandboxes")), EgressAttachment.NONE);
        sandbox = provider.create(new SandboxSpec("ses_browser", SandboxLimits.DEFAULTS, Map.of()));
        sandbox.writeFile("site/index.html", PAGE.getBytes(StandardCharsets.UTF_8));
        sandbox.writeFile("silent.py", SILENT_SERVER.getBytes(StandardCharsets.UTF_8));
        sandbox.startDetached(new ExecRequest(
                List.of("python3", "-m", "http.server", "8000", "--bind", "127.0.0.1", "--directory", "site"),
                "",
                Map.of(),
                Duration.ofHours(1)));
        sandbox.startDetached(new ExecRequest(List.of("python3", "silent.py"), "", Map.of(), Duration.ofHours(1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.ports().containsAll(List.of(8000, 8001)));
        browsers = new Browsers();
        tool = new BrowserTool(browsers);
        context = new Context(sandbox);
    }

    @AfterAll
    static void stop() {
        if (browsers != null) {
            browsers.close();
        }
        if (sandbox != null) {
            sandbox.destroy();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    @Order(1)
    void aScreenshotOfTheViewportShowsThePageAsDrawn() throws Exception {
        ToolResult loaded = call("{\"action\":\"navigate\",\"url\":\"http://localhost:8000/\"}");
        assertThat(loaded.error()).as(loaded.content()).isFalse();
        assertThat(loaded.content()).contains("Colour block").contains("HTTP 200");

        ToolResult shot = call("{\"action\":\"screenshot\",\"caption\":\"the block\",\"label\":\"before\"}");
        assertThat(shot.error()).as(shot.content()).isFalse();
        assertThat(shot.media()).hasSize(1);
        Kept kept = context.last();
        assertThat(kept.media().type()).isEqualTo(Media.SCREENSHOT);
        assertThat(kept.media().mediaType()).isEqualTo("image/png");
        assertThat(kept.media().label()).isEqualTo("before");
        assertThat(kept.media().caption()).isEqualTo("the block");
        assertThat(shot.content()).contains(kept.artifact().id()).contains("http://localhost:8000/");

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(kept.bytes()));
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(kept.media().width()).isBetween(800, VirtualDisplay.WIDTH_PIXELS);
        assertThat(image.getHeight()).isEqualTo(kept.media().height()).isBetween(400, VirtualDisplay.HEIGHT_PIXELS);
        assertThat(image.getRGB(150, 150) & 0xffffff).isEqualTo(0xff0000); // inside the block
        assertThat(image.getRGB(50, 50) & 0xffffff).isEqualTo(0xffffff); // beside it
        assertThat(image.getRGB(310, 150) & 0xffffff).isEqualTo(0xffffff);

        ToolResult element = call("{\"action\":\"screenshot\",\"selector\":\"#block\"}");
        assertThat(element.error()).as(element.content()).isFalse();
        assertThat(context.last().media().width()).isEqualTo(200);
        assertThat(context.last().media().height()).isEqualTo(100);

        // a size asked for is the size taken
        ToolResult sized = call("{\"action\":\"screenshot\",\"width\":640,\"height\":480}");
        assertThat(sized.error()).as(sized.content()).isFalse();
        BufferedImage small =
                ImageIO.read(new ByteArrayInputStream(context.last().bytes()));
        assertThat(small.getWidth()).isEqualTo(640);
        assertThat(small.getHeight()).isEqualTo(480);
        assertThat(small.getRGB(150, 150) & 0xffffff).isEqualTo(0xff0000);
    }

    @Test
    @Order(1)
    void theHostsLoopbackForwarderLetsOnlyTheBrowsersOwnHandshakeThrough() throws Exception {
        assertThat(call("{\"action\":\"navigate\",\"url\":\"http://localhost:8000/\"}")
                        .error())
                .isFalse();
        String path = Chromium.devtoolsPath(sandbox, Duration.ofSeconds(10));
        assertThat(path).matches("/devtools/browser/[0-9a-fA-F-]+");
        try (CdpForwarder forwarder = new CdpForwarder(sandbox, ReservedPorts.BROWSER_DEVTOOLS, path)) {
            // another process on the host asking where the browser is, or guessing a path, is refused
            for (String target : List.of("/json/version", "/json/list", "/devtools/browser/0000")) {
                assertThat(firstLine(forwarder.port(), "GET " + target + " HTTP/1.1"))
                        .as(target)
                        .startsWith("HTTP/1.1 403");
            }
            // the browser's own handshake goes through
            assertThat(firstLine(
                            forwarder.port(),
                            "GET " + path + " HTTP/1.1",
                            "Upgrade: websocket",
                            "Connection: Upgrade",
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                            "Sec-WebSocket-Version: 13"))
                    .startsWith("HTTP/1.1 101");
        }
    }

    /** The first line of the answer to a request made of {@code lines}, over a raw socket. */
    private static String firstLine(int port, String... lines) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            String request = String.join("\r\n", lines) + "\r\nHost: 127.0.0.1\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = socket.getInputStream().read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    @Test
    @Order(2)
    void typingAndClickingChangeThePage() throws Exception {
        call("{\"action\":\"navigate\",\"url\":\"http://localhost:8000/\"}");
        ToolResult notYet =
                call("{\"action\":\"wait_for\",\"selector\":\"#out:has-text('Hello, Ada')\",\"timeout_seconds\":1}");
        assertThat(notYet.error()).isTrue();
        assertThat(notYet.content()).contains("timed out");

        ToolResult typed = call("{\"action\":\"type\",\"selector\":\"#name\",\"value\":\"Ada\"}");
        assertThat(typed.error()).as(typed.content()).isFalse();
        ToolResult clicked = call("{\"action\":\"click\",\"text\":\"Greet\"}");
        assertThat(clicked.error()).as(clicked.content()).isFalse();
        ToolResult greeted =
                call("{\"action\":\"wait_for\",\"selector\":\"#out:has-text('Hello, Ada')\",\"timeout_seconds\":5}");
        assertThat(greeted.error()).as(greeted.content()).isFalse();

        ToolResult missing = call("{\"action\":\"click\",\"selector\":\"#nothing-here\",\"timeout_seconds\":1}");
        assertThat(missing.error()).isTrue();
        assertThat(missing.content()).contains("timed out");
    }

    @Test
    @Order(3)
    void theConsoleShowsTheLogAndTheFailedRequest() throws Exception {
        call("{\"action\":\"console\"}"); // what earlier tests left
        call("{\"action\":\"navigate\",\"url\":\"http://localhost:8000/\"}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ToolResult console = call("{\"action\":\"console\"}");
            assertThat(console.error()).isFalse();
            assertThat(context.consoleSeen).contains("the page says hi");
            assertThat(context.consoleSeen).contains("/missing.json").contains("404");
        });
    }

    @Test
    @Order(4)
    void comparingScreenshotsGivesTheChangedShareAndAnnotationsLeaveNoTrace() throws Exception {
        call("{\"action\":\"navigate\",\"url\":\"http://localhost:8000/\"}");
        call("{\"action\":\"screenshot\"}");
        String first = context.last().artifact().id();

        ToolResult same = call("{\"action\":\"screenshot\",\"compare_with\":\"" + first + "\"}");
        assertThat(same.error()).as(same.content()).isFalse();
        assertThat(ratio(same)).isZero();
        assertThat(same.media()).hasSize(1);

        call("{\"action\":\"type\",\"selector\":\"#name\",\"value\":\"Grace\"}");
        call("{\"action\":\"click\",\"text\":\"Greet\"}");
        call("{\"action\":\"wait_for\",\"selector\":\"#out:has-text('Hello, Grace')\"}");
        ToolResult changed = call("{\"action\":\"screenshot\",\"compare_with\":\"" + first + "\",\"label\":\"after\"}");
        assertThat(changed.error()).as(changed.content()).isFalse();
        assertThat(ratio(changed)).isGreaterThan(0).isLessThan(0.5);
        assertThat(changed.media()).hasSize(2);
        Kept diff = context.last();
        assertThat(diff.media().name()).startsWith("diff-");
        assertThat(ImageIO.read(new ByteArrayInputStream(diff.bytes()))).isNotNull();
        String plain = changed.media().getFirst().id();

        ToolResult annotated = call("{\"action\":\"screenshot\",\"annotate\":true,\"compare_with\":\"" + plain + "\"}");
        assertThat(ratio(annotated)).isGreaterThan(0);
        ToolResult after = call("{\"action\":\"screenshot\",\"compare_with\":\"" + plain + "\"}");
        assertThat(ratio(after)).as("the overlay is removed after the capture").isZero();

        ToolResult unknown = call("{\"action\":\"screenshot\",\"compare_with\":\"art_nope\"}");
        assertThat(unknown.error()).isTrue();
        assertThat(unknown.content()).contains("art_nope").contains(first);
    }

    @Test
    @Order(5)
    void aRecordingBecomesAnMp4OfItsRealLength() throws Exception {
        call("{\"action\":\"navigate\",\"url\":\"http://localhost:8000/\"}");
        ToolResult started = call("{\"action\":\"record_start\"}");
        assertThat(started.error()).as(started.content()).isFalse();
        assertThat(call("{\"action\":\"record_start\"}").error()).isTrue();
        call("{\"action\":\"type\",\"selector\":\"#name\",\"value\":\"Lin\"}");
        Thread.sleep(1500);
        call("{\"action\":\"click\",\"text\":\"Greet\"}");
        Thread.sleep(1500);
        ToolResult stopped = call("{\"action\":\"record_stop\",\"caption\":\"greeting\"}");
        assertThat(stopped.error()).as(stopped.content()).isFalse();
        Kept video = context.last();
        assertThat(video.media().type()).isEqualTo(Media.VIDEO);
        assertThat(video.media().mediaType()).isEqualTo("video/mp4");
        assertThat(video.media().durationMillis()).isGreaterThanOrEqualTo(2_500);

        Path mp4 = dir.resolve("video.mp4");
        Files.write(mp4, video.bytes());
        Process probe = new ProcessBuilder(
                        "ffprobe",
                        "-v",
                        "error",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "stream=codec_name,width,height,pix_fmt:format=duration",
                        "-of",
                        "json",
                        mp4.toString())
                .redirectErrorStream(true)
                .start();
        JsonNode info = JSON.readTree(probe.getInputStream().readAllBytes());
        assertThat(probe.waitFor()).isZero();
        JsonNode stream = info.path("streams").path(0);
        assertThat(stream.path("codec_name").asText()).isEqualTo("h264");
        assertThat(stream.path("pix_fmt").asText()).isEqualTo("yuv420p");
        assertThat(stream.path("width").asInt()).isEqualTo(video.media().width());
        assertThat(stream.path("width").asInt() % 2).isZero();
        assertThat(info.path("format").path("duration").asDouble()).isGreaterThanOrEqualTo(2.5);

        assertThat(call("{\"action\":\"record_stop\"}").content()).contains("record_start");
    }

    @Test
    @Order(6)
    void aPageThatNeverAnswersIsABoundedError() throws Exception {
        ToolResult hung = call("{\"action\":\"navigate\",\"url\":\"http://localhost:8001/\",\"timeout_seconds\":3}");
        assertThat(hung.error()).isTrue();
        assertThat(hung.content()).contains("did not load within 3 s");
        ToolResult next = call("{\"action\":\"navigate\",\"url\":\"http://localhost:8000/\"}");
        assertThat(next.error()).as(next.content()).isFalse();
    }

    @Test
    @Order(7)
    void badArgumentsAreRefusedWithWhatToDo() throws Exception {
        assertThat(call("{}").content()).contains("action must be one of");
        assertThat(call("{\"action\":\"navigate\",\"url\":\"file:///etc/passwd\"}")
                        .content())
                .contains("http://");
        assertThat(call("{\"action\":\"click\"}").content()).contains("selector or text");
        assertThat(call("{\"action\":\"screenshot\",\"label\":\"during\"}").content())
                .contains("before or after");
        assertThat(call("{\"action\":\"wait_for\",\"timeout_seconds\":1000}").content())
                .contains("timeout_seconds");
        assertThat(call("{\"action\":\"screenshot\",\"width\":640}").content()).contains("width and height together");
        assertThat(call("{\"action\":\"screenshot\",\"width\":20,\"height\":20}")
                        .content())
                .contains("width must be between 200 and 3840");
    }

    @Test
    @Order(8)
    void aKilledBrowserIsRestartedOnTheNextCall() throws Exception {
        assertThat(call("{\"action\":\"navigate\",\"url\":\"http://localhost:8000/\"}")
                        .error())
                .isFalse();
        ExecResult killed =
                sandbox.exec(ExecRequest.shell("kill -9 $(cat " + Chromium.PID_FILE + ")"), OutputListener.IGNORE);
        assertThat(killed.exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sandbox.exec(
                                        ExecRequest.shell("kill -0 $(cat " + Chromium.PID_FILE + ")"),
                                        OutputListener.IGNORE)
                                .exitCode()
                        != 0);

        ToolResult again = call("{\"action\":\"navigate\",\"url\":\"http://localhost:8000/\"}");
        assertThat(again.error()).as(again.content()).isFalse();
        assertThat(again.content()).contains("restarted").contains("Colour block");
        assertThat(call("{\"action\":\"screenshot\"}").error()).isFalse();
    }

    private static ToolResult call(String json) throws Exception {
        ToolResult result = tool.run(JSON.readTree(json), context);
        if (json.contains("\"console\"")) {
            context.consoleSeen.append(result.content()).append('\n');
        }
        return result;
    }

    private static double ratio(ToolResult result) {
        Matcher m = Pattern.compile("changed-pixel ratio ([0-9.]+)").matcher(result.content());
        assertThat(m.find()).as(result.content()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    record Kept(Media media, byte[] bytes, Artifact artifact) {}

    /** A tool context over the sandbox that keeps what the tool keeps, in memory. */
    static final class Context implements ToolContext {
        private final Sandbox sandbox;
        final List<Kept> kept = new CopyOnWriteArrayList<>();
        final StringBuilder consoleSeen = new StringBuilder();

        Context(Sandbox sandbox) {
            this.sandbox = sandbox;
        }

        Kept last() {
            return kept.getLast();
        }

        @Override
        public Sandbox sandbox() {
            return sandbox;
        }

        @Override
        public void emit(EventPayload payload) {}

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public boolean stopRequested() {
            return false;
        }

        @Override
        public Artifact keepMedia(Media media, InputStream content) throws java.io.IOException {
            byte[] bytes = content.readAllBytes();
            if (bytes.length > Media.maxBytes(media.type())) {
                throw new Media.Refused("over " + Media.maxBytes(media.type()) + " bytes");
            }
            String id = "art_" + (kept.size() + 1);
            Artifact artifact = new Artifact(id, "ses_browser", media.type(), "/media/" + id, "{}", Instant.EPOCH);
            kept.add(new Kept(media, bytes, artifact));
            return artifact;
        }
    }
}

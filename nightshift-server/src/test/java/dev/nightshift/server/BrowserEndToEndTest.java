package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.git.testing.GitHttpServer;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's whole path with real parts: the scripted model has the agent write a page, serve it
 * from the sandbox with {@code python3 -m http.server}, open it in the sandbox's Chromium, take a
 * screenshot at a size it asks for, and record three seconds of video. The screenshot is a PNG of
 * that size with the page's colour block where the page put it, the video is an MP4 that {@code
 * ffprobe} on the host reads as at least 2.5 s, and the pull request the turn opens links both.
 */
class BrowserEndToEndTest {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final int WIDTH = 800;
    private static final int HEIGHT = 600;
    private static final String PAGE = """
            <!doctype html>
            <html><body style="margin:0;background:#ffffff">
            <div id="block" style="position:absolute;left:100px;top:50px;width:300px;height:200px;\
            background:rgb(220,20,60)"></div>
            </body></html>
            """;

    @TempDir
    Path dir;

    @Test
    void theAgentShowsItsWorkAsAScreenshotAndAVideoLinkedFromThePullRequest() throws Exception {
        try (GitHubFake github = GitHubFake.start();
                FakeModelServer model = FakeModelServer.start()) {
            github.addUser(42, "ada", "Ada Lovelace", null);
            github.addRepository("acme/app");
            String gitHubToken = github.issueUserToken("ada", Duration.ofDays(1));
            Path remote = TestRepos.bareWithMain(dir.resolve("repos/acme/app.git"));
            TestRepos.git(remote, "config", "http.receivepack", "true");
            GitHttpServer gitServer = GitHttpServer.handlerOnly(dir.resolve("repos"), gitHubToken);
            github.mount("/acme/", gitServer.handler());
            try (TestServer server = TestServer.start(
                    Map.of(
                            "NIGHTSHIFT_MODEL",
                            "openai/gpt-test",
                            "OPENAI_API_KEY",
                            "sk-test",
                            "OPENAI_BASE_URL",
                            model.openAiBaseUrl(),
                            "NIGHTSHIFT_GITHUB_API_URL",
                            github.apiUrl().toString(),
                            "NIGHTSHIFT_GITHUB_WEB_URL",
                            github.webUrl().toString(),
                            "NIGHTSHIFT_GIT_INTERNAL_HOSTS",
                            "127.0.0.1"),
                    p -> p.sandboxes = true)) {
                JsonNode created = server.admin
                        .post("/api/users", Map.of("login", "ada", "name", "Ada Lovelace", "email", "ada@example.com"))
                        .body();
                ApiClient ada =
                        server.client(created.path("token").path("token").asText());
                assertThat(ada.put("/api/me/credentials/127.0.0.1", Map.of("secret", gitHubToken))
                                .status())
                        .isEqualTo(200);
                String id = ada.createSession(github.webUrl() + "/acme/app.git");

                model.enqueue(
                        Reply.toolCalls(new ToolCall(
                                "w1",
                                "write",
                                ApiClient.JSON.writeValueAsString(Map.of("path", "site/index.html", "content", PAGE)))),
                        Reply.toolCalls(new ToolCall(
                                "b1",
                                "bash",
                                "{\"command\":\"python3 -m http.server 8123 --bind 127.0.0.1 --directory site\","
                                        + "\"detached\":true}")),
                        Reply.toolCalls(new ToolCall(
                                "n1", "browser", "{\"action\":\"navigate\",\"url\":\"http://127.0.0.1:8123/\"}")),
                        Reply.toolCalls(new ToolCall(
                                "s1",
                                "browser",
                                "{\"action\":\"screenshot\",\"width\":" + WIDTH + ",\"height\":" + HEIGHT
                                        + ",\"label\":\"after\",\"caption\":\"the new block\"}")),
                        Reply.toolCalls(new ToolCall("r1", "browser", "{\"action\":\"record_start\"}")),
                        Reply.toolCalls(new ToolCall("z1", "bash", "{\"command\":\"sleep 3\"}")),
                        Reply.toolCalls(new ToolCall(
                                "r2", "browser", "{\"action\":\"record_stop\",\"caption\":\"three seconds of it\"}")),
                        Reply.text("The page shows the block; see the screenshot and the video."));
                ada.prompt(id, "Add a page with a crimson block and show it to me", null);
                await().atMost(WAIT)
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> ada.allEvents(id).stream()
                                .anyMatch(e -> e.path("type").asText().equals("turn_complete")));
                List<JsonNode> events = ada.allEvents(id);
                JsonNode end = events.stream()
                        .filter(e -> e.path("type").asText().equals("turn_complete"))
                        .findFirst()
                        .orElseThrow();
                assertThat(end.path("data").path("status").asText())
                        .as(events.toString())
                        .isEqualTo("completed");
                assertThat(events)
                        .filteredOn(e -> e.path("type").asText().equals("tool_result"))
                        .allSatisfy(e -> assertThat(e.path("data").path("error").asBoolean())
                                .as(e.toString())
                                .isFalse());

                JsonNode shot = artifact(ada, id, "screenshot");
                JsonNode video = artifact(ada, id, "video");

                // the screenshot: a PNG of the asked size, the block where the page put it, white around it
                byte[] png = download(ada, shot.path("url").asText());
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
                assertThat(image).as("a PNG the JDK can decode").isNotNull();
                assertThat(image.getWidth()).isEqualTo(WIDTH);
                assertThat(image.getHeight()).isEqualTo(HEIGHT);
                assertThat(rgb(image, 250, 150)).isEqualTo(List.of(220, 20, 60));
                assertThat(rgb(image, 50, 400)).isEqualTo(List.of(255, 255, 255));
                assertThat(shot.path("data").path("width").asInt()).isEqualTo(WIDTH);

                // the video: an MP4 (H.264) of at least 2.5 s, as ffprobe on the host reads it
                Path mp4 = dir.resolve("video.mp4");
                Files.write(mp4, download(ada, video.path("url").asText()));
                String probe = run(
                        "ffprobe",
                        "-v",
                        "error",
                        "-show_entries",
                        "format=format_name,duration:stream=codec_name",
                        "-of",
                        "default=noprint_wrappers=1",
                        mp4.toString());
                assertThat(probe).contains("codec_name=h264").contains("mp4");
                double seconds = Double.parseDouble(probe.lines()
                        .filter(l -> l.startsWith("duration="))
                        .findFirst()
                        .orElseThrow()
                        .substring("duration=".length()));
                assertThat(seconds).as(probe).isGreaterThanOrEqualTo(2.5);

                // the pull request the turn opened links both
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> !github.pullRequests("acme/app").isEmpty());
                String body = github.pullRequests("acme/app").getFirst().body();
                assertThat(body)
                        .contains("Screenshots")
                        .contains(shot.path("id").asText())
                        .contains(video.path("id").asText());
            }
        }
    }

    private static JsonNode artifact(ApiClient api, String sessionId, String type) {
        for (JsonNode a :
                api.get("/api/sessions/" + sessionId + "/artifacts").body().path("artifacts")) {
            if (a.path("type").asText().equals(type)) {
                return a;
            }
        }
        throw new AssertionError("no " + type + " artifact in " + api.allEvents(sessionId));
    }

    private static byte[] download(ApiClient api, String path) {
        ApiClient.Download got = api.download(path);
        assertThat(got.status()).as(path).isEqualTo(200);
        return got.body();
    }

    private static List<Integer> rgb(BufferedImage image, int x, int y) {
        int p = image.getRGB(x, y);
        return List.of((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff);
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(argv)))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}

package dev.nightshift.server.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.port.Media;
import dev.nightshift.core.port.Turn;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's screenshots and videos through a real server: kept by a turn (checked, counted,
 * stored), announced, listed with their URL, and served to the session's readers only, a video
 * by byte ranges.
 */
class MediaApiTest {
    /** A 1×1 PNG. */
    static final byte[] PNG = Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    static TestServer server;
    static ApiClient admin;
    static byte[] video;
    /** What each keepMedia call of a turn answered ("art_…" or the refusal's message), by prompt. */
    static final Map<String, List<String>> KEPT = new ConcurrentHashMap<>();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path mp4 = dir.resolve("clip.mp4");
        Process ffmpeg = new ProcessBuilder(
                        "ffmpeg",
                        "-hide_banner",
                        "-loglevel",
                        "error",
                        "-y",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=duration=2:size=160x120:rate=10",
                        "-c:v",
                        "libx264",
                        "-pix_fmt",
                        "yuv420p",
                        mp4.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(ffmpeg.getInputStream().readAllBytes());
        assertThat(ffmpeg.waitFor()).as(said).isZero();
        video = Files.readAllBytes(mp4);
        server = TestServer.start(p -> p.executor = MediaApiTest::script);
        admin = server.admin;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The prompt says what to keep. */
    private static void script(Turn turn) throws Exception {
        List<String> out = new ArrayList<>();
        String prompt = turn.message().content();
        switch (prompt) {
            case "one of each" -> {
                out.add(keep(
                        turn,
                        new Media("screenshot", "image/png", "home page.png", 0, 0, 0, "the form", "before"),
                        PNG));
                out.add(keep(
                        turn, new Media("screenshot", "image/png", "../../etc/after.png", 9, 9, 0, "", "after"), PNG));
                out.add(keep(turn, new Media("video", "video/mp4", "clip.mp4", 160, 120, 1_000, "a click", ""), video));
                out.add(keep(
                        turn,
                        new Media("screenshot", "image/png", "x.png", 1, 1, 0, "", ""),
                        "GIF89a not a png at all, really".getBytes()));
                out.add(keep(turn, new Media("video", "video/mp4", "x.mp4", 1, 1, 0, "", ""), PNG));
                out.add(keep(
                        turn,
                        new Media("video", "video/mp4", "long.mp4", 1, 1, Media.MAX_VIDEO_MILLIS + 1, "", ""),
                        video));
                out.add(keep(turn, new Media("screenshot", "image/png", "x.png", 1, 1, 0, "", "sideways"), PNG));
            }
            case "fill up" -> {
                for (int i = 0; i < Media.MAX_SCREENSHOTS_PER_SESSION - 1; i++) {
                    keep(turn, new Media("screenshot", "image/png", "s" + i + ".png", 1, 1, 0, "", ""), PNG);
                }
                // the last place, asked for twice at once: one call gets it
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> racers = new ArrayList<>();
                List<String> raced = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int i = 0; i < 2; i++) {
                    racers.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                            raced.add(
                                    keep(turn, new Media("screenshot", "image/png", "race.png", 1, 1, 0, "", ""), PNG));
                        } catch (Exception e) {
                            raced.add("failed: " + e);
                        }
                    }));
                }
                go.countDown();
                for (Thread t : racers) {
                    t.join();
                }
                out.addAll(raced);
                out.add(keep(turn, new Media("screenshot", "image/png", "one-more.png", 1, 1, 0, "", ""), PNG));
            }
            default -> {}
        }
        KEPT.put(prompt, out);
    }

    private static String keep(Turn turn, Media media, byte[] content) throws Exception {
        try {
            Artifact a = turn.keepMedia(media, new ByteArrayInputStream(content));
            return a.id();
        } catch (Media.Refused e) {
            return "refused: " + e.getMessage();
        }
    }

    private static String run(String prompt) {
        String id = admin.createSession("/srv/media");
        assertThat(admin.prompt(id, prompt, "r-" + prompt.hashCode()).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> admin.allEvents(id).stream()
                        .anyMatch(e -> e.path("type").asText().equals("turn_complete")));
        return id;
    }

    private ApiClient newUser(String login) {
        ApiClient.Response r = admin.post("/api/users", Map.of("login", login));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return server.client(r.body().path("token").path("token").asText());
    }

    private static HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path));
        headers.forEach(request::header);
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    @Test
    void screenshotsAndAVideoAreKeptListedAnnouncedAndServedWhileWhatIsNotTheirsIsRefused() throws Exception {
        String id = run("one of each");
        List<String> kept = KEPT.get("one of each");
        assertThat(kept.subList(0, 3)).allMatch(s -> s.startsWith("art_"));
        assertThat(kept.get(3)).startsWith("refused: ").contains("not a PNG");
        assertThat(kept.get(4)).startsWith("refused: ").contains("not an MP4");
        assertThat(kept.get(5)).startsWith("refused: ").contains("at most 90 s");
        assertThat(kept.get(6)).startsWith("refused: ").contains("label");

        JsonNode artifacts =
                admin.get("/api/sessions/" + id + "/artifacts").body().path("artifacts");
        List<JsonNode> media = new ArrayList<>();
        artifacts.forEach(a -> {
            if (a.path("type").asText().equals("screenshot")
                    || a.path("type").asText().equals("video")) {
                media.add(a);
            }
        });
        assertThat(media).extracting(a -> a.path("id").asText()).containsExactlyElementsOf(kept.subList(0, 3));
        JsonNode before = media.get(0);
        assertThat(before.path("url").asText()).isEqualTo("/api/sessions/" + id + "/media/" + kept.get(0));
        assertThat(before.path("data").path("name").asText()).isEqualTo("home page.png");
        assertThat(before.path("data").path("width").asInt()).isEqualTo(1); // measured, not as claimed
        assertThat(before.path("data").path("label").asText()).isEqualTo("before");
        assertThat(before.path("data").path("caption").asText()).isEqualTo("the form");
        assertThat(before.path("data").path("bytes").asLong()).isEqualTo(PNG.length);
        assertThat(before.path("data").path("sha256").asText()).hasSize(64);
        assertThat(media.get(1).path("data").path("name").asText()).isEqualTo("etc-after.png");
        assertThat(media.get(1).path("data").path("width").asInt()).isEqualTo(1);
        JsonNode clip = media.get(2);
        assertThat(clip.path("data").path("durationMillis").asLong()).isEqualTo(2_000); // read from the file
        assertThat(admin.allEvents(id).stream()
                        .filter(e -> e.path("type").asText().equals("artifact"))
                        .map(e -> e.path("data").path("id").asText()))
                .containsAll(kept.subList(0, 3));

        HttpResponse<byte[]> png = get(before.path("url").asText(), Map.of("Authorization", "Bearer " + admin.token()));
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.body()).isEqualTo(PNG);
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(png.headers().firstValue("Content-Length")).hasValue(Integer.toString(PNG.length));
        assertThat(png.headers().firstValue("ETag"))
                .hasValue("\"" + before.path("data").path("sha256").asText() + "\"");
        assertThat(png.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(png.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("inline"));
        assertThat(png.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("private"));
        assertThat(get(
                                before.path("url").asText(),
                                Map.of(
                                        "Authorization",
                                        "Bearer " + admin.token(),
                                        "If-None-Match",
                                        png.headers().firstValue("ETag").orElseThrow()))
                        .statusCode())
                .isEqualTo(304);

        // a video seeks: byte ranges
        String clipUrl = clip.path("url").asText();
        HttpResponse<byte[]> part =
                get(clipUrl, Map.of("Authorization", "Bearer " + admin.token(), "Range", "bytes=100-199"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + video.length);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(video, 100, 200));
        HttpResponse<byte[]> tail =
                get(clipUrl, Map.of("Authorization", "Bearer " + admin.token(), "Range", "bytes=-10"));
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(video, video.length - 10, video.length));
        HttpResponse<byte[]> past = get(
                clipUrl, Map.of("Authorization", "Bearer " + admin.token(), "Range", "bytes=" + video.length + "-"));
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + video.length);
        assertThat(get(clipUrl, Map.of("Authorization", "Bearer " + admin.token()))
                        .body())
                .isEqualTo(video);

        // readers: a viewer, a share link (header or ?token=), a live token in the URL; outsiders see nothing
        ApiClient viewer = newUser("media-viewer");
        ApiClient outsider = newUser("media-outsider");
        assertThat(admin.put("/api/sessions/" + id + "/participants/media-viewer", Map.of("role", "viewer"))
                        .status())
                .isEqualTo(200);
        assertThat(get(clipUrl, Map.of("Authorization", "Bearer " + viewer.token()))
                        .statusCode())
                .isEqualTo(200);
        assertThat(get(clipUrl, Map.of("Authorization", "Bearer " + outsider.token()))
                        .statusCode())
                .isEqualTo(404);
        String link = admin.post("/api/sessions/" + id + "/share-links", Map.of("name", "media"))
                .text("token");
        assertThat(get(clipUrl, Map.of("Authorization", "Bearer " + link)).body())
                .isEqualTo(video);
        assertThat(get(clipUrl + "?token=" + link, Map.of()).body()).isEqualTo(video);
        assertThat(get(clipUrl + "?token=" + admin.liveToken(id), Map.of()).statusCode())
                .isEqualTo(200);
        String otherSession = admin.createSession("/srv/other");
        assertThat(get(clipUrl + "?token=" + admin.liveToken(otherSession), Map.of())
                        .statusCode())
                .isEqualTo(401);
        assertThat(get(clipUrl, Map.of()).statusCode()).isEqualTo(401);
        assertThat(get("/api/sessions/" + id + "/media/art_nothing", Map.of("Authorization", "Bearer " + admin.token()))
                        .statusCode())
                .isEqualTo(404);
        // a branch or other artifact is not media
        assertThat(get(
                                "/api/sessions/" + otherSession + "/media/" + kept.get(0),
                                Map.of("Authorization", "Bearer " + admin.token()))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void theHundredAndFirstScreenshotIsRefusedWithTheLimitEvenWhenTwoCallsRaceForTheLastPlace() {
        String id = run("fill up");
        List<String> kept = KEPT.get("fill up");
        List<String> raced = kept.subList(0, 2);
        assertThat(raced).filteredOn(s -> s.startsWith("art_")).hasSize(1);
        assertThat(raced)
                .filteredOn(s -> s.startsWith("refused: "))
                .singleElement()
                .asString()
                .contains("" + Media.MAX_SCREENSHOTS_PER_SESSION);
        assertThat(kept.get(2)).startsWith("refused: ").contains("the most one session may keep (100)");
        long screenshots = 0;
        for (JsonNode a : admin.get("/api/sessions/" + id + "/artifacts").body().path("artifacts")) {
            if (a.path("type").asText().equals("screenshot")) {
                screenshots++;
            }
        }
        assertThat(screenshots).isEqualTo(Media.MAX_SCREENSHOTS_PER_SESSION);
    }
}

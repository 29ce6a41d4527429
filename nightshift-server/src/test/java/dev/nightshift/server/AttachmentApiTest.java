package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.ApiClient.FilePart;
import dev.nightshift.server.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Files sent with a prompt over the API: checked before anything is queued, stored once, logged
 * with their prompt, readable by the turn, and served back to the session's readers only, in a way
 * no browser runs.
 */
class AttachmentApiTest {
    static final byte[] PNG = Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    static final byte[] ELF = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0};

    static TestServer server;
    static ApiClient admin;
    /** What each turn read through {@code Turn.attachment}, by attachment id. */
    static final Map<String, Optional<byte[]>> READ = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> p.executor = turn -> {
            for (JsonNode event : server.admin.allEvents(turn.session().id())) {
                if (event.path("type").asText().equals("user_message")
                        && event.path("data")
                                .path("messageId")
                                .asText()
                                .equals(turn.message().id())) {
                    for (JsonNode a : event.path("data").path("attachments")) {
                        READ.put(
                                a.path("id").asText(),
                                turn.attachment(a.path("id").asText()));
                    }
                }
            }
        });
        admin = server.admin;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private ApiClient newUser(String login) {
        ApiClient.Response r = admin.post("/api/users", Map.of("login", login));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return server.client(r.body().path("token").path("token").asText());
    }

    private static List<String> eventTypes(String sessionId) {
        return admin.allEvents(sessionId).stream()
                .map(e -> e.path("type").asText())
                .toList();
    }

    private static void awaitTurnEnds(String sessionId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> eventTypes(sessionId).contains("turn_complete"));
    }

    @Test
    void anImageAndATextFileAreQueuedWithThePromptLoggedReadByTheTurnAndServedBack() throws Exception {
        String id = admin.createSession("/srv/attach");
        byte[] notes = "# Notes\nthe button is blue\n".getBytes(StandardCharsets.UTF_8);
        ApiClient.Response sent = admin.promptWithFiles(
                id,
                Map.of("content", "Make it look like the screenshot", "clientRequestId", "r1"),
                List.of(
                        FilePart.attachment("Screen Shot 1.png", "image/png", PNG),
                        FilePart.attachment("../../notes.md", "text/markdown", notes)));
        assertThat(sent.status()).as(sent.raw()).isEqualTo(202);
        JsonNode files = sent.body().path("attachments");
        assertThat(files).hasSize(2);
        JsonNode image = files.get(0);
        JsonNode text = files.get(1);
        assertThat(image.path("name").asText()).isEqualTo("Screen_Shot_1.png");
        assertThat(image.path("mediaType").asText()).isEqualTo("image/png");
        assertThat(image.path("size").asLong()).isEqualTo(PNG.length);
        assertThat(image.path("path").asText()).isEqualTo(".nightshift/attachments/Screen_Shot_1.png");
        assertThat(text.path("name").asText()).isEqualTo("notes.md");
        assertThat(text.path("mediaType").asText()).isEqualTo("text/plain");

        awaitTurnEnds(id);
        JsonNode prompt = admin.allEvents(id).stream()
                .filter(e -> e.path("type").asText().equals("user_message"))
                .findFirst()
                .orElseThrow();
        assertThat(prompt.path("data").path("content").asText()).isEqualTo("Make it look like the screenshot");
        assertThat(prompt.path("data").path("attachments"))
                .extracting(a -> a.path("id").asText() + " " + a.path("name").asText() + " "
                        + a.path("mediaType").asText() + " " + a.path("size").asLong())
                .containsExactly(
                        image.path("id").asText() + " Screen_Shot_1.png image/png " + PNG.length,
                        text.path("id").asText() + " notes.md text/plain " + notes.length);
        assertThat(READ.get(image.path("id").asText()))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(PNG));
        assertThat(READ.get(text.path("id").asText()))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(notes));

        ApiClient.Download shown = admin.download(image.path("url").asText());
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body()).isEqualTo(PNG);
        assertThat(shown.header("Content-Type")).isEqualTo("image/png");
        assertThat(shown.header("Content-Disposition")).startsWith("inline; filename=\"Screen_Shot_1.png\"");
        assertThat(shown.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(shown.header("Content-Security-Policy"))
                .contains("default-src 'none'")
                .contains("sandbox");

        ApiClient.Download downloaded = admin.download(text.path("url").asText());
        assertThat(downloaded.status()).isEqualTo(200);
        assertThat(downloaded.body()).isEqualTo(notes);
        assertThat(downloaded.header("Content-Type").replace(" ", "")).isEqualTo("text/plain;charset=utf-8");
        assertThat(downloaded.header("Content-Disposition")).startsWith("attachment; filename=\"notes.md\"");
        assertThat(downloaded.header("X-Content-Type-Options")).isEqualTo("nosniff");

        // the content is kept once, under its hash, in the data directory
        String sha256 = shown.header("ETag").replace("\"", "");
        assertThat(server.dataDir
                        .resolve("blobs")
                        .resolve(sha256.substring(0, 2))
                        .resolve(sha256))
                .exists();

        // a retried send returns the original, with its files, and stores nothing twice
        ApiClient.Response retried = admin.promptWithFiles(
                id,
                Map.of("content", "Make it look like the screenshot", "clientRequestId", "r1"),
                List.of(FilePart.attachment("Screen Shot 1.png", "image/png", PNG)));
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.body().path("created").asBoolean()).isFalse();
        assertThat(retried.body().path("messageId").asText())
                .isEqualTo(sent.body().path("messageId").asText());
        assertThat(retried.body().path("attachments")).hasSize(2);

        // a later prompt's file of the same name gets a name of its own
        ApiClient.Response later = admin.promptWithFiles(
                id, Map.of("content", "and this one"), List.of(FilePart.attachment("Screen Shot 1.png", null, PNG)));
        assertThat(later.body().path("attachments").get(0).path("name").asText())
                .isEqualTo("Screen_Shot_1-2.png");
    }

    @Test
    void aRefusedAttachmentQueuesNothingAndSaysWhatIsAllowed() throws Exception {
        String id = admin.createSession("/srv/refused");
        List<FilePart> seven = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seven.add(FilePart.attachment("note" + i + ".txt", "text/plain", ("note " + i).getBytes()));
        }
        ApiClient.Response tooMany = admin.promptWithFiles(id, Map.of("content", "seven"), seven);
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.body().path("error").path("code").asText()).isEqualTo("too_many_attachments");
        assertThat(tooMany.errorMessage()).contains("7 attachments", "at most 6");

        ApiClient.Response tooLarge = admin.promptWithFiles(
                id,
                Map.of("content", "big"),
                List.of(FilePart.attachment("big.log", "text/plain", new byte[11 << 20])));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.errorMessage()).contains("big.log", "larger than 10 MiB");

        ApiClient.Response disguised = admin.promptWithFiles(
                id, Map.of("content", "run this"), List.of(FilePart.attachment("cat.png", "image/png", ELF)));
        assertThat(disguised.status()).isEqualTo(415);
        assertThat(disguised.body().path("error").path("code").asText()).isEqualTo("unsupported_attachment");
        assertThat(disguised.errorMessage())
                .contains("cat.png", "declared as image/png", "PNG, JPEG, GIF or WebP", "UTF-8 text");

        ApiClient.Response binary = admin.promptWithFiles(
                id,
                Map.of("content", "run this"),
                List.of(
                        FilePart.attachment("ok.txt", "text/plain", "fine".getBytes()),
                        FilePart.attachment("tool", "application/octet-stream", ELF)));
        assertThat(binary.status()).isEqualTo(415);
        assertThat(binary.errorMessage()).contains("tool", "neither an image nor UTF-8 text");

        ApiClient.Response pdf = admin.promptWithFiles(
                id,
                Map.of("content", "read this"),
                List.of(FilePart.attachment("spec.pdf", "application/pdf", "%PDF-1.7".getBytes())));
        assertThat(pdf.status()).isEqualTo(415);
        assertThat(pdf.errorMessage()).contains("application/pdf");

        ApiClient.Response unknownField = admin.promptWithFiles(
                id, Map.of("content", "x", "title", "y"), List.of(FilePart.attachment("a.txt", null, "a".getBytes())));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.errorMessage()).contains("'title'");

        ApiClient.Response empty =
                admin.promptWithFiles(id, Map.of(), List.of(FilePart.attachment("a.png", "image/png", PNG)));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.errorMessage()).contains("'content' is required");

        assertThat(admin.get("/api/sessions/" + id + "/prompts").body().path("queue"))
                .isEmpty();
        assertThat(eventTypes(id)).doesNotContain("user_message");
        try (Stream<Path> stored = Files.walk(server.dataDir.resolve("blobs"))) {
            assertThat(stored.filter(Files::isRegularFile)
                            .map(Path::getFileName)
                            .map(Path::toString))
                    .noneMatch(name -> name.length() == 64 && isHashOf(name, ELF));
        }
    }

    private static boolean isHashOf(String name, byte[] content) {
        try {
            return name.equals(java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(content)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void onlyPeopleWhoMayPromptSendFilesAndOnlyReadersOfTheSessionSeeThem() {
        ApiClient owner = newUser("att-owner");
        ApiClient viewer = newUser("att-viewer");
        ApiClient stranger = newUser("att-stranger");
        ApiClient nobody = server.client(null);
        String id = owner.createSession("/srv/attach-access");
        assertThat(owner.put("/api/sessions/" + id + "/participants/att-viewer", Map.of("role", "viewer"))
                        .status())
                .isEqualTo(200);
        List<FilePart> file = List.of(FilePart.attachment("shot.png", "image/png", PNG));

        ApiClient.Response byViewer = viewer.promptWithFiles(id, Map.of("content", "look"), file);
        assertThat(byViewer.status()).isEqualTo(403);
        assertThat(byViewer.errorMessage()).contains("viewer");
        assertThat(nobody.promptWithFiles(id, Map.of("content", "look"), file).status())
                .isEqualTo(401);
        assertThat(stranger.promptWithFiles(id, Map.of("content", "look"), file).status())
                .isEqualTo(403);
        assertThat(owner.promptWithFiles("ses_missing", Map.of("content", "look"), file)
                        .status())
                .isEqualTo(404);
        assertThat(owner.get("/api/sessions/" + id + "/prompts").body().path("queue"))
                .isEmpty();

        ApiClient.Response sent = owner.promptWithFiles(id, Map.of("content", "look"), file);
        assertThat(sent.status()).isEqualTo(202);
        String url = sent.body().path("attachments").get(0).path("url").asText();
        assertThat(owner.download(url).status()).isEqualTo(200);
        assertThat(viewer.download(url).status()).isEqualTo(200); // a reader of the session
        assertThat(stranger.download(url).status()).isEqualTo(403);
        assertThat(nobody.download(url).status()).isEqualTo(401);
        assertThat(owner.download("/api/sessions/" + id + "/attachments/att_missing")
                        .status())
                .isEqualTo(404);
        // an attachment is reached only through its own session
        String other = owner.createSession("/srv/attach-other");
        String attachmentId = url.substring(url.lastIndexOf('/') + 1);
        assertThat(owner.download("/api/sessions/" + other + "/attachments/" + attachmentId)
                        .status())
                .isEqualTo(404);
        awaitTurnEnds(id);
    }

    @Test
    void anUploadWithoutALengthIsCutOffAtTheLimitAndTheLimitsAreSettings() throws Exception {
        try (TestServer small = TestServer.start(
                Map.of("NIGHTSHIFT_MAX_ATTACHMENTS", "1", "NIGHTSHIFT_MAX_ATTACHMENT_BYTES", "1k"),
                p -> p.executor = turn -> {})) {
            String id = small.admin.createSession("/srv/small");
            ApiClient.Response two = small.admin.promptWithFiles(
                    id,
                    Map.of("content", "two"),
                    List.of(
                            FilePart.attachment("a.txt", null, "a".getBytes()),
                            FilePart.attachment("b.txt", null, "b".getBytes())));
            assertThat(two.status()).isEqualTo(413);
            assertThat(two.errorMessage()).contains("at most 1 may be sent");
            ApiClient.Response large = small.admin.promptWithFiles(
                    id, Map.of("content", "large"), List.of(FilePart.attachment("a.txt", null, new byte[1025])));
            assertThat(large.status()).isEqualTo(413);
            assertThat(large.errorMessage()).contains("larger than 1 KiB");

            // a body streamed without Content-Length: the form parser stops at the limit
            String boundary = "b0undary";
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nhi\r\n--"
                            + boundary
                            + "\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.txt\"\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            InputStream endless =
                    new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), new InputStream() {
                        long left = 8L << 20;

                        @Override
                        public int read() {
                            return left-- > 0 ? 'a' : -1;
                        }

                        @Override
                        public int read(byte[] b, int off, int len) {
                            if (left <= 0) {
                                return -1;
                            }
                            int n = (int) Math.min(len, left);
                            java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                            left -= n;
                            return n;
                        }
                    });
            java.net.http.HttpResponse<String> response;
            try {
                response = java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(
                                                URI.create(small.url() + "/api/sessions/" + id + "/prompts"))
                                        .header("Authorization", "Bearer " + small.admin.token())
                                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> endless))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                response = null; // the server may close the connection while the client still sends
            }
            if (response != null) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
                assertThat(response.body()).contains("payload_too_large");
            }
            assertThat(small.admin
                            .get("/api/sessions/" + id + "/prompts")
                            .body()
                            .path("queue"))
                    .isEmpty();
        }
    }

    @Test
    void anUploadLargerThanTheLimitIsRefusedBeforeItsBodyIsSentAndOtherRoutesKeepTheirOwnLimit() throws Exception {
        String id = admin.createSession("/srv/attach-huge");
        URI base = URI.create(server.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            // the headers promise 100 MiB; not a byte of it is sent
            out.write(("POST /api/sessions/" + id + "/prompts HTTP/1.1\r\n"
                            + "Host: " + base.getHost() + "\r\n"
                            + "Authorization: Bearer " + admin.token() + "\r\n"
                            + "Content-Type: multipart/form-data; boundary=x\r\n"
                            + "Content-Length: " + (100L << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readNBytes(2000), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer).contains("payload_too_large").contains("6 attachments of at most 10 MiB");
        }
        assertThat(admin.get("/api/sessions/" + id + "/prompts").body().path("queue"))
                .isEmpty();

        // the rest of the API keeps its 1 MiB, also when sent a form
        ApiClient.Response form = admin.postMultipart(
                "/api/sessions",
                Map.of("repository", "/srv/x"),
                List.of(FilePart.attachment("a.txt", null, new byte[2 << 20])));
        assertThat(form.status()).isEqualTo(413);
        assertThat(form.errorMessage()).contains("1 MiB");
        ApiClient.Response json = admin.prompt(id, "x".repeat(2 << 20), null);
        assertThat(json.status()).isEqualTo(413);
        assertThat(json.errorMessage()).contains("1 MiB");
    }
}

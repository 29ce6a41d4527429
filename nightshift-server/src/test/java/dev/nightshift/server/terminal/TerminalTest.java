package dev.nightshift.server.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The session's terminal against a real server with real bubblewrap sandboxes, through a real
 * WebSocket client: a member's shell echoes, what they typed is in the log with them as its author,
 * viewers, outsiders and bad tokens are refused and type nothing, and closing the socket or stopping
 * the session leaves no process behind.
 */
class TerminalTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> p.sandboxes = true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aMembersShellEchoesAndWhatTheyTypedIsInTheLogWithThemAsAuthor() throws Exception {
        String session = server.admin.createSession("/srv/terminal-echo");
        User member = user("tess", session, "member");
        try (Term term = Term.open(session, member.api.liveToken(session))) {
            term.send(Map.of("type", "input", "data", "echo hi-$((40+2))\r"));
            term.awaitOutput("hi-42");
            term.send(Map.of("type", "resize", "cols", 101, "rows", 31));
            term.send(Map.of("type", "input", "data", "stty size\r"));
            term.awaitOutput("31 101");
        }
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(typed(session)).anySatisfy(data -> {
                    assertThat(data.path("text").asText()).isEqualTo("echo hi-$((40+2))\n");
                    assertThat(data.path("authorId").asText()).isEqualTo(member.id);
                    assertThat(data.path("author").asText()).isEqualTo("tess");
                }));
    }

    @Test
    void viewersOutsidersAndBadTokensAreRefusedAndTypeNothing() throws Exception {
        String session = server.admin.createSession("/srv/terminal-refusals");
        User member = user("mona", session, "member");
        User viewer = user("vic", session, "viewer");
        User outsider = user("otto", null, null);
        try (Term shell = Term.open(session, member.api.liveToken(session))) {
            // a viewer: input before open goes nowhere, open is refused with 4403 and a reason
            try (Term refused = Term.connect(session)) {
                refused.send(Map.of("type", "input", "data", "touch viewer-was-here\r"));
                assertThat(refused.next("error").path("code").asText()).isEqualTo("not_open");
                refused.send(Map.of("type", "open", "token", viewer.api.liveToken(session)));
                JsonNode error = refused.next("error");
                assertThat(error.path("status").asInt()).isEqualTo(403);
                assertThat(error.path("message").asText()).contains("members");
                assertThat(refused.closed.get(30, TimeUnit.SECONDS)).isEqualTo(4403);
                assertThat(refused.closeReason).contains("members and owners");
            }
            // a share link's viewer
            String share = server.admin
                    .post("/api/sessions/" + session + "/share-links", Map.of("name", "review"))
                    .text("token");
            assertThat(Term.refusal(session, share)).isEqualTo(4403);
            // someone who is not in the session, and a token that is not one
            assertThat(Term.refusal(session, outsider.api.liveToken(outsiderSession(outsider))))
                    .isEqualTo(4401);
            assertThat(Term.refusal(session, "nsl_not-a-token")).isEqualTo(4401);

            // the member's shell ran nothing of theirs: a command after them sees no file
            shell.send(Map.of("type", "input", "data", "ls -a; echo listed-$((2+3))\r"));
            shell.awaitOutput("listed-5");
            Sandbox sandbox = server.server.sandboxes().current(session).orElseThrow();
            assertThat(sandbox.stat("viewer-was-here")).isEmpty();
        }
        await().atMost(WAIT).until(() -> !typed(session).isEmpty());
        assertThat(typed(session))
                .allSatisfy(data -> assertThat(data.path("authorId").asText()).isEqualTo(member.id))
                .noneSatisfy(data -> assertThat(data.path("text").asText()).contains("viewer-was-here"));
    }

    @Test
    void anOversizedFrameIsRefusedAndTheShellGoesOn() throws Exception {
        String session = server.admin.createSession("/srv/terminal-large");
        try (Term term = Term.open(session, server.admin.liveToken(session))) {
            term.send(Map.of("type", "input", "data", "echo " + "x".repeat(TerminalSockets.MAX_FRAME_BYTES) + "\r"));
            JsonNode error = term.next("error");
            assertThat(error.path("status").asInt()).isEqualTo(413);
            assertThat(error.path("message").asText()).contains("at most " + TerminalSockets.MAX_FRAME_BYTES);
            term.send(Map.of("type", "input", "data", "echo still-$((6*7))\r"));
            term.awaitOutput("still-42");
            assertThat(term.output()).doesNotContain("xxxxxxxxxx");
        }
    }

    @Test
    void closingTheSocketEndsTheShellAndEverythingItStarted() throws Exception {
        String session = server.admin.createSession("/srv/terminal-close");
        Term term = Term.open(session, server.admin.liveToken(session));
        term.send(Map.of("type", "input", "data", "sleep 987654 & echo started-$((1+1))\r"));
        term.awaitOutput("started-2");
        Sandbox sandbox = server.server.sandboxes().current(session).orElseThrow();
        assertThat(running(sandbox, "^sleep 987654")).isTrue();
        assertThat(running(sandbox, "^python3 -c # Runs a login shell")).isTrue();
        term.close();
        await().atMost(WAIT)
                .until(() ->
                        !running(sandbox, "^sleep 987654") && !running(sandbox, "^python3 -c # Runs a login shell"));
    }

    @Test
    void theSessionsStopEndsItsTerminalsAndSaysSo() throws Exception {
        String session = server.admin.createSession("/srv/terminal-stop");
        try (Term term = Term.open(session, server.admin.liveToken(session))) {
            term.send(Map.of("type", "input", "data", "echo up-$((3+4))\r"));
            term.awaitOutput("up-7");
            assertThat(server.admin
                            .post("/api/sessions/" + session + "/stop", null)
                            .status())
                    .isEqualTo(202);
            JsonNode exit = term.next("exit");
            assertThat(exit.path("stopped").asBoolean()).isTrue();
            assertThat(term.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    // -- helpers ------------------------------------------------------------------------------

    private record User(ApiClient api, String id) {}

    private static User user(String login, String session, String role) {
        ApiClient.Response created = server.admin.post("/api/users", Map.of("login", login));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        ApiClient api = server.client(created.body().path("token").path("token").asText());
        if (session != null) {
            assertThat(server.admin
                            .put("/api/sessions/" + session + "/participants/" + login, Map.of("role", role))
                            .status())
                    .isEqualTo(200);
        }
        return new User(api, api.get("/api/me").body().path("user").path("id").asText());
    }

    /** A session of the outsider's own, for a live token that is valid but for another session. */
    private static String outsiderSession(User outsider) {
        return outsider.api.createSession("/srv/elsewhere");
    }

    private static List<JsonNode> typed(String session) {
        return server.admin.allEvents(session).stream()
                .filter(e -> e.path("type").asText().equals("terminal_input"))
                .map(e -> e.path("data"))
                .toList();
    }

    private static boolean running(Sandbox sandbox, String pattern) throws InterruptedException {
        return sandbox.exec(ExecRequest.shell("pgrep -f '" + pattern + "' >/dev/null"), (s, c) -> {})
                        .exitCode()
                == 0;
    }

    /** A real WebSocket client of the terminal: JSON text frames, and the shell's output as binary. */
    private static final class Term implements AutoCloseable {
        private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final java.util.List<JsonNode> skipped = new java.util.ArrayList<>();
        private final StringBuffer output = new StringBuffer();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile String closeReason = "";
        private final WebSocket socket;

        private Term(String session) {
            String url = server.url().replaceFirst("^http", "ws") + "/api/sessions/" + session + "/terminal";
            socket = HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create(url), new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                try {
                                    frames.add(ApiClient.JSON.readTree(partial.toString()));
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                                partial.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                            byte[] bytes = new byte[data.remaining()];
                            data.get(bytes);
                            output.append(new String(bytes, StandardCharsets.UTF_8));
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                            closeReason = reason;
                            closed.complete(statusCode);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket ws, Throwable error) {
                            closed.complete(-1);
                        }
                    })
                    .join();
        }

        static Term connect(String session) {
            return new Term(session);
        }

        static Term open(String session, String token) {
            Term term = new Term(session);
            term.send(Map.of("type", "open", "token", token, "cols", 80, "rows", 24));
            JsonNode ready = term.next("ready");
            assertThat(ready.path("terminalId").asText()).startsWith("term");
            return term;
        }

        /** The close code of a terminal opened with this token. */
        static int refusal(String session, String token) throws Exception {
            try (Term term = new Term(session)) {
                term.send(Map.of("type", "open", "token", token));
                return term.closed.get(30, TimeUnit.SECONDS);
            }
        }

        void send(Map<String, ?> message) {
            try {
                socket.sendText(ApiClient.JSON.writeValueAsString(message), true)
                        .join();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        String output() {
            return output.toString();
        }

        void awaitOutput(String text) {
            await().atMost(WAIT).until(() -> output.indexOf(text) >= 0);
        }

        JsonNode next(String type) {
            for (java.util.Iterator<JsonNode> it = skipped.iterator(); it.hasNext(); ) {
                JsonNode frame = it.next();
                if (frame.path("type").asText().equals(type)) {
                    it.remove();
                    return frame;
                }
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                JsonNode frame;
                try {
                    frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                if (frame == null) {
                    throw new AssertionError("no '" + type + "' frame; others: " + skipped + "; output: " + output);
                }
                if (frame.path("type").asText().equals(type)) {
                    return frame;
                }
                skipped.add(frame);
            }
        }

        @Override
        public void close() {
            if (!socket.isOutputClosed()) {
                // the server may be closing it at the same moment: either way it ends
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye")
                        .handle((ws, e) -> null)
                        .join();
            }
        }
    }
}

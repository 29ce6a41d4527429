package dev.nightshift.server.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.ReservedPorts;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live desktop through a real server, a real bubblewrap sandbox, real Xvfb and real x11vnc:
 * who may start it, who may watch, who may take control, and that a viewer's input never moves
 * the pointer while a member's does.
 */
class DesktopTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestServer server;
    private static String id;
    private static ApiClient owner;
    private static ApiClient member;
    private static ApiClient viewer;
    private static ApiClient stranger;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> p.sandboxes = true);
        owner = server.admin;
        member = user("desk-member");
        viewer = user("desk-viewer");
        stranger = user("desk-stranger");
        id = owner.createSession("/srv/desktop");
        assertThat(owner.put("/api/sessions/" + id + "/participants/desk-member", Map.of("role", "member"))
                        .status())
                .isEqualTo(200);
        assertThat(owner.put("/api/sessions/" + id + "/participants/desk-viewer", Map.of("role", "viewer"))
                        .status())
                .isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ApiClient user(String login) {
        ApiClient.Response r = server.admin.post("/api/users", Map.of("login", login));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return server.client(r.body().path("token").path("token").asText());
    }

    private static String desktop() {
        return "/api/sessions/" + id + "/desktop";
    }

    @Test
    void membersStartItViewersWatchOnlyAndAViewersInputNeverReachesTheDesktop() throws Exception {
        // before anyone starts it: nothing runs, and nobody can connect
        ApiClient.Response before = viewer.get(desktop());
        assertThat(before.status()).as(before.raw()).isEqualTo(200);
        assertThat(before.body().path("running").asBoolean()).isFalse();
        assertThat(closeCode(connect(viewer.liveToken(id), false, null))).isEqualTo(4409);

        // refusals: a viewer cannot start it, a stranger cannot even look
        ApiClient.Response viewerStart = viewer.post(desktop(), null);
        assertThat(viewerStart.status()).isEqualTo(403);
        assertThat(viewerStart.errorMessage()).contains("viewer");
        assertThat(stranger.get(desktop()).status()).isEqualTo(403);
        assertThat(stranger.post(desktop(), null).status()).isEqualTo(403);
        assertThat(member.get("/api/sessions/nope/desktop").status()).isEqualTo(404);

        // a member starts it with one request; a second one changes nothing
        ApiClient.Response started = member.post(desktop(), null);
        assertThat(started.status()).as(started.raw()).isEqualTo(200);
        assertThat(started.body().path("running").asBoolean()).isTrue();
        assertThat(started.body().path("width").asInt()).isEqualTo(1280);
        assertThat(member.post(desktop(), null).body().path("running").asBoolean())
                .isTrue();
        assertThat(viewer.get(desktop()).body().path("running").asBoolean()).isTrue();
        Sandbox sandbox = server.server.sandboxes().acquire(id);
        ExecResult servers = sandbox.exec(ExecRequest.shell("pgrep -c -x x11vnc"), OutputListener.IGNORE);
        assertThat(servers.stdout().strip()).as("one server of each kind").isEqualTo("2");

        // who may connect, and to what
        assertThat(closeCode(connect(viewer.liveToken(id), true, null)))
                .as("a viewer asking for control")
                .isEqualTo(4403);
        assertThat(closeCode(connect(null, false, "Bearer " + stranger.token())))
                .as("an outsider")
                .isEqualTo(4403);
        assertThat(closeCode(connect(null, false, null))).as("no token").isEqualTo(4401);
        assertThat(closeCode(connect("nsl_not-a-token", false, null)))
                .as("a bad token")
                .isEqualTo(4401);

        int[] start = pointer(sandbox);

        // a viewer's bridge: the greeting arrives, the handshake works, but the pointer does not move
        try (Rfb watching = connect(viewer.liveToken(id), false, null)) {
            assertThat(watching.greeting()).isEqualTo("RFB 003.008\n");
            watching.handshake();
            watching.pointer(101, 77);
            watching.sync();
        }
        assertThat(pointer(sandbox)).as("a viewer moved the pointer").isEqualTo(start);

        // the view-only server itself ignores input too, even reached without the control plane's filter
        try (Rfb direct = new Rfb(sandbox.connect(ReservedPorts.DESKTOP_VNC_VIEW_ONLY))) {
            assertThat(direct.greeting()).isEqualTo("RFB 003.008\n");
            direct.handshake();
            direct.pointer(103, 79);
            direct.sync();
        }
        assertThat(pointer(sandbox))
                .as("the view-only x11vnc moved the pointer")
                .isEqualTo(start);

        // a member who takes control moves it
        try (Rfb control = connect(null, true, "Bearer " + member.token())) {
            assertThat(control.greeting()).isEqualTo("RFB 003.008\n");
            control.handshake();
            control.pointer(321, 123);
            control.sync();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(pointer(sandbox)).containsExactly(321, 123));
        }
    }

    /** The pointer's position on the sandbox's display, as X itself reports it. */
    private static int[] pointer(Sandbox sandbox) throws InterruptedException {
        ExecResult r = sandbox.exec(
                new ExecRequest(List.of("xdotool", "getmouselocation", "--shell"), "", Map.of("DISPLAY", ":99"), null),
                OutputListener.IGNORE);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Map<String, String> values = new java.util.HashMap<>();
        for (String line : r.stdout().split("\n")) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2) {
                values.put(kv[0].trim(), kv[1].trim());
            }
        }
        return new int[] {Integer.parseInt(values.get("X")), Integer.parseInt(values.get("Y"))};
    }

    private static int closeCode(Rfb rfb) throws Exception {
        try (rfb) {
            return rfb.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static Rfb connect(String token, boolean control, String authorization) throws Exception {
        String url = server.url().replaceFirst("^http", "ws") + "/api/sessions/" + id + "/desktop/ws?control=" + control
                + (token == null ? "" : "&token=" + token);
        Rfb rfb = new Rfb();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        rfb.socket = builder.buildAsync(URI.create(url), rfb).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return rfb;
    }

    /** A minimal RFB 3.8 client over the desktop's WebSocket, or straight over a sandbox port. */
    static final class Rfb implements WebSocket.Listener, AutoCloseable {
        private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final PortConnection port;
        WebSocket socket;
        private byte[] current = new byte[0];
        private int offset;

        Rfb() {
            this.port = null;
        }

        Rfb(PortConnection port) {
            this.port = port;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            chunks.add(bytes);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        byte[] read(int n) throws Exception {
            if (port != null) {
                byte[] b = port.input().readNBytes(n);
                assertThat(b).hasSize(n);
                return b;
            }
            byte[] out = new byte[n];
            int filled = 0;
            while (filled < n) {
                if (offset == current.length) {
                    byte[] next = chunks.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(next).as("bytes from the desktop").isNotNull();
                    current = next;
                    offset = 0;
                }
                int take = Math.min(n - filled, current.length - offset);
                System.arraycopy(current, offset, out, filled, take);
                filled += take;
                offset += take;
            }
            return out;
        }

        void write(byte... bytes) throws Exception {
            if (port != null) {
                port.output().write(bytes);
                port.output().flush();
            } else {
                socket.sendBinary(ByteBuffer.wrap(bytes), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }

        String greeting() throws Exception {
            return new String(read(12), StandardCharsets.US_ASCII);
        }

        /** Version 3.8, no security, shared; reads the server's init to its end. */
        void handshake() throws Exception {
            write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            int count = read(1)[0] & 0xff;
            byte[] types = read(count);
            assertThat(types).contains((byte) 1);
            write((byte) 1);
            assertThat(read(4)).as("security result OK").containsExactly(0, 0, 0, 0);
            write((byte) 1);
            read(2 + 2 + 16);
            byte[] length = read(4);
            read(((length[0] & 0xff) << 24)
                    | ((length[1] & 0xff) << 16)
                    | ((length[2] & 0xff) << 8)
                    | (length[3] & 0xff));
        }

        void pointer(int x, int y) throws Exception {
            write((byte) 5, (byte) 0, (byte) (x >> 8), (byte) x, (byte) (y >> 8), (byte) y);
        }

        /**
         * Asks for one pixel and waits for the answer: the server handles a client's messages in order,
         * so everything sent before has been handled by then.
         */
        void sync() throws Exception {
            write((byte) 3, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0, (byte) 1);
            assertThat(read(1)[0]).as("a FramebufferUpdate").isEqualTo((byte) 0);
        }

        @Override
        public void close() throws IOException {
            if (port != null) {
                port.close();
            } else if (socket != null && !socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
        }
    }
}

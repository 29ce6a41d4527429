package dev.nightshift.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that collects frames as JSON. */
public final class WsTestClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> skipped = new ArrayList<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WsTestClient(String url, boolean autoRead, String... subprotocols) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        this.socket = builder.buildAsync(URI.create(url), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public void onOpen(WebSocket ws) {
                        if (autoRead) { // a stalled client requests nothing, so frames back up in the server
                            ws.request(1);
                        }
                    }

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
                        if (autoRead) {
                            ws.request(1);
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
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

    public static WsTestClient connect(String url) {
        return new WsTestClient(url, true);
    }

    /** Connects offering these subprotocols, in this order. */
    public static WsTestClient connect(String url, String... subprotocols) {
        return new WsTestClient(url, true, subprotocols);
    }

    /** The subprotocol the server accepted ("" for none). */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** A client that reads nothing: the server's sends to it back up. */
    public static WsTestClient connectStalled(String url) {
        return new WsTestClient(url, false);
    }

    /** Connects and subscribes; returns the client after the snapshot arrived. */
    public static WsTestClient subscribe(String url, String liveToken) {
        WsTestClient c = connect(url);
        c.send(Map.of("type", "subscribe", "token", liveToken));
        c.next("snapshot", Duration.ofSeconds(10));
        return c;
    }

    /** Lets a stalled client read again. */
    public void resume() {
        socket.request(Long.MAX_VALUE);
    }

    public void send(Map<String, ?> message) {
        try {
            socket.sendText(ApiClient.JSON.writeValueAsString(message), true).join();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The oldest unread frame of this type. Frames of other types stay unread for later calls,
     * so asking for a reply never swallows the events that arrived before it.
     */
    public JsonNode next(String type, Duration timeout) {
        for (java.util.Iterator<JsonNode> it = skipped.iterator(); it.hasNext(); ) {
            JsonNode frame = it.next();
            if (frame.path("type").asText().equals(type)) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode frame;
            try {
                frame = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (frame == null) {
                throw new AssertionError("no '" + type + "' frame within " + timeout + "; unread types: "
                        + skipped.stream()
                                .map(f -> f.path("type").asText())
                                .distinct()
                                .toList());
            }
            if (frame.path("type").asText().equals(type)) {
                return frame;
            }
            skipped.add(frame);
        }
    }

    /** Collects {@code count} event frames (other frames are dropped) and returns the events. */
    public List<JsonNode> events(int count, Duration timeout) {
        List<JsonNode> events = new ArrayList<>();
        while (events.size() < count) {
            events.add(next("event", timeout).path("event"));
        }
        return events;
    }

    public List<JsonNode> drain() {
        List<JsonNode> out = new ArrayList<>(skipped);
        skipped.clear();
        frames.drainTo(out);
        return out;
    }

    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            socket.abort();
        }
    }
}

package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Someone watching a session live over the WebSocket, as a user's browser does: every event frame
 * is kept with the {@code System.nanoTime()} it arrived at, so the gaps between events of one
 * step show where a step's time goes, and {@code turn_complete} says when a turn is over without
 * polling the server.
 */
final class LiveWatch implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One event as it arrived. */
    record Seen(long nanos, long seq, String type, String messageId, JsonNode data) {}

    private final List<Seen> events = new ArrayList<>();
    private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private final WebSocket socket;

    private LiveWatch(String url) {
        this.socket = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.request(1);
                    }

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        long now = System.nanoTime();
                        partial.append(data);
                        if (last) {
                            try {
                                JsonNode frame = ApiClient.JSON.readTree(partial.toString());
                                String type = frame.path("type").asText();
                                if (type.equals("snapshot")) {
                                    subscribed.complete(null);
                                } else if (type.equals("event")) {
                                    JsonNode e = frame.path("event");
                                    synchronized (LiveWatch.this) {
                                        events.add(new Seen(
                                                now,
                                                e.path("seq").asLong(),
                                                e.path("type").asText(),
                                                e.path("messageId").asText(null),
                                                e.path("data")));
                                        LiveWatch.this.notifyAll();
                                    }
                                }
                            } catch (Exception e) {
                                subscribed.completeExceptionally(e);
                            }
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                })
                .join();
    }

    static LiveWatch subscribe(String wsUrl, String liveToken) throws Exception {
        LiveWatch watch = new LiveWatch(wsUrl);
        watch.socket
                .sendText(ApiClient.JSON.writeValueAsString(Map.of("type", "subscribe", "token", liveToken)), true)
                .join();
        watch.subscribed.get(10, TimeUnit.SECONDS);
        return watch;
    }

    synchronized int count() {
        return events.size();
    }

    synchronized List<Seen> since(int from) {
        return List.copyOf(events.subList(from, events.size()));
    }

    /** Waits for the {@code turn_complete} of the given prompt and returns it. */
    synchronized Seen awaitTurnComplete(String messageId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = events.size() - 1; i >= 0; i--) {
                Seen e = events.get(i);
                if (e.type().equals("turn_complete") && messageId.equals(e.messageId())) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("no turn_complete for " + messageId + " within " + timeout);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }
}

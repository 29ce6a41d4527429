package dev.nightshift.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A JDK WebSocket client that stamps every complete text frame with System.nanoTime() on arrival
 * and keeps event frames for analysis afterwards (no parsing on the receive path).
 */
final class Collector implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private final String[] eventTexts;
    private final long[] eventAt;
    private final int expectedEvents;
    private final CountDownLatch allEvents;
    private volatile int events;
    final CountDownLatch snapshot = new CountDownLatch(1);
    volatile long snapshotAt;
    volatile String snapshotText;
    volatile int otherFrames;
    volatile int resyncFrames;
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket socket;

    /** @param allEvents counted down once when this client has {@code expectedEvents} event frames */
    Collector(int expectedEvents, CountDownLatch allEvents) {
        this.expectedEvents = expectedEvents;
        this.allEvents = allEvents;
        this.eventTexts = new String[Math.max(expectedEvents, 1)];
        this.eventAt = new long[Math.max(expectedEvents, 1)];
    }

    static Collector connect(HttpClient http, String url, int expectedEvents, CountDownLatch allEvents)
            throws Exception {
        Collector c = new Collector(expectedEvents, allEvents);
        c.socket = http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), c)
                .get(30, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public void onOpen(WebSocket ws) {
        ws.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        if (!last) {
            partial.append(data);
            return null;
        }
        long at = System.nanoTime();
        String text;
        if (partial.isEmpty()) {
            text = data.toString();
        } else {
            partial.append(data);
            text = partial.toString();
            partial.setLength(0);
        }
        if (text.startsWith("{\"type\":\"event\"")) {
            int n = events;
            if (n < eventTexts.length) {
                eventTexts[n] = text;
                eventAt[n] = at;
            }
            events = n + 1;
            if (n + 1 == expectedEvents && allEvents != null) {
                allEvents.countDown();
            }
        } else if (text.startsWith("{\"type\":\"snapshot\"")) {
            snapshotAt = at;
            snapshotText = text;
            snapshot.countDown();
        } else {
            otherFrames++;
            if (text.startsWith("{\"type\":\"resync\"")) {
                resyncFrames++;
            }
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

    int eventCount() {
        return events;
    }

    String eventText(int i) {
        return eventTexts[i];
    }

    long eventAt(int i) {
        return eventAt[i];
    }

    void subscribe(String token) {
        socket.sendText("{\"type\":\"subscribe\",\"token\":\"" + token + "\"}", true)
                .join();
    }

    void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            closed.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }
}

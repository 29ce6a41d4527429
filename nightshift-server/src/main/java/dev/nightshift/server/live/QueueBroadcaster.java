package dev.nightshift.server.live;

import dev.nightshift.core.port.Store;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Views;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tells a session's watchers its prompt queue changed (a frame, not a log event: the queue is state). */
public final class QueueBroadcaster {
    private final Store store;
    private final EventHub hub;

    public QueueBroadcaster(Store store, EventHub hub) {
        this.store = store;
        this.hub = hub;
    }

    public void queueChanged(String sessionId) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "queue");
        frame.put(
                "queue",
                store.messages().unfinished(sessionId).stream()
                        .map(Views::message)
                        .toList());
        hub.broadcast(sessionId, Json.write(frame));
    }
}

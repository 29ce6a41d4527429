package dev.nightshift.server.live;

import dev.nightshift.core.model.Event;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Views;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fans events out to the clients watching a session on this node. Publishing never blocks: each
 * listener only queues (see {@link LiveClient}), so one slow client cannot hold up the session or
 * the others. Every event is serialised once, whatever the number of listeners.
 */
public final class EventHub {
    /** A watcher of one session. Both methods must return at once. */
    public interface Listener {
        /** @param eventJson the event as the API shows it ({@code {"seq":…,"type":…}}) */
        void onEvent(Event event, String eventJson);

        /** A protocol frame that is not a log event (presence, typing, queue changes). */
        void onBroadcast(String frame);
    }

    private final Map<String, Set<Listener>> listeners = new ConcurrentHashMap<>();
    /** Newest sequence published per watched session, so a relay knows where to continue. */
    private final Map<String, Long> highestPublished = new ConcurrentHashMap<>();

    private final AtomicInteger count = new AtomicInteger();

    public void subscribe(String sessionId, Listener listener) {
        if (listeners
                .computeIfAbsent(sessionId, id -> new CopyOnWriteArraySet<>())
                .add(listener)) {
            count.incrementAndGet();
        }
    }

    public void unsubscribe(String sessionId, Listener listener) {
        listeners.computeIfPresent(sessionId, (id, set) -> {
            if (set.remove(listener)) {
                count.decrementAndGet();
            }
            if (set.isEmpty()) {
                highestPublished.remove(id);
                return null;
            }
            return set;
        });
    }

    /** Called in sequence order per session (the event log guarantees it). */
    public void publish(Event event) {
        Set<Listener> watchers = listeners.get(event.sessionId());
        if (watchers == null || watchers.isEmpty()) {
            return;
        }
        highestPublished.merge(event.sessionId(), event.seq(), Math::max);
        String json = Json.write(Views.event(event));
        for (Listener l : watchers) {
            l.onEvent(event, json);
        }
    }

    public void broadcast(String sessionId, String frame) {
        Set<Listener> watchers = listeners.get(sessionId);
        if (watchers != null) {
            for (Listener l : watchers) {
                l.onBroadcast(frame);
            }
        }
    }

    public boolean watched(String sessionId) {
        Set<Listener> watchers = listeners.get(sessionId);
        return watchers != null && !watchers.isEmpty();
    }

    public Set<String> watchedSessions() {
        return Set.copyOf(listeners.keySet());
    }

    /** The newest sequence number published to this session's watchers here, or -1 if none yet. */
    public long highestPublished(String sessionId) {
        return highestPublished.getOrDefault(sessionId, -1L);
    }

    public int listenerCount() {
        return count.get();
    }
}

package dev.nightshift.server.live;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.port.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one way to write to a session's log: append durably, then publish. The store alone already
 * hands out gap-free sequence numbers; the per-session lock (striped, so memory stays bounded)
 * additionally makes publication happen in sequence order, so live clients see 1, 2, 3 — never 2
 * before 1.
 */
public final class EventLog {
    private static final int STRIPES = 256;
    private static final int RELAY_PAGE = 500;

    private final Store store;
    private final EventHub hub;
    private final Clock clock;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final Counter appended;
    private final Timer appendTimer;
    private final Redactor redactor;

    /**
     * Replaces a session's known secret values in an event's data before it is stored (see {@link
     * dev.nightshift.core.secret.Redaction}); called on the appending thread, under the session's lock.
     */
    @FunctionalInterface
    public interface Redactor {
        Redactor NONE = (sessionId, json) -> json;

        String redact(String sessionId, String json);
    }

    public EventLog(Store store, EventHub hub, Clock clock, MeterRegistry metrics) {
        this(store, hub, clock, metrics, Redactor.NONE);
    }

    /** @param redactor applied to every event's data before it is stored or published */
    public EventLog(Store store, EventHub hub, Clock clock, MeterRegistry metrics, Redactor redactor) {
        this.redactor = redactor;
        this.store = store;
        this.hub = hub;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        this.appended = Counter.builder("nightshift.events.appended").register(metrics);
        this.appendTimer = Timer.builder("nightshift.events.append")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
    }

    public Event append(String sessionId, String type, String messageId, String jsonData) {
        return append(sessionId, List.of(new NewEvent(type, messageId, jsonData)))
                .getFirst();
    }

    /** Appends one of the catalogue's events (see {@link dev.nightshift.core.event.EventType}). */
    public Event append(String sessionId, String messageId, EventPayload payload) {
        return append(sessionId, List.of(NewEvent.of(messageId, payload))).getFirst();
    }

    /**
     * Another node appended to this session's log (up to {@code lastSeq}): publish what the
     * watchers here have not had yet. Events that raced ahead locally are skipped by the clients
     * themselves (they track the last sequence they sent and heal small gaps from the log).
     */
    public void relay(String sessionId, long lastSeq) {
        if (!hub.watched(sessionId)) {
            return;
        }
        ReentrantLock lock = lockFor(sessionId);
        lock.lock();
        try {
            long from = hub.highestPublished(sessionId);
            if (from >= lastSeq) {
                return;
            }
            long after = from < 0 ? lastSeq - 1 : from;
            List<Event> missing;
            do {
                missing = store.events().after(sessionId, after, RELAY_PAGE).items();
                for (Event e : missing) {
                    hub.publish(e);
                    after = e.seq();
                }
            } while (missing.size() == RELAY_PAGE && after < lastSeq);
        } finally {
            lock.unlock();
        }
    }

    /** Re-checks every watched session, after notices from other nodes may have been missed. */
    public void relayAll() {
        for (String sessionId : hub.watchedSessions()) {
            store.sessions().get(sessionId).ifPresent(s -> relay(sessionId, s.lastSeq()));
        }
    }

    private ReentrantLock lockFor(String sessionId) {
        return locks[Math.floorMod(sessionId.hashCode(), STRIPES)];
    }

    public List<Event> append(String sessionId, List<NewEvent> events) {
        List<NewEvent> clean = redacted(sessionId, events);
        ReentrantLock lock = lockFor(sessionId);
        lock.lock();
        try {
            List<Event> stored = appendTimer.record(() -> store.events().append(sessionId, clean, clock.instant()));
            appended.increment(stored.size());
            for (Event e : stored) {
                hub.publish(e);
            }
            return stored;
        } finally {
            lock.unlock();
        }
    }

    /** Text about a session (a failed prompt's error) as it may be stored: no known secret value left. */
    public String redacted(String sessionId, String text) {
        return text == null ? null : redactor.redact(sessionId, text);
    }

    /** The events as they may be stored: no known secret value of the session left in their data. */
    public List<NewEvent> redacted(String sessionId, List<NewEvent> events) {
        List<NewEvent> out = new java.util.ArrayList<>(events.size());
        for (NewEvent e : events) {
            String data = redactor.redact(sessionId, e.data());
            out.add(data == e.data() ? e : new NewEvent(e.type(), e.messageId(), data));
        }
        return out;
    }

    /**
     * Runs a store operation that may append events in its own transaction (a prompt finished
     * together with its turn's end) under this session's append lock, then publishes what it stored.
     */
    public java.util.Optional<List<Event>> appendWith(
            String sessionId, java.util.function.Supplier<java.util.Optional<List<Event>>> operation) {
        ReentrantLock lock = lockFor(sessionId);
        lock.lock();
        try {
            java.util.Optional<List<Event>> stored = operation.get();
            stored.ifPresent(events -> {
                appended.increment(events.size());
                events.forEach(hub::publish);
            });
            return stored;
        } finally {
            lock.unlock();
        }
    }
}

package dev.nightshift.server.live;

import dev.nightshift.core.model.Event;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected watcher: a bounded outbox filled by the hub and drained by the client's own
 * virtual thread. When the outbox is full the client has fallen too far behind: the queued frames
 * are dropped and the transport is told to resynchronise from the last event it really sent.
 * Events the client already has (from the snapshot or a catch-up) are skipped by sequence number.
 */
final class LiveClient implements EventHub.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(LiveClient.class);

    /** How frames reach the client; {@code send} may block (the hub never waits for it). */
    public interface Transport {
        /** A log event, given as the API's event JSON. */
        void sendEvent(Event event, String eventJson) throws Exception;

        /** Any other protocol frame. */
        void sendFrame(String frame) throws Exception;

        /** The outbox overflowed: everything after {@code lastSentSeq} may be missing. */
        void resync(long lastSentSeq) throws Exception;

        void close(String reason);

        /** Nothing to send for a while: a chance to prove the connection is alive. */
        default void heartbeat() throws Exception {}
    }

    /** How long an idle client waits before a heartbeat. */
    static final long HEARTBEAT_MS = 15_000;

    /**
     * Reads events a client is missing from the log: {@code seq > after && seq < before}. Used
     * when a live event arrives ahead of one the client has not had (events from another node
     * can race local ones).
     */
    @FunctionalInterface
    public interface GapFiller {
        java.util.List<Event> between(long after, long before);
    }

    /** Larger gaps are not filled here: the client has fallen behind and is told to resync. */
    public static final int MAX_GAP_FILL = 500;

    private record Item(Event event, String text) {}

    private static final Item STOP = new Item(null, null);

    private final BlockingQueue<Item> outbox;
    private final Transport transport;
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private volatile long lastSentSeq;
    private volatile boolean closed;

    private final GapFiller gapFiller;

    public LiveClient(int capacity, Transport transport, GapFiller gapFiller) {
        this.outbox = new LinkedBlockingQueue<>(capacity);
        this.transport = transport;
        this.gapFiller = gapFiller;
    }

    @Override
    public void onEvent(Event event, String eventJson) {
        offer(new Item(event, eventJson));
    }

    @Override
    public void onBroadcast(String frame) {
        offer(new Item(null, frame));
    }

    /** Frames sent directly (snapshot, history, replies) also count as delivered up to {@code seq}. */
    public void markDelivered(long seq) {
        if (seq > lastSentSeq) {
            lastSentSeq = seq;
        }
    }

    public long lastSentSeq() {
        return lastSentSeq;
    }

    /** Queues a reply frame behind whatever is already queued, so replies keep their order. */
    public void reply(String frame) {
        offer(new Item(null, frame));
    }

    private void offer(Item item) {
        if (closed) {
            return;
        }
        if (!outbox.offer(item)) {
            // too far behind: drop what is queued (the client resyncs from the log) but keep the
            // newest, so live updates resume as soon as the client reads again
            overflowed.set(true);
            outbox.clear();
            outbox.offer(item);
        }
    }

    /** Drains the outbox until {@link #stop()}; run it on the client's own virtual thread. */
    public void run() {
        try {
            while (!closed) {
                Item item = outbox.poll(HEARTBEAT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (item == null) {
                    transport.heartbeat();
                    continue;
                }
                if (item == STOP) {
                    return;
                }
                if (overflowed.getAndSet(false)) {
                    transport.resync(lastSentSeq);
                }
                if (item.event() == null) {
                    transport.sendFrame(item.text());
                } else if (item.event().seq() > lastSentSeq) {
                    fillGapBefore(item.event().seq());
                    transport.sendEvent(item.event(), item.text());
                    lastSentSeq = item.event().seq();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("live client gone: {}", e.toString());
            closed = true;
            transport.close("send failed: " + e.getMessage());
        }
    }

    private void fillGapBefore(long seq) throws Exception {
        long gap = seq - lastSentSeq - 1;
        if (gap <= 0 || gap > MAX_GAP_FILL) {
            return;
        }
        for (Event missing : gapFiller.between(lastSentSeq, seq)) {
            if (missing.seq() > lastSentSeq) {
                transport.sendEvent(
                        missing,
                        dev.nightshift.server.http.Json.write(dev.nightshift.server.http.Views.event(missing)));
                lastSentSeq = missing.seq();
            }
        }
    }

    public void stop() {
        closed = true;
        outbox.clear();
        outbox.offer(STOP);
    }

    public boolean closed() {
        return closed;
    }
}

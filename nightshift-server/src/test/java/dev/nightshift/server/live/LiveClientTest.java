package dev.nightshift.server.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nightshift.core.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LiveClientTest {
    private static Event event(long seq) {
        return new Event("ses_1", seq, "token", null, "{}", Instant.EPOCH);
    }

    /** Records what reached the "socket"; can be made to block like a client that stopped reading. */
    private static final class Recorder implements LiveClient.Transport {
        final List<Long> sent = new CopyOnWriteArrayList<>();
        final List<Long> resyncs = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public void sendEvent(Event event, String eventJson) throws Exception {
            gate.await();
            sent.add(event.seq());
        }

        @Override
        public void sendFrame(String frame) {}

        @Override
        public void resync(long lastSentSeq) {
            resyncs.add(lastSentSeq);
        }

        @Override
        public void close(String reason) {}
    }

    @Test
    void eventsAlreadyDeliveredAreSkippedAndSmallGapsAreHealedFromTheLog() {
        Recorder recorder = new Recorder();
        List<long[]> fills = new ArrayList<>();
        LiveClient client = new LiveClient(100, recorder, (after, before) -> {
            fills.add(new long[] {after, before});
            return LongStream.range(after + 1, before)
                    .mapToObj(LiveClientTest::event)
                    .toList();
        });
        client.markDelivered(5); // the snapshot held 1..5
        Thread.ofVirtual().start(client::run);
        client.onEvent(event(4), "{}"); // raced the snapshot
        client.onEvent(event(9), "{}"); // 6..8 were written by another node and not relayed yet
        client.onEvent(event(7), "{}"); // arrives late: already healed
        client.onEvent(event(10), "{}");
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.sent.size() == 5);
        client.stop();
        assertThat(recorder.sent).containsExactly(6L, 7L, 8L, 9L, 10L);
        assertThat(fills).hasSize(1);
        assertThat(fills.getFirst()).containsExactly(5, 9);
    }

    @Test
    void aClientThatFallsBehindIsToldToResyncAndNeverBlocksThePublisher() {
        Recorder recorder = new Recorder();
        recorder.gate = new CountDownLatch(1);
        LiveClient client = new LiveClient(10, recorder, (after, before) -> List.of());
        Thread.ofVirtual().start(client::run);
        long start = System.nanoTime();
        for (long seq = 1; seq <= 5_000; seq++) {
            client.onEvent(event(seq), "{}"); // must return at once even though nothing is sent
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        recorder.gate.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.sent.contains(5_000L));
        client.stop();
        assertThat(recorder.resyncs).isNotEmpty();
        assertThat(recorder.sent).isSorted().doesNotHaveDuplicates().hasSizeLessThan(5_000);
    }
}

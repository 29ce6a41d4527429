package dev.nightshift.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyedBucketsTest {
    /** A clock the test moves by hand. */
    static final class ManualTime implements TimeMeter {
        final AtomicLong nanos = new AtomicLong();

        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    @Test
    void aKeyGetsItsCapacityThenWaitsForTheRefill() {
        ManualTime time = new ManualTime();
        KeyedBuckets buckets = new KeyedBuckets(3, Duration.ofMinutes(1), 10, time);
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.take("a")).isZero();
        }
        long wait = buckets.take("a");
        assertThat(wait).isBetween(1L, TimeUnit.SECONDS.toNanos(20)); // one token every 20 s
        assertThat(buckets.take("b")).as("another key has its own bucket").isZero();
        time.advance(Duration.ofSeconds(20));
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isPositive();
    }

    @Test
    void waitNanosNeitherTakesNorCreates() {
        ManualTime time = new ManualTime();
        KeyedBuckets buckets = new KeyedBuckets(1, Duration.ofMinutes(1), 10, time);
        assertThat(buckets.waitNanos("a")).isZero();
        assertThat(buckets.size()).isZero();
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.waitNanos("a")).isPositive();
        assertThat(buckets.waitNanos("a")).isPositive();
        time.advance(Duration.ofMinutes(1));
        assertThat(buckets.waitNanos("a")).isZero();
        assertThat(buckets.take("a")).isZero();
    }

    @Test
    void aFloodOfDistinctKeysKeepsAtMostMaxKeysAndTheBusiestStay() {
        KeyedBuckets buckets = new KeyedBuckets(1, Duration.ofMinutes(1), 100, new ManualTime());
        assertThat(buckets.take("hot")).isZero();
        for (int i = 0; i < 10_000; i++) {
            buckets.take("random-" + i);
            if (i % 50 == 0) {
                assertThat(buckets.take("hot"))
                        .as("the hot key stays limited: its bucket is never evicted")
                        .isPositive();
            }
        }
        assertThat(buckets.size()).isEqualTo(100);
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(RateLimits.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(RateLimits.retryAfterSeconds(TimeUnit.SECONDS.toNanos(1))).isEqualTo(1);
        assertThat(RateLimits.retryAfterSeconds(TimeUnit.SECONDS.toNanos(1) + 1))
                .isEqualTo(2);
        assertThat(RateLimits.retryAfterSeconds(TimeUnit.MILLISECONDS.toNanos(2500)))
                .isEqualTo(3);
    }
}

package dev.nightshift.server.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Bucket4j token bucket per key (a client address, the hash of a token), for one limit:
 * {@code capacity} requests at once, refilled at {@code capacity} per {@code period}.
 *
 * <p>Memory is bounded: at most {@code maxKeys} buckets are kept, the least recently used one is
 * dropped when a new key arrives. A dropped key starts again with a full bucket, so eviction can
 * only ever make the limit more lenient for that key, never refuse someone wrongly; a flood of
 * distinct keys (random bad tokens) costs at most {@code maxKeys} buckets.
 *
 * <p>Buckets live in this process's memory: each node of a fleet counts on its own. Thread-safe:
 * called from Jetty's request threads (virtual threads) at the same time; the map is guarded by
 * its own lock, held only for the lookup, and each bucket is thread-safe itself.
 */
final class KeyedBuckets {
    private final long capacity;
    private final Duration period;
    private final TimeMeter time;
    private final Map<String, Bucket> buckets;

    public KeyedBuckets(long capacity, Duration period, int maxKeys) {
        this(capacity, period, maxKeys, TimeMeter.SYSTEM_MILLISECONDS);
    }

    /** @param time the clock the buckets refill by (tests pass their own) */
    KeyedBuckets(long capacity, Duration period, int maxKeys, TimeMeter time) {
        if (capacity < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("capacity and maxKeys must be at least 1");
        }
        this.capacity = capacity;
        this.period = period;
        this.time = time;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Takes one token for {@code key}: 0 when allowed, else how long until one is available (in nanoseconds). */
    public long take(String key) {
        ConsumptionProbe probe = bucket(key).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /** How long until {@code key} could take a token (0: now), without taking one or creating a bucket. */
    public long waitNanos(String key) {
        Bucket bucket;
        synchronized (buckets) {
            bucket = buckets.get(key);
        }
        if (bucket == null) {
            return 0;
        }
        var probe = bucket.estimateAbilityToConsume(1);
        return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /** How many keys have a bucket now (for tests of the bound). */
    public int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    public long capacity() {
        return capacity;
    }

    public Duration period() {
        return period;
    }

    private Bucket bucket(String key) {
        synchronized (buckets) {
            return buckets.computeIfAbsent(key, k -> newBucket(capacity, period, time));
        }
    }

    static Bucket newBucket(long capacity, Duration period, TimeMeter time) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, period))
                .withCustomTimePrecision(time)
                .build();
    }
}

package dev.nightshift.bench;

/** A named set of nanosecond samples, sorted, with nearest-rank percentiles. */
record Series(String name, long[] sorted) {
    static Series of(String name, long[] samples) {
        return new Series(name, Stats.sorted(samples));
    }

    long p(double q) {
        return Stats.pct(sorted, q);
    }

    long p50() {
        return p(0.5);
    }

    int n() {
        return sorted.length;
    }
}

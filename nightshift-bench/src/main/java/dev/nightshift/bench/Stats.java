package dev.nightshift.bench;

import java.util.Arrays;
import java.util.Locale;

/** Percentiles (nearest rank) over nanosecond samples, and number formatting for the report. */
final class Stats {
    private Stats() {}

    static long[] sorted(long[] samples) {
        long[] copy = samples.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** Nearest-rank percentile of an ascending array; {@code p} in (0, 1]. */
    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static String fmtMs(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", ms(nanos));
    }

    static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    static String ratio(double a, double b) {
        return b <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", a / b);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String kib(double bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}

package dev.nightshift.server;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the durations and sizes operators write: {@code 30s}, {@code 1h}, {@code 512m}, {@code 4g}. */
public final class Units {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmgt]?)b?", Pattern.CASE_INSENSITIVE);

    private Units() {}

    public static Duration parseDuration(String name, String raw) {
        Matcher m = DURATION.matcher(raw.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    name + " must be a number and a unit (ms, s, m, h, d) such as 30s or 1h, got '" + raw + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The shortest exact form: 30m, 1h, 45s, 250ms. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    public static long parseBytes(String name, String raw) {
        Matcher m = SIZE.matcher(raw.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " must be a size such as 512m or 4g, got '" + raw + "'");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return n << shift;
    }

    /** The shortest exact form: 4g, 512m, 1000. */
    public static String formatBytes(long bytes) {
        for (String[] unit : new String[][] {{"t", "40"}, {"g", "30"}, {"m", "20"}, {"k", "10"}}) {
            int shift = Integer.parseInt(unit[1]);
            if (bytes > 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + unit[0];
            }
        }
        return Long.toString(bytes);
    }
}

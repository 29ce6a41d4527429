package dev.nightshift.agent.tools;

import java.time.Duration;
import java.util.Locale;

/** Small text helpers shared by the tools' answers. */
final class Format {
    private Format() {}

    /** Cuts {@code text} to {@code maxChars}, never splitting a surrogate pair, and marks the cut with "…". */
    static String cut(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end) + "…";
    }

    /** A numbered line as {@code cat -n} prints it: the number right-aligned in six columns, a tab, the text. */
    static String numbered(long lineNumber, String text) {
        return String.format(Locale.ROOT, "%6d\t%s", lineNumber, text);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** "1 match", "3 matches". */
    static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}

package dev.nightshift.agent.tools;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a file fed to it in chunks: keeps a window of them (numbered from 1, each cut to a
 * length, all together within a character budget) and counts every line it sees, so the reader can
 * say how much of the file is left. A line's bytes are decoded only once the line is whole, so a
 * character split between chunks is never broken.
 */
final class LineWindow {
    private final long first;
    private final int maxLines;
    private final int maxLineChars;
    private final int maxLineBytes;
    private final int budgetChars;
    private final List<String> numbered = new ArrayList<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private boolean currentTooLong;
    private boolean currentStarted;
    private long lines;
    private int usedChars;
    private boolean budgetSpent;
    private boolean crlf;

    LineWindow(long first, int maxLines, int maxLineChars, int budgetChars) {
        this.first = first;
        this.maxLines = maxLines;
        this.maxLineChars = maxLineChars;
        this.maxLineBytes = maxLineChars * 4 + 4; // enough bytes for maxLineChars of any UTF-8
        this.budgetChars = budgetChars;
    }

    void feed(byte[] chunk) {
        int start = 0;
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] == '\n') {
                take(chunk, start, i);
                endLine();
                start = i + 1;
            }
        }
        take(chunk, start, chunk.length);
    }

    /** Counts a last line that has no newline at its end. */
    void finish() {
        if (currentStarted) {
            endLine();
        }
    }

    private boolean collecting(long lineNumber) {
        return !budgetSpent && lineNumber >= first && numbered.size() < maxLines;
    }

    private void take(byte[] chunk, int from, int to) {
        if (to <= from) {
            return;
        }
        currentStarted = true;
        if (collecting(lines + 1)) {
            int room = maxLineBytes - current.size();
            int n = Math.min(room, to - from);
            current.write(chunk, from, Math.max(0, n));
            currentTooLong |= n < to - from;
        }
    }

    private void endLine() {
        long number = lines + 1;
        if (collecting(number)) {
            String text = current.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
                crlf = true;
            }
            if (currentTooLong || text.length() > maxLineChars) {
                text = Format.cut(text, maxLineChars) + " [line cut at " + maxLineChars + " characters]";
            }
            String line = Format.numbered(number, text);
            if (usedChars + line.length() + 1 > budgetChars) {
                budgetSpent = true;
            } else {
                numbered.add(line);
                usedChars += line.length() + 1;
            }
        }
        current.reset();
        currentTooLong = false;
        currentStarted = false;
        lines = number;
    }

    /** The window's lines, each numbered like {@code cat -n}. */
    List<String> numbered() {
        return numbered;
    }

    /** Every line seen so far (after {@link #finish}, the file's line count). */
    long lines() {
        return lines;
    }

    /** The number of the line after the window: where the next read starts. */
    long next() {
        return first + numbered.size();
    }

    /** True when the window stopped short of its line count because its characters ran out. */
    boolean budgetSpent() {
        return budgetSpent;
    }

    /** True when a shown line ended in CR LF (the CR is not shown). */
    boolean crlf() {
        return crlf;
    }
}

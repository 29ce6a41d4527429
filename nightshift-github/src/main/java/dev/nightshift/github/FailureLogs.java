package dev.nightshift.github;

import dev.nightshift.core.text.PromptText;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Shortens the log of a failed CI job to what an agent needs to fix it: the lines that look like
 * errors with some context, and the end of the log. A job log can be tens of megabytes, an agent's
 * context window a few thousand lines, and most of a log is download progress and passing tests.
 *
 * <p>One pass over the log, keeping no more than the room asked for (plus a few lines of context),
 * so a 50 MB log is slimmed in well under a second. Stateless, so any thread may call it.
 */
public final class FailureLogs {

    /** Lines kept before each error line. */
    static final int CONTEXT_LINES_BEFORE = 3;
    /** Lines kept after each error line: a stack trace or an assertion's expected/actual. */
    static final int CONTEXT_LINES_AFTER = 6;
    /** How many of the log's last lines are kept: exit codes and build summaries stand there. */
    static final int TAIL_LINES = 30;
    /** A single log line is cut to this (minified code and base64 blobs are one line). */
    static final int MAX_LINE_CHARS = 1_000;

    static final String GAP = PromptText.ELLIPSIS;
    static final String TAIL_SEPARATOR = "----- end of the log -----";

    private static final char ESC = '\u001b';
    private static final String GROUP = "##[group]";
    private static final String END_GROUP = "##[endgroup]";

    private FailureLogs() {}

    /**
     * The log's error lines, each with {@value #CONTEXT_LINES_BEFORE} lines before and
     * {@value #CONTEXT_LINES_AFTER} after (overlaps merged, {@code …} between gaps), then
     * {@value #TAIL_SEPARATOR} and its last {@value #TAIL_LINES} lines; never longer than
     * {@code maxChars}. GitHub Actions' timestamps, colour codes and group markers are removed
     * first. When that is still too long, context lines go before error lines, then the middle of
     * the error lines is cut (the first error is usually the cause, the last ones the summary).
     *
     * @param log a job's log as GitHub Actions serves it; null is an empty log
     */
    public static String slim(String log, int maxChars) {
        if (log == null || maxChars <= 0) {
            return "";
        }
        Excerpt excerpt = new Excerpt(maxChars);
        ArrayDeque<Line> before = new ArrayDeque<>(CONTEXT_LINES_BEFORE + 1);
        ArrayDeque<Line> tail = new ArrayDeque<>(TAIL_LINES + 1);
        int number = 0;
        int afterLeft = 0;
        int start = 0;
        int length = log.length();
        while (start < length) {
            int newline = log.indexOf('\n', start);
            int end = newline < 0 ? length : newline;
            String text = clean(log, start, end);
            start = end + 1;
            if (text == null) {
                continue;
            }
            Line line = new Line(++number, text, looksLikeError(text));
            if (line.error()) {
                for (Line context : before) {
                    excerpt.add(context);
                }
                excerpt.add(line);
                afterLeft = CONTEXT_LINES_AFTER;
            } else if (afterLeft > 0) {
                excerpt.add(line);
                afterLeft--;
            }
            push(before, line, CONTEXT_LINES_BEFORE);
            push(tail, line, TAIL_LINES);
        }
        List<String> tailLines = new ArrayList<>();
        for (Line line : tail) {
            if (line.number() > excerpt.lastNumber) {
                tailLines.add(line.text());
            }
        }
        return assemble(excerpt, tailLines, maxChars);
    }

    /**
     * A check run's output for an agent, when it is not an Actions job (whose log {@link #slim}
     * reads): its title, its summary, and its text, each slimmed so that together they fit
     * {@code maxChars}. The summary keeps its beginning and end; the text is treated like a log.
     */
    public static String slimCheckRun(String title, String summary, String text, int maxChars) {
        if (maxChars <= 0) {
            return "";
        }
        String head = title == null || title.isBlank() ? "" : title.strip().replace('\n', ' ');
        head = PromptText.cutEnd(head, Math.min(MAX_LINE_CHARS, maxChars));
        String sum = summary == null ? "" : summary.strip();
        String body = text == null ? "" : text.strip();
        int room = maxChars - head.length() - (head.isEmpty() ? 0 : 2);
        if (room <= 0) {
            return head;
        }
        if (sum.length() + body.length() + 2 <= room) {
            return join(head, sum, body);
        }
        int sumRoom = body.isEmpty() ? room : Math.max(room / 2, room - body.length() - 2);
        String sumCut = TextCuts.cutMiddle(sum.lines().toList(), Math.min(sumRoom, room));
        int bodyRoom = room - sumCut.length() - (sumCut.isEmpty() ? 0 : 2);
        String bodyCut = body.length() <= bodyRoom ? body : slim(body, bodyRoom);
        String joined = join(head, sumCut, bodyCut);
        return joined.length() <= maxChars ? joined : PromptText.prefix(joined, maxChars);
    }

    private static String join(String... parts) {
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (!part.isEmpty()) {
                if (!out.isEmpty()) {
                    out.append("\n\n");
                }
                out.append(part);
            }
        }
        return out.toString();
    }

    private static String assemble(Excerpt excerpt, List<String> tailLines, int maxChars) {
        if (excerpt.isEmpty()) {
            String tailOnly = tailPart(tailLines, maxChars);
            return !tailOnly.isEmpty() || tailLines.isEmpty()
                    ? tailOnly
                    : TextCuts.suffix(tailLines.getLast(), maxChars);
        }
        List<String> errorLines = excerpt.lines(false);
        long excerptLength = TextCuts.joinedLength(errorLines);
        long tailLength = tailLines.isEmpty() ? 0 : TextCuts.joinedLength(tailLines) + TAIL_SEPARATOR.length() + 2;
        if (excerptLength + tailLength <= maxChars) {
            return String.join("\n", withSeparator(errorLines, tailLines));
        }
        // error lines come first: the end of the log gets what they leave, but at least a quarter
        int tailRoom = (int) Math.min(tailLength, Math.max(maxChars / 4, maxChars - excerptLength));
        String tailPart = tailPart(tailLines, tailRoom - 1);
        if (!tailPart.isEmpty()) {
            tailPart = "\n" + tailPart;
        }
        String out = excerpt.fit(maxChars - tailPart.length()) + tailPart;
        return out.length() <= maxChars ? out : PromptText.prefix(out, maxChars);
    }

    /** The separator and as many of the last lines as fit in {@code room}; empty when none fits. */
    private static String tailPart(List<String> tailLines, int room) {
        List<String> kept = new ArrayList<>();
        long used = TAIL_SEPARATOR.length();
        for (int i = tailLines.size() - 1; i >= 0; i--) {
            int cost = tailLines.get(i).length() + 1;
            if (used + cost > room) {
                break;
            }
            used += cost;
            kept.addFirst(tailLines.get(i));
        }
        return kept.isEmpty() ? "" : String.join("\n", withSeparator(List.of(), kept));
    }

    private static List<String> withSeparator(List<String> excerpt, List<String> tailLines) {
        List<String> all = new ArrayList<>(excerpt);
        if (!tailLines.isEmpty()) {
            all.add(TAIL_SEPARATOR);
            all.addAll(tailLines);
        }
        return all;
    }

    private static void push(ArrayDeque<Line> window, Line line, int size) {
        if (window.size() == size) {
            window.removeFirst();
        }
        window.addLast(line);
    }

    /**
     * Whether a line looks like it reports a failure, in the forms compilers, test runners and
     * package managers print them.
     */
    static boolean looksLikeError(String line) {
        return line.contains("##[error]")
                || line.contains("Error:")
                || line.contains("error:")
                || line.contains("ERROR")
                || line.contains("FAIL")
                || line.contains("Exception")
                || line.contains("AssertionError")
                || line.contains("expected")
                || line.contains("Traceback")
                || line.contains("panic:")
                || line.contains("npm ERR!")
                || testsFailed(line);
    }

    /** A JUnit or Maven summary with failures or errors: {@code Tests run: 9, Failures: 1, ...}. */
    private static boolean testsFailed(String line) {
        return line.contains("Tests run:") && (countAboveZero(line, "Failures: ") || countAboveZero(line, "Errors: "));
    }

    private static boolean countAboveZero(String line, String label) {
        int at = line.indexOf(label);
        if (at < 0 || at + label.length() >= line.length()) {
            return false;
        }
        char digit = line.charAt(at + label.length());
        return digit >= '1' && digit <= '9';
    }

    /**
     * A raw log line as a person reads it: without the trailing carriage return, what a progress bar
     * overwrote, the leading timestamp, colour codes and {@code ##[group]} markers; cut to
     * {@value #MAX_LINE_CHARS}. Null for a line that is only a marker ({@code ##[endgroup]}).
     */
    static String clean(String log, int start, int end) {
        if (end > start && log.charAt(end - 1) == '\r') {
            end--;
        }
        for (int i = end - 1; i >= start; i--) {
            if (log.charAt(i) == '\r') {
                start = i + 1; // a progress bar: what the terminal showed last
                break;
            }
        }
        start += timestampLength(log, start, end);
        // without colour codes the line is a plain substring: look before copying
        boolean coloured = false;
        for (int i = start; i < end && i < start + 4 * MAX_LINE_CHARS; i++) {
            if (log.charAt(i) == ESC) {
                coloured = true;
                break;
            }
        }
        String text = coloured ? stripAnsi(log, start, Math.min(end, start + 4 * MAX_LINE_CHARS)) : null;
        if (text == null) {
            text = log.substring(start, Math.min(end, start + MAX_LINE_CHARS + 1));
        }
        if (text.startsWith(END_GROUP)) {
            return null;
        }
        if (text.startsWith(GROUP)) {
            text = text.substring(GROUP.length());
        }
        return PromptText.cutEnd(text, MAX_LINE_CHARS);
    }

    /** The length of a leading {@code 2024-05-01T10:00:00.1234567Z } (or without fraction), else 0. */
    private static int timestampLength(String log, int start, int end) {
        String shape = "dddd-dd-ddTdd:dd:dd";
        if (end - start < shape.length() + 2) {
            return 0;
        }
        for (int i = 0; i < shape.length(); i++) {
            char expected = shape.charAt(i);
            char c = log.charAt(start + i);
            if (expected == 'd' ? c < '0' || c > '9' : c != expected) {
                return 0;
            }
        }
        int i = start + shape.length();
        if (log.charAt(i) == '.') {
            i++;
            while (i < end && log.charAt(i) >= '0' && log.charAt(i) <= '9') {
                i++;
            }
        }
        if (i + 1 < end && log.charAt(i) == 'Z' && log.charAt(i + 1) == ' ') {
            return i + 2 - start;
        }
        return i < end && log.charAt(i) == 'Z' && i + 1 == end ? i + 1 - start : 0;
    }

    /**
     * The text without ANSI escape sequences: CSI ({@code ESC [ ... final}), OSC
     * ({@code ESC ] ... BEL} or {@code ESC \}) and two-character escapes.
     */
    private static String stripAnsi(String log, int start, int end) {
        StringBuilder out = new StringBuilder(end - start);
        int i = start;
        while (i < end) {
            char c = log.charAt(i);
            if (c != ESC) {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= end) {
                break;
            }
            char kind = log.charAt(i + 1);
            i += 2;
            if (kind == '[') {
                while (i < end && (log.charAt(i) < '@' || log.charAt(i) > '~')) {
                    i++;
                }
                i++; // the final byte
            } else if (kind == ']') {
                while (i < end && log.charAt(i) != '\u0007' && log.charAt(i) != ESC) {
                    i++;
                }
                i += i < end && log.charAt(i) == ESC ? 2 : 1;
            }
        }
        return out.toString();
    }

    private record Line(int number, String text, boolean error) {}

    /**
     * The error lines and their context, in order, held in about twice the room asked for: the
     * first lines up to the room, then a sliding window of the last lines as long again; what falls
     * out of the window in between is only counted. This keeps memory bounded however many lines
     * match, and leaves {@link #fit} enough to choose error lines over context.
     */
    private static final class Excerpt {
        private final long sideRoom;
        private final List<Line> head = new ArrayList<>();
        private final ArrayDeque<Line> window = new ArrayDeque<>();
        private long headChars;
        private long windowChars;
        private int cutLines;
        private int lastNumber;

        Excerpt(int maxChars) {
            this.sideRoom = Math.max(1, maxChars);
        }

        void add(Line line) {
            if (line.number() <= lastNumber) {
                return; // already in, as context of an earlier error
            }
            if (lastNumber > 0 && line.number() > lastNumber + 1) {
                addText(new Line(0, GAP, false));
            }
            addText(line);
            lastNumber = line.number();
        }

        private void addText(Line line) {
            if (window.isEmpty() && headChars + line.text().length() + 1 <= sideRoom) {
                head.add(line);
                headChars += line.text().length() + 1;
                return;
            }
            window.addLast(line);
            windowChars += line.text().length() + 1;
            while (windowChars > sideRoom && window.size() > 1) {
                Line evicted = window.removeFirst();
                windowChars -= evicted.text().length() + 1;
                if (evicted.number() != 0) {
                    cutLines++;
                }
            }
        }

        boolean isEmpty() {
            return head.isEmpty() && window.isEmpty();
        }

        /** The lines, {@code …} between gaps and a line counting those that fell out of the window. */
        List<String> lines(boolean errorsOnly) {
            List<String> lines = new ArrayList<>();
            boolean gap = false;
            for (Line line : head) {
                gap = addLine(lines, line, errorsOnly, gap);
            }
            if (cutLines > 0) {
                lines.add(GAP + " (" + cutLines + (cutLines == 1 ? " line" : " lines") + " cut) " + GAP);
                gap = false;
            }
            for (Line line : window) {
                gap = addLine(lines, line, errorsOnly, gap);
            }
            return lines;
        }

        private static boolean addLine(List<String> lines, Line line, boolean errorsOnly, boolean gap) {
            if (line.number() == 0 || (errorsOnly && !line.error())) {
                return true;
            }
            if (gap && !lines.isEmpty() && !lines.getLast().startsWith(GAP)) {
                lines.add(GAP);
            }
            lines.add(line.text());
            return false;
        }

        /** The excerpt in {@code maxChars}: all of it, else the error lines alone, else their middle cut. */
        String fit(int maxChars) {
            List<String> all = lines(false);
            if (TextCuts.joinedLength(all) <= maxChars) {
                return String.join("\n", all);
            }
            List<String> errors = lines(true);
            return TextCuts.cutMiddle(errors, maxChars);
        }
    }
}

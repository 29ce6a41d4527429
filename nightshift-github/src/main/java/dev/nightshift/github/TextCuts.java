package dev.nightshift.github;

import dev.nightshift.core.text.PromptText;
import java.util.List;

/**
 * Shortening text to a number of characters without splitting a surrogate pair, shared by the
 * classes that fit GitHub content into an agent's context window or a comment.
 */
final class TextCuts {

    private TextCuts() {}

    /** At most {@code chars} characters from the end, one fewer rather than half a surrogate pair. */
    static String suffix(String text, int chars) {
        if (chars >= text.length()) {
            return text;
        }
        if (chars <= 0) {
            return "";
        }
        int start = text.length() - chars;
        if (Character.isLowSurrogate(text.charAt(start))) {
            start++;
        }
        return text.substring(start);
    }

    /** The length of {@code lines} joined with newlines. */
    static long joinedLength(List<String> lines) {
        long length = Math.max(0, lines.size() - 1);
        for (String line : lines) {
            length += line.length();
        }
        return length;
    }

    /**
     * {@code lines} joined with newlines, at most {@code maxChars} long: when they do not fit, the
     * first and last lines that fit in half the room each, with a line saying how many were cut in
     * between (a log's first error and its final summary matter most). Never longer than
     * {@code maxChars}, even when not one whole line fits.
     */
    static String cutMiddle(List<String> lines, int maxChars) {
        if (maxChars <= 0 || lines.isEmpty()) {
            return "";
        }
        if (joinedLength(lines) <= maxChars) {
            return String.join("\n", lines);
        }
        String longestMarker = marker(lines.size());
        int room = maxChars - longestMarker.length() - 2;
        int head = 0;
        int headChars = 0;
        int half = Math.max(0, room / 2);
        while (head < lines.size() && headChars + lines.get(head).length() + 1 <= half) {
            headChars += lines.get(head).length() + 1;
            head++;
        }
        int tail = lines.size();
        int tailChars = 0;
        int tailRoom = Math.max(0, room - headChars);
        while (tail > head && tailChars + lines.get(tail - 1).length() + 1 <= tailRoom) {
            tailChars += lines.get(tail - 1).length() + 1;
            tail--;
        }
        if (head == 0 && tail == lines.size()) {
            // not one whole line fits on either side: the beginning of the text, cut
            return PromptText.cutEnd(String.join("\n", lines.subList(0, Math.min(lines.size(), 2))), maxChars);
        }
        StringBuilder out = new StringBuilder(maxChars);
        for (int i = 0; i < head; i++) {
            out.append(lines.get(i)).append('\n');
        }
        out.append(marker(tail - head));
        for (int i = tail; i < lines.size(); i++) {
            out.append('\n').append(lines.get(i));
        }
        return out.length() <= maxChars ? out.toString() : PromptText.prefix(out.toString(), maxChars);
    }

    private static String marker(int cutLines) {
        return PromptText.ELLIPSIS + " (" + cutLines + (cutLines == 1 ? " line" : " lines") + " cut) "
                + PromptText.ELLIPSIS;
    }
}

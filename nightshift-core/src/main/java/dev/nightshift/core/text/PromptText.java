package dev.nightshift.core.text;

import java.util.List;

/**
 * Fitting what people wrote (an issue, a pull request, a thread) into an agent's prompt: cutting
 * text without splitting a surrogate pair, and packing a title, a description and comments into a
 * number of characters with the newest comments kept first. Pure functions, so any thread may call
 * them; the GitHub and Linear modules render their own comments and share this packing.
 */
public final class PromptText {
    /** What stands where text was cut off. */
    public static final String ELLIPSIS = "…";

    private static final String COMMENTS_HEADING = "## Comments";

    private PromptText() {}

    /**
     * {@code head}, the {@code body} under it, then a {@code ## Comments} section with the rendered
     * comments (oldest first) that fit: when the whole does not fit {@code maxChars}, the oldest
     * comments are left out first and a line says how many; when not even the body fits, it is cut
     * further and no comment comes. The result is never longer than {@code maxChars}.
     */
    public static String pack(String head, String body, List<String> comments, int maxChars) {
        if (maxChars <= 0) {
            return "";
        }
        String top = body.isEmpty() ? head : head + "\n\n" + body;
        if (top.length() > maxChars) {
            String note = comments.isEmpty() ? "" : "\n\n" + leftOutNote(comments.size());
            int room = maxChars - head.length() - 2 - note.length();
            if (body.isEmpty() || room <= ELLIPSIS.length()) {
                return cutEnd(top, maxChars);
            }
            return head + "\n\n" + cutEnd(body, room) + note;
        }
        if (comments.isEmpty()) {
            return top;
        }
        // the newest comments that fit, keeping room for the line on those left out
        long used = top.length() + 2L + COMMENTS_HEADING.length();
        int first = comments.size();
        while (first > 0) {
            long next = used + 2 + comments.get(first - 1).length();
            long note = first - 1 > 0 ? 2L + leftOutNote(first - 1).length() : 0;
            if (next + note > maxChars) {
                break;
            }
            used = next;
            first--;
        }
        if (first == comments.size()) {
            String note = leftOutNote(comments.size());
            return top.length() + 2 + note.length() <= maxChars ? top + "\n\n" + note : top;
        }
        StringBuilder out = new StringBuilder(top).append("\n\n").append(COMMENTS_HEADING);
        if (first > 0) {
            out.append("\n\n").append(leftOutNote(first));
        }
        for (int i = first; i < comments.size(); i++) {
            out.append("\n\n").append(comments.get(i));
        }
        return out.toString();
    }

    private static String leftOutNote(int leftOut) {
        return "_" + leftOut + (leftOut == 1 ? " older comment" : " older comments") + " left out._";
    }

    /** The text on one line, runs of white space as one space; empty for null. */
    public static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }

    /** {@code text} itself when it fits, else its beginning and {@link #ELLIPSIS}, {@code maxChars} long. */
    public static String cutEnd(String text, int maxChars) {
        if (maxChars <= 0) {
            return "";
        }
        if (text.length() <= maxChars) {
            return text;
        }
        if (maxChars <= ELLIPSIS.length()) {
            return prefix(text, maxChars);
        }
        return prefix(text, maxChars - ELLIPSIS.length()) + ELLIPSIS;
    }

    /** At most {@code chars} characters from the start, one fewer rather than half a surrogate pair. */
    public static String prefix(String text, int chars) {
        if (chars >= text.length()) {
            return text;
        }
        if (chars <= 0) {
            return "";
        }
        int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
        return text.substring(0, end);
    }
}

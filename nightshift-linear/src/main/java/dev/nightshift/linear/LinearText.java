package dev.nightshift.linear;

import dev.nightshift.core.text.PromptText;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Linear issue as text for an agent's prompt. Screenshots are image links an agent cannot open,
 * editors leave runs of blank lines, and a long thread would crowd out the code: this keeps what
 * people wrote, the newest comments first when room runs out. Stateless, so any thread may call it.
 */
public final class LinearText {

    /** The description is cut to this. */
    public static final int MAX_DESCRIPTION_CHARS = 8_000;
    /** Each comment is cut to this. */
    public static final int MAX_COMMENT_CHARS = 2_000;
    /** Longer titles are cut: a title is one line, not a place for content. */
    static final int MAX_TITLE_CHARS = 256;
    /**
     * Raw text beyond this is dropped before cleaning: the scan is linear, but a megabyte of
     * description would still be read for 8,000 characters kept.
     */
    static final int MAX_RAW_CHARS = 64_000;

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private LinearText() {}

    /**
     * The issue as markdown: {@code # title}, the description, then the comments oldest to newest,
     * each under its author's name and time. Images ({@code ![alt](url)}, {@code <img>}) are removed,
     * trailing spaces and runs of blank lines collapsed, the description cut to
     * {@value #MAX_DESCRIPTION_CHARS} characters and each comment to {@value #MAX_COMMENT_CHARS}.
     * When the whole does not fit {@code maxChars}, the oldest comments are left out first and a line
     * says how many; when not even the description fits, it is cut further. The result is never
     * longer than {@code maxChars}.
     *
     * @param comments oldest first; null entries and comments empty once cleaned are skipped
     */
    public static String prompt(String title, String description, List<LinearClient.Comment> comments, int maxChars) {
        if (maxChars <= 0) {
            return "";
        }
        String head = "# " + PromptText.cutEnd(PromptText.oneLine(title), MAX_TITLE_CHARS);
        String body = PromptText.cutEnd(clean(description), MAX_DESCRIPTION_CHARS);
        List<String> rendered = new ArrayList<>();
        if (comments != null) {
            for (LinearClient.Comment comment : comments) {
                if (comment == null) {
                    continue;
                }
                String text = PromptText.cutEnd(clean(comment.body()), MAX_COMMENT_CHARS);
                if (text.isEmpty()) {
                    continue;
                }
                String author = PromptText.oneLine(comment.author());
                String byline = "**" + (author.isEmpty() ? "someone" : PromptText.cutEnd(author, 100)) + "**"
                        + (comment.createdAt() == null ? "" : " (" + WHEN.format(comment.createdAt()) + ")") + ":";
                rendered.add(byline + "\n" + text);
            }
        }
        return PromptText.pack(head, body, rendered, maxChars);
    }

    /** Markdown without images, trailing spaces and runs of blank lines; empty for null or blank. */
    static String clean(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return "";
        }
        String text =
                PromptText.prefix(markdown, MAX_RAW_CHARS).replace("\r\n", "\n").replace('\r', '\n');
        text = withoutImages(text);
        StringBuilder out = new StringBuilder(text.length());
        boolean blankPending = false;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.stripTrailing();
            if (trimmed.isEmpty()) {
                blankPending = !out.isEmpty();
                continue;
            }
            if (!out.isEmpty()) {
                out.append(blankPending ? "\n\n" : "\n");
            }
            out.append(trimmed);
            blankPending = false;
        }
        return out.toString();
    }

    /**
     * The text without inline markdown images ({@code ![alt](url)}, on one line, as Linear's editor
     * writes uploads) and HTML {@code <img …>} tags. A scan rather than a regular expression, and one
     * that remembers where a search for a closing bracket already failed, so that a line of thousands
     * of unclosed {@code ![} costs one pass, not one per {@code ![}.
     */
    static String withoutImages(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int noParenUntil = -1; // a search for ')' from before here reached the line's end without one
        boolean tagsClose = true; // false once a '>' was searched for to the end and not found
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int end = -1;
            if (c == '!' && i + 1 < text.length() && text.charAt(i + 1) == '[') {
                int bracket = lineScan(text, i + 2, ']');
                if (bracket >= text.length() || text.charAt(bracket) != ']') {
                    // no ']' on this line: no '![' before its end can close either
                    i = Math.max(i + 1, bracket);
                    continue;
                }
                if (bracket + 1 < text.length() && text.charAt(bracket + 1) == '(' && bracket + 2 > noParenUntil) {
                    int paren = lineScan(text, bracket + 2, ')');
                    if (paren < text.length() && text.charAt(paren) == ')') {
                        end = paren + 1;
                    } else {
                        noParenUntil = paren;
                    }
                }
                if (end < 0) {
                    // every '![' before the ']' finds the same ']' and fails the same way
                    i = Math.max(i + 1, bracket);
                    continue;
                }
            } else if (c == '<' && tagsClose && text.regionMatches(true, i + 1, "img", 0, 3) && tagEnds(text, i + 4)) {
                int close = text.indexOf('>', i + 4);
                if (close < 0) {
                    tagsClose = false;
                    i++;
                    continue;
                }
                end = close + 1;
            }
            if (end < 0) {
                i++;
                continue;
            }
            out.append(text, copied, i);
            copied = end;
            i = end;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** Whether the tag name ends at {@code at}: {@code <img>}, {@code <img/>}, {@code <img src…>}. */
    private static boolean tagEnds(String text, int at) {
        if (at >= text.length()) {
            return false;
        }
        char c = text.charAt(at);
        return c == '>' || c == '/' || Character.isWhitespace(c);
    }

    /** The index of {@code want} or of the line's end, whichever comes first. */
    private static int lineScan(String text, int from, char want) {
        int i = from;
        while (i < text.length() && text.charAt(i) != want && text.charAt(i) != '\n') {
            i++;
        }
        return i;
    }
}

package dev.nightshift.github;

import dev.nightshift.core.text.PromptText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An issue or pull request conversation as text for an agent's prompt. Issue templates leave HTML
 * comments, screenshots are image links an agent cannot open, bots add noise, and a long thread
 * would crowd out the code: this keeps what people wrote, newest comments first when room runs out.
 * Stateless, so any thread may call it.
 */
public final class IssueText {

    /** The issue's or pull request's description is cut to this. */
    static final int MAX_BODY_CHARS = 8_000;
    /** Each comment is cut to this. */
    static final int MAX_COMMENT_CHARS = 2_000;
    /** GitHub's own limit on a title. */
    static final int MAX_TITLE_CHARS = 256;

    private IssueText() {}

    /**
     * The conversation as markdown: {@code # title}, the body, then the comments oldest to newest,
     * each under its author's login. HTML comments ({@code <!-- … -->}) and images are removed,
     * runs of blank lines collapsed, the body cut to {@value #MAX_BODY_CHARS} characters and each
     * comment to {@value #MAX_COMMENT_CHARS}. Comments by bots (logins ending in {@code [bot]}) are
     * left out. When the whole does not fit {@code maxChars}, the oldest comments are left out
     * first, and a line says how many; the result is never longer than {@code maxChars}.
     *
     * @param comments oldest first, each {@code {authorLogin, body}}; malformed entries are skipped
     */
    public static String prompt(String title, String body, List<String[]> comments, int maxChars) {
        if (maxChars <= 0) {
            return "";
        }
        String head = "# " + PromptText.cutEnd(PromptText.oneLine(title), MAX_TITLE_CHARS);
        String description = PromptText.cutEnd(clean(body), MAX_BODY_CHARS);
        List<String> rendered = new ArrayList<>();
        if (comments != null) {
            for (String[] comment : comments) {
                if (comment == null || comment.length < 2 || comment[0] == null || isBot(comment[0])) {
                    continue;
                }
                String text = PromptText.cutEnd(clean(comment[1]), MAX_COMMENT_CHARS);
                if (!text.isEmpty()) {
                    rendered.add("**@" + PromptText.oneLine(comment[0]) + ":**\n" + text);
                }
            }
        }
        return PromptText.pack(head, description, rendered, maxChars);
    }

    private static boolean isBot(String login) {
        return login.toLowerCase(Locale.ROOT).endsWith("[bot]");
    }

    /**
     * Markdown without what an agent cannot use: HTML comments (an unclosed one hides the rest, as
     * on GitHub), images, trailing spaces and runs of blank lines.
     */
    static String clean(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return "";
        }
        String text = withoutHtmlComments(markdown.replace("\r\n", "\n").replace('\r', '\n'));
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
     * The text without markdown images ({@code ![alt](url)}, {@code ![alt][ref]}) and HTML
     * {@code <img>} tags. Written out rather than as a regular expression so that a line of
     * thousands of unclosed {@code ![} costs one scan, not one per {@code ![}.
     */
    static String withoutImages(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        int noCloseUntil = -1; // a scan for a closing ) or ] failed up to here: later ones before it fail too
        boolean tagsClose = true; // false once a > was looked for up to the end and not found
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int end = -1;
            if (c == '!' && text.startsWith("[", i + 1)) {
                int close = lineScan(text, i + 2, ']');
                if (close < text.length() && text.charAt(close) == ']' && close + 1 < text.length()) {
                    char open = text.charAt(close + 1);
                    char want = open == '(' ? ')' : open == '[' ? ']' : 0;
                    if (want != 0 && close + 2 > noCloseUntil) {
                        int target = lineScan(text, close + 2, want);
                        if (target < text.length() && text.charAt(target) == want) {
                            end = target + 1;
                        } else {
                            noCloseUntil = target;
                        }
                    }
                }
                if (end < 0) {
                    i = Math.max(i + 1, close); // every ![ before close fails the same way
                    continue;
                }
            } else if (c == '<' && text.regionMatches(true, i + 1, "img", 0, 3) && imgTagAt(text, i + 4)) {
                int close = tagsClose ? text.indexOf('>', i + 4) : -1;
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
            out.append(text, from, i);
            from = end;
            i = end;
        }
        return out.append(text, from, text.length()).toString();
    }

    private static boolean imgTagAt(String text, int after) {
        if (after >= text.length()) {
            return false;
        }
        char c = text.charAt(after);
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

    private static String withoutHtmlComments(String text) {
        int open = text.indexOf("<!--");
        if (open < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (open >= 0) {
            out.append(text, from, open);
            int close = text.indexOf("-->", open + 4);
            if (close < 0) {
                return out.toString();
            }
            from = close + 3;
            open = text.indexOf("<!--", from);
        }
        return out.append(text, from, text.length()).toString();
    }
}

package dev.nightshift.github;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a comment asks the App for something ({@code @nightshift fix the flaky test}), and what.
 *
 * <p>A mention counts only where GitHub renders it as one a person wrote now: not inside fenced
 * code blocks or inline code (pasted logs and snippets), not on quoted lines starting with
 * {@code >} (a reply quoting an earlier request must not run it again), not as part of a longer
 * handle ({@code @nightshifter}), an e-mail address ({@code ops@nightshift.dev}), a domain or a
 * team ({@code @org/team}). The App's bot login form {@code @slug[bot]} counts too.
 *
 * <p>Every step is linear in the comment's length, so a hostile comment costs no more than a long
 * one. Stateless, so any thread may call it.
 */
public final class Mentions {

    private static final String BOT_SUFFIX = "[bot]";

    private Mentions() {}

    /**
     * The request in a comment that mentions the App: the whole comment with the mentions removed,
     * trimmed; the empty string when the comment is only the mention. Empty when it does not mention
     * the App (or {@code appSlug} is blank).
     *
     * @param appSlug the App's slug, as in {@code github.com/apps/<slug>}; a leading {@code @} or a
     *     trailing {@code [bot]} is ignored
     */
    public static Optional<String> request(String appSlug, String commentBody) {
        String slug = normalise(appSlug);
        if (slug == null || commentBody == null) {
            return Optional.empty();
        }
        List<int[]> found = find(slug, commentBody, false);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(remove(commentBody, found));
    }

    /** Whether the comment mentions the App where it counts; see {@link #request}. */
    public static boolean mentions(String appSlug, String body) {
        String slug = normalise(appSlug);
        return slug != null && body != null && !find(slug, body, true).isEmpty();
    }

    private static String normalise(String appSlug) {
        if (appSlug == null) {
            return null;
        }
        String slug = appSlug.strip();
        if (slug.startsWith("@")) {
            slug = slug.substring(1);
        }
        int base = slug.length() - BOT_SUFFIX.length();
        if (base > 0 && slug.regionMatches(true, base, BOT_SUFFIX, 0, BOT_SUFFIX.length())) {
            slug = slug.substring(0, base);
        }
        return slug.isEmpty() || slug.chars().anyMatch(Character::isWhitespace) ? null : slug;
    }

    /** The {@code [start, end)} ranges of the mentions that count, in order. */
    private static List<int[]> find(String slug, String text, boolean firstOnly) {
        List<int[]> found = new ArrayList<>();
        if (text.indexOf('@') < 0) {
            return found;
        }
        boolean[] hidden = hidden(text);
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            if (hidden[at] || !standsAlone(text, at)) {
                continue;
            }
            int end = at + 1 + slug.length();
            if (!text.regionMatches(true, at + 1, slug, 0, slug.length())) {
                continue;
            }
            if (text.regionMatches(true, end, BOT_SUFFIX, 0, BOT_SUFFIX.length())) {
                end += BOT_SUFFIX.length();
            }
            if (!endsHandle(text, end)) {
                continue;
            }
            found.add(new int[] {at, end});
            if (firstOnly) {
                break;
            }
        }
        return found;
    }

    /** Whether an {@code @} starts a handle rather than continuing a word, an address or a URL. */
    private static boolean standsAlone(String text, int at) {
        if (at == 0) {
            return true;
        }
        char before = text.charAt(at - 1);
        return !(Character.isLetterOrDigit(before)
                || before == '_'
                || before == '.'
                || before == '-'
                || before == '+'
                || before == '@'
                || before == '/'
                || before == '\\');
    }

    /**
     * Whether the handle ends at {@code end}: not followed by more handle characters
     * ({@code @slugger}), nor by a dot or slash that continues a domain, team or path
     * ({@code @slug.dev}, {@code @slug/team}); a full stop ending the sentence is fine.
     */
    private static boolean endsHandle(String text, int end) {
        if (end >= text.length()) {
            return true;
        }
        char next = text.charAt(end);
        if (Character.isLetterOrDigit(next) || next == '_' || next == '-' || next == '@') {
            return false;
        }
        if (next == '.' || next == '/') {
            return end + 1 >= text.length() || !Character.isLetterOrDigit(text.charAt(end + 1));
        }
        return true;
    }

    /**
     * Which characters GitHub would not render as running text: fenced code blocks (``` or ~~~,
     * unclosed ones to the end), lines quoted with {@code >}, and inline code spans.
     */
    static boolean[] hidden(String text) {
        boolean[] hidden = new boolean[text.length()];
        int paragraphStart = -1;
        char fence = 0;
        int fenceLength = 0;
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int newline = text.indexOf('\n', lineStart);
            int lineEnd = newline < 0 ? text.length() : newline;
            int indent = indent(text, lineStart, lineEnd);
            int content = lineStart + indent;
            boolean hide;
            if (fence != 0) {
                hide = true;
                int run = run(text, content, lineEnd, fence);
                if (indent <= 3
                        && run >= fenceLength
                        && text.substring(content + run, lineEnd).isBlank()) {
                    fence = 0;
                }
            } else if (indent <= 3 && opensFence(text, content, lineEnd)) {
                hide = true;
                fence = text.charAt(content);
                fenceLength = run(text, content, lineEnd, fence);
            } else {
                hide = indent <= 3 && content < lineEnd && text.charAt(content) == '>';
            }
            boolean blank = !hide && text.substring(lineStart, lineEnd).isBlank();
            if (hide || blank) {
                if (paragraphStart >= 0) {
                    hideCodeSpans(text, paragraphStart, lineStart, hidden);
                    paragraphStart = -1;
                }
                if (hide) {
                    Arrays.fill(hidden, lineStart, lineEnd, true);
                }
            } else if (paragraphStart < 0) {
                paragraphStart = lineStart;
            }
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
        }
        if (paragraphStart >= 0) {
            hideCodeSpans(text, paragraphStart, text.length(), hidden);
        }
        return hidden;
    }

    /** Leading spaces, a tab counting as four (enough to tell code indentation from markup). */
    private static int indent(String text, int from, int to) {
        int columns = 0;
        int i = from;
        while (i < to && columns <= 3) {
            char c = text.charAt(i);
            if (c == ' ') {
                columns++;
            } else if (c == '\t') {
                columns += 4;
            } else {
                break;
            }
            i++;
        }
        return i - from;
    }

    private static boolean opensFence(String text, int content, int lineEnd) {
        if (content >= lineEnd) {
            return false;
        }
        char c = text.charAt(content);
        if (c != '`' && c != '~') {
            return false;
        }
        int run = run(text, content, lineEnd, c);
        // a backtick fence's info string may not contain a backtick (that is inline code instead)
        return run >= 3 && (c == '~' || run(text, content + run, lineEnd, '`', true) == lineEnd - content - run);
    }

    private static int run(String text, int from, int to, char c) {
        return run(text, from, to, c, false);
    }

    /** How many characters from {@code from} are {@code c} (or, with {@code not}, are not). */
    private static int run(String text, int from, int to, char c, boolean not) {
        int i = from;
        while (i < to && (text.charAt(i) == c) != not) {
            i++;
        }
        return i - from;
    }

    /**
     * Marks the inline code spans of a paragraph: a run of n backticks up to the next run of exactly
     * n. Runs are matched through a queue per length, so the work stays linear however many
     * unmatched runs a hostile comment holds.
     */
    private static void hideCodeSpans(String text, int from, int to, boolean[] hidden) {
        List<int[]> runs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (text.charAt(i) != '`') {
                continue;
            }
            int length = run(text, i, to, '`');
            int start = i;
            if (start > from && text.charAt(start - 1) == '\\') {
                start++; // an escaped backtick is literal; the rest of the run may still open a span
            }
            if (start < i + length) {
                runs.add(new int[] {start, i + length - start});
            }
            i += length - 1;
        }
        Map<Integer, ArrayDeque<Integer>> byLength = new HashMap<>();
        for (int r = 0; r < runs.size(); r++) {
            byLength.computeIfAbsent(runs.get(r)[1], k -> new ArrayDeque<>()).add(r);
        }
        int r = 0;
        while (r < runs.size()) {
            int[] open = runs.get(r);
            ArrayDeque<Integer> same = byLength.get(open[1]);
            while (!same.isEmpty() && same.peekFirst() <= r) {
                same.pollFirst();
            }
            if (same.isEmpty()) {
                r++;
                continue;
            }
            int close = same.pollFirst();
            int[] closing = runs.get(close);
            Arrays.fill(hidden, open[0], closing[0] + closing[1], true);
            r = close + 1;
        }
    }

    /** The comment without the mentions, tidied where they stood, trimmed. */
    private static String remove(String text, List<int[]> mentions) {
        StringBuilder out = new StringBuilder(text.length());
        boolean lineBlank = true; // whether out's last line holds only whitespace so far
        int from = 0;
        for (int[] mention : mentions) {
            lineBlank = blankAfter(text, from, mention[0], lineBlank);
            out.append(text, from, mention[0]);
            int end = mention[1];
            if (lineBlank && end < text.length() && (text.charAt(end) == ':' || text.charAt(end) == ',')) {
                end++; // "@slug: do this" and "@slug, do this" address the App; the punctuation goes too
            }
            if (lineBlank || endsWithSpace(out)) {
                end += run(text, end, text.length(), ' ');
            }
            if (endsWithSpace(out) && end < text.length() && ",.;:!?)".indexOf(text.charAt(end)) >= 0) {
                out.setLength(out.length() - 1); // "thanks @slug." reads "thanks."
                if (!out.isEmpty() && out.charAt(out.length() - 1) == text.charAt(end)) {
                    end++; // "please, @slug, do this" reads "please, do this"
                }
            }
            from = end;
        }
        out.append(text, from, text.length());
        return out.toString().strip();
    }

    /**
     * Whether the current line is still blank after appending {@code text[from, to)} to a line that
     * was ({@code blank}) or was not: decided by the segment's last newline or non-space, looked at
     * once, so many mentions on one long line cost no more than one.
     */
    private static boolean blankAfter(String text, int from, int to, boolean blank) {
        for (int i = to - 1; i >= from; i--) {
            char c = text.charAt(i);
            if (c == '\n') {
                return true;
            }
            if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return blank;
    }

    private static boolean endsWithSpace(StringBuilder out) {
        return !out.isEmpty() && out.charAt(out.length() - 1) == ' ';
    }
}

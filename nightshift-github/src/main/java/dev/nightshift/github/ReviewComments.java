package dev.nightshift.github;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nightshift.core.text.PromptText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an agent's automatic pull request review into what GitHub's review API accepts. The agent
 * is asked to end its answer with a fenced JSON block:
 *
 * <pre>{@code
 * ```json
 * {"summary": "…", "comments": [{"path": "src/A.java", "line": 42, "body": "…"}]}
 * ```
 * }</pre>
 *
 * <p>GitHub refuses a whole review when one comment names a line its diff does not show, and an
 * agent does get line numbers wrong; so each comment is checked against the diff, and those that
 * miss are moved into the summary instead of sinking the review. Agents also write imperfect JSON:
 * raw newlines in strings and trailing commas are accepted, anything else that does not parse
 * leaves the whole answer as the summary. Stateless, so any thread may call it.
 */
public final class ReviewComments {

    /** GitHub takes more, but a review with more line comments than this is noise. */
    static final int MAX_COMMENTS = 50;
    /** Each line comment's body is cut to this. */
    static final int MAX_COMMENT_CHARS = 2_000;
    /** The summary, with the notes moved into it, is cut to this. */
    static final int MAX_SUMMARY_CHARS = 10_000;
    /** Comments beyond this many in one answer are not read at all (a runaway agent). */
    static final int MAX_COMMENTS_READ = 1_000;
    /** How many fenced blocks, from the end, are tried as the review's JSON. */
    static final int MAX_BLOCKS_TRIED = 16;

    static final String OUTSIDE_DIFF_HEADING = "Notes on lines outside the diff";
    static final String OVER_LIMIT_HEADING = "More notes";

    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();
    private static final Pattern HUNK =
            Pattern.compile("@@ -(\\d{1,10})(?:,(\\d{1,10}))? \\+(\\d{1,10})(?:,(\\d{1,10}))? @@");

    private ReviewComments() {}

    /**
     * A review ready to post.
     *
     * @param summary the review's body: the JSON's summary (else the answer's text around the block,
     *     else the whole answer), followed by the comments that could not be placed on a line
     * @param comments at most {@value #MAX_COMMENTS} comments, each on a line the diff shows
     * @param dropped one line per comment not kept, saying why, for the logs
     */
    public record Review(String summary, List<LineComment> comments, List<String> dropped) {
        public Review {
            Objects.requireNonNull(summary, "summary");
            comments = List.copyOf(comments);
            dropped = List.copyOf(dropped);
        }
    }

    /**
     * The review in an agent's answer, its comments checked against the pull request's diff.
     *
     * @param agentOutput the agent's final answer; null is an empty one
     * @param unifiedDiff the pull request's diff, as {@code git diff} or GitHub's {@code .diff}
     *     prints it; null is an empty one, on which no line comment fits
     */
    public static Review parse(String agentOutput, String unifiedDiff) {
        String output = agentOutput == null ? "" : agentOutput;
        Found found = findReview(output);
        if (found == null) {
            return new Review(PromptText.cutEnd(output.strip(), MAX_SUMMARY_CHARS), List.of(), List.of());
        }
        String before = output.substring(0, found.start()).strip();
        String after = output.substring(found.end()).strip();
        String prose = before.isEmpty() || after.isEmpty() ? before + after : before + "\n\n" + after;
        JsonNode summaryNode = found.json().path("summary");
        String summary = summaryNode.isTextual() && !summaryNode.textValue().isBlank()
                ? summaryNode.textValue().strip()
                : prose;

        Map<String, List<long[]>> diff = rightSide(unifiedDiff);
        List<LineComment> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        List<String> outsideNotes = new ArrayList<>();
        List<String> overLimitNotes = new ArrayList<>();
        JsonNode comments = found.json().path("comments");
        int index = 0;
        for (JsonNode comment : comments.isArray() ? comments : List.<JsonNode>of()) {
            index++;
            if (index > MAX_COMMENTS_READ) {
                dropped.add((comments.size() - MAX_COMMENTS_READ) + " more comments not read");
                break;
            }
            String body = text(comment.path("body"));
            String path = text(comment.path("path"));
            int line = line(comment.path("line"));
            if (!comment.isObject() || body == null || body.isBlank()) {
                dropped.add("comment " + index + ": not an object with a body");
                continue;
            }
            body = PromptText.cutEnd(body.strip(), MAX_COMMENT_CHARS);
            String placed = path == null || line < 1 ? null : place(diff, path.strip(), line);
            if (placed == null) {
                String where = path == null || path.isBlank() ? "(no file)" : path.strip();
                String at = line < 1 ? where : where + ":" + line;
                dropped.add(at + ": not a line the diff shows: " + oneLine(body));
                outsideNotes.add(note(path == null || path.isBlank() ? null : path.strip(), line, body));
            } else if (kept.size() >= MAX_COMMENTS) {
                dropped.add(
                        placed + ":" + line + ": over the limit of " + MAX_COMMENTS + " comments: " + oneLine(body));
                overLimitNotes.add(note(placed, line, body));
            } else {
                kept.add(new LineComment(placed, line, body));
            }
        }
        return new Review(withNotes(summary, outsideNotes, overLimitNotes), kept, dropped);
    }

    /**
     * Every {@code path:line} a review comment may name: lines of the new version that the diff
     * shows, added or context, inside a hunk. Deleted files have none.
     */
    public static Set<String> rightSideLines(String unifiedDiff) {
        Set<String> lines = new LinkedHashSet<>();
        rightSide(unifiedDiff).forEach((path, ranges) -> {
            for (long[] range : ranges) {
                for (long line = range[0]; line < range[1]; line++) {
                    lines.add(path + ":" + line);
                }
            }
        });
        return lines;
    }

    private record Found(JsonNode json, int start, int end) {}

    /**
     * The review's JSON: the last fenced block (info {@code json}, or none) holding an object with
     * a {@code summary} or {@code comments}; failing that, such an object ending the answer
     * unfenced. The value is read by the JSON parser itself rather than up to the next fence line,
     * so a comment suggesting code with {@code ```} in a string does not end the block early.
     */
    private static Found findReview(String output) {
        List<int[]> fenced = new ArrayList<>(); // {block start, json start}
        List<int[]> bare = new ArrayList<>();
        int lineStart = 0;
        while (lineStart < output.length()) {
            int newline = output.indexOf('\n', lineStart);
            int lineEnd = newline < 0 ? output.length() : newline;
            int content = skipSpaces(output, lineStart, lineEnd);
            if (output.startsWith("```", content) || output.startsWith("~~~", content)) {
                String info = output.substring(content, lineEnd)
                        .replace("`", "")
                        .replace("~", "")
                        .strip()
                        .toLowerCase(Locale.ROOT);
                if (info.isEmpty() || info.equals("json") || info.equals("jsonc")) {
                    int json = skipWhitespace(output, Math.min(output.length(), lineEnd + 1));
                    if (json < output.length() && output.charAt(json) == '{') {
                        fenced.add(new int[] {lineStart, json});
                    }
                }
            } else if (content < lineEnd && output.charAt(content) == '{') {
                bare.add(new int[] {lineStart, content});
            }
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
        }
        for (int i = fenced.size() - 1; i >= 0 && i >= fenced.size() - MAX_BLOCKS_TRIED; i--) {
            Found found = read(output, fenced.get(i)[0], fenced.get(i)[1], true);
            if (found != null) {
                return found;
            }
        }
        for (int i = bare.size() - 1; i >= 0 && i >= bare.size() - MAX_BLOCKS_TRIED; i--) {
            Found found = read(output, bare.get(i)[0], bare.get(i)[1], false);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The review object at {@code jsonStart}, with the range it takes in the answer; null when there is none. */
    private static Found read(String output, int blockStart, int jsonStart, boolean fenced) {
        JsonNode json;
        int jsonEnd;
        try (JsonParser parser = LENIENT.createParser(output.substring(jsonStart))) {
            json = LENIENT.readTree(parser);
            jsonEnd = jsonStart + (int) parser.currentLocation().getCharOffset();
        } catch (IOException | RuntimeException malformed) {
            return null;
        }
        if (json == null || !json.isObject() || !(json.has("summary") || json.has("comments"))) {
            return null;
        }
        if (!fenced) {
            return skipWhitespace(output, jsonEnd) == output.length()
                    ? new Found(json, blockStart, output.length())
                    : null;
        }
        // the block ends with the fence line after the value; text after the value without a
        // fence (an agent that forgot to close it) is the answer's again
        int after = skipWhitespace(output, jsonEnd);
        if (output.startsWith("```", after) || output.startsWith("~~~", after)) {
            int end = output.indexOf('\n', after);
            return new Found(json, blockStart, end < 0 ? output.length() : end);
        }
        return new Found(json, blockStart, jsonEnd);
    }

    private static int skipSpaces(String text, int from, int to) {
        int i = from;
        while (i < to && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int skipWhitespace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }

    /** A line number: a JSON integer, or a string of digits (agents quote numbers); 0 otherwise. */
    private static int line(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.canConvertToInt() && node.intValue() > 0 ? node.intValue() : 0;
        }
        if (node.isTextual()) {
            String digits = node.textValue().strip();
            if (!digits.isEmpty() && digits.length() <= 9 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Integer.parseInt(digits);
            }
        }
        return 0;
    }

    /**
     * The path as the diff names it when the diff shows {@code line} of it, else null. Agents write
     * {@code ./src/A.java}, {@code /src/A.java} or git's {@code b/src/A.java} for {@code src/A.java}.
     */
    private static String place(Map<String, List<long[]>> diff, String path, int line) {
        List<String> candidates = new ArrayList<>();
        candidates.add(path);
        String bare = path;
        while (bare.startsWith("./") || bare.startsWith("/")) {
            bare = bare.substring(bare.startsWith("./") ? 2 : 1);
        }
        candidates.add(bare);
        if (bare.startsWith("b/") || bare.startsWith("a/")) {
            candidates.add(bare.substring(2));
        }
        for (String candidate : candidates) {
            List<long[]> ranges = diff.get(candidate);
            if (ranges != null) {
                for (long[] range : ranges) {
                    if (line >= range[0] && line < range[1]) {
                        return candidate;
                    }
                }
            }
        }
        return null;
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return PromptText.cutEnd(line, 200);
    }

    private static String note(String path, int line, String body) {
        String where = path == null ? "" : line < 1 ? "`" + path + "`: " : "`" + path + "` line " + line + ": ";
        return "- " + where + body.replace("\n", "\n  ");
    }

    /**
     * The summary, then the notes under their headings as long as they fit, then how many did not.
     * With notes to add, the summary keeps at most three quarters of the room.
     */
    private static String withNotes(String summary, List<String> outside, List<String> overLimit) {
        boolean notes = !outside.isEmpty() || !overLimit.isEmpty();
        StringBuilder out =
                new StringBuilder(PromptText.cutEnd(summary, notes ? MAX_SUMMARY_CHARS * 3 / 4 : MAX_SUMMARY_CHARS));
        int left = 0;
        String leftOutReserve = "\n\n_9999 more notes left out._";
        for (var section :
                List.of(Map.entry(OUTSIDE_DIFF_HEADING, outside), Map.entry(OVER_LIMIT_HEADING, overLimit))) {
            boolean headed = false;
            for (String note : section.getValue()) {
                String add =
                        (headed ? "\n" : (out.isEmpty() ? "" : "\n\n") + "**" + section.getKey() + "**\n\n") + note;
                if (left == 0 && out.length() + add.length() + leftOutReserve.length() <= MAX_SUMMARY_CHARS) {
                    out.append(add);
                    headed = true;
                } else {
                    left++;
                }
            }
        }
        if (left > 0) {
            out.append("\n\n_")
                    .append(left)
                    .append(left == 1 ? " more note" : " more notes")
                    .append(" left out._");
        }
        return out.toString();
    }

    /**
     * For each file of the new version, the ranges {@code [from, to)} of lines the diff shows. A
     * hunk's lines are counted against its header, so an added line that itself starts with
     * {@code ++} or {@code --} is not mistaken for a file header.
     */
    static Map<String, List<long[]>> rightSide(String diff) {
        Map<String, List<long[]>> files = new HashMap<>();
        if (diff == null || diff.isEmpty()) {
            return files;
        }
        String path = null;
        long oldLeft = 0;
        long newLeft = 0;
        long newLine = 0;
        int lineStart = 0;
        while (lineStart < diff.length()) {
            int newline = diff.indexOf('\n', lineStart);
            int lineEnd = newline < 0 ? diff.length() : newline;
            if (lineEnd > lineStart && diff.charAt(lineEnd - 1) == '\r') {
                lineEnd--;
            }
            char first = lineEnd > lineStart ? diff.charAt(lineStart) : ' ';
            boolean inHunk = oldLeft > 0 || newLeft > 0;
            boolean counted = false;
            if (inHunk) {
                if (first == '\\') {
                    counted = true; // "\ No newline at end of file"
                } else if (first == '+' && newLeft > 0) {
                    mark(files, path, newLine++);
                    newLeft--;
                    counted = true;
                } else if (first == '-' && oldLeft > 0) {
                    oldLeft--;
                    counted = true;
                } else if (first == ' ' && oldLeft > 0 && newLeft > 0) {
                    mark(files, path, newLine++);
                    oldLeft--;
                    newLeft--;
                    counted = true;
                } else {
                    oldLeft = 0; // the hunk is shorter than its header said: read the line afresh
                    newLeft = 0;
                }
            }
            if (!counted) {
                if (diff.startsWith("diff --git ", lineStart)) {
                    path = null;
                } else if (diff.startsWith("+++ ", lineStart)) {
                    path = newPath(diff.substring(lineStart + 4, lineEnd));
                } else if (diff.startsWith("@@ ", lineStart)) {
                    Matcher hunk = HUNK.matcher(diff.substring(lineStart, Math.min(lineEnd, lineStart + 64)));
                    if (hunk.lookingAt()) {
                        oldLeft = hunk.group(2) == null ? 1 : Long.parseLong(hunk.group(2));
                        newLine = Long.parseLong(hunk.group(3));
                        newLeft = hunk.group(4) == null ? 1 : Long.parseLong(hunk.group(4));
                        if (newLine < 1) {
                            newLeft = 0; // "+0,0": the file is empty on the right side
                        }
                    }
                }
            }
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
        }
        return files;
    }

    private static void mark(Map<String, List<long[]>> files, String path, long line) {
        if (path == null) {
            return;
        }
        List<long[]> ranges = files.computeIfAbsent(path, p -> new ArrayList<>());
        long[] last = ranges.isEmpty() ? null : ranges.getLast();
        if (last != null && last[1] == line) {
            last[1]++;
        } else {
            ranges.add(new long[] {line, line + 1});
        }
    }

    /** The file a {@code +++} line names, without git's {@code b/}; null for {@code /dev/null}. */
    static String newPath(String raw) {
        String name = raw;
        if (name.startsWith("\"")) {
            name = unquote(name);
            if (name == null) {
                return null;
            }
        } else {
            int tab = name.indexOf('\t');
            if (tab >= 0) {
                name = name.substring(0, tab); // diff -u appends a timestamp
            }
            name = name.stripTrailing();
        }
        if (name.equals("/dev/null") || name.isEmpty()) {
            return null;
        }
        return name.startsWith("b/") ? name.substring(2) : name;
    }

    /**
     * A path git quoted ({@code "b/caf\303\251 \"x\".txt"}): C escapes, octal bytes of UTF-8. Null
     * when the quoting is broken.
     */
    private static String unquote(String quoted) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(quoted.length());
        int i = 1;
        while (i < quoted.length()) {
            char c = quoted.charAt(i);
            if (c == '"') {
                return bytes.toString(StandardCharsets.UTF_8);
            }
            if (c != '\\') {
                int codePoint = quoted.codePointAt(i);
                byte[] utf8 = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(codePoint);
                continue;
            }
            if (i + 1 >= quoted.length()) {
                return null;
            }
            char e = quoted.charAt(i + 1);
            if (e >= '0' && e <= '7') {
                int value = 0;
                int j = i + 1;
                while (j < quoted.length() && j < i + 4 && quoted.charAt(j) >= '0' && quoted.charAt(j) <= '7') {
                    value = value * 8 + (quoted.charAt(j) - '0');
                    j++;
                }
                bytes.write(value & 0xff);
                i = j;
                continue;
            }
            bytes.write(
                    switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        case 'a' -> 7;
                        case 'b' -> '\b';
                        case 'f' -> '\f';
                        case 'v' -> 11;
                        default -> e; // \\ and \"
                    });
            i += 2;
        }
        return null;
    }
}

package dev.nightshift.agent.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * File-name patterns as models write them ({@code **}/{@code *.java}, {@code src/**}/{@code *.{ts,tsx}}),
 * turned into what the tools in the sandbox take: a POSIX extended regular expression for
 * {@code find -regex}, or plain globs with the braces expanded for git's pathspecs.
 */
final class GlobPattern {
    /** Brace alternatives multiply; past this many a pattern is refused rather than expanded. */
    static final int MAX_EXPANSIONS = 64;

    private static final String ERE_SPECIALS = "\\.^$|?*+()[]{}";

    private GlobPattern() {}

    /** "./src/*.java" and "/workspace/src/*.java" → "src/*.java": patterns are relative to the searched directory. */
    static String normalise(String pattern) {
        String p = pattern.strip();
        if (p.startsWith(WorkspacePath.WORKSPACE + "/")) {
            p = p.substring(WorkspacePath.WORKSPACE.length() + 1);
        }
        while (p.startsWith("./") || p.startsWith("/")) {
            p = p.substring(p.startsWith("./") ? 2 : 1);
        }
        return p;
    }

    /**
     * The whole-path regular expression for a glob: {@code *} and {@code ?} stay within one
     * directory, {@code **}/ is any number of directories (none included), {@code [..]} and
     * {@code [!..]} are character classes, {@code {a,b}} alternatives, {@code \} escapes.
     */
    static String toExtendedRegex(String glob) throws Args.Invalid {
        StringBuilder re = new StringBuilder();
        int depth = 0;
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '\\' -> literal(re, i + 1 < n ? glob.charAt(++i) : '\\');
                case '*' -> {
                    boolean segmentStart = i == 0 || glob.charAt(i - 1) == '/';
                    if (i + 1 < n && glob.charAt(i + 1) == '*') {
                        i++;
                        if (segmentStart && i + 1 < n && glob.charAt(i + 1) == '/') {
                            re.append("(.*/)?");
                            i++;
                        } else {
                            re.append(".*");
                        }
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int end = closingBracket(glob, i);
                    if (end < 0) {
                        literal(re, c);
                    } else {
                        String body = glob.substring(i + 1, end);
                        re.append('[')
                                .append(body.startsWith("!") ? "^" + body.substring(1) : body)
                                .append(']');
                        i = end;
                    }
                }
                case '{' -> {
                    depth++;
                    re.append('(');
                }
                case ',' -> {
                    if (depth > 0) {
                        re.append('|');
                    } else {
                        literal(re, c);
                    }
                }
                case '}' -> {
                    if (depth == 0) {
                        throw new Args.Invalid("the pattern '" + glob + "' has a '}' without a '{'");
                    }
                    depth--;
                    re.append(')');
                }
                default -> literal(re, c);
            }
        }
        if (depth > 0) {
            throw new Args.Invalid("the pattern '" + glob + "' has a '{' without a '}'");
        }
        return re.toString();
    }

    private static void literal(StringBuilder re, char c) {
        if (ERE_SPECIALS.indexOf(c) >= 0) {
            re.append('\\');
        }
        re.append(c);
    }

    /** Where a character class that opens at {@code open} ends; -1 when it never does (then '[' is literal). */
    private static int closingBracket(String glob, int open) {
        int i = open + 1;
        if (i < glob.length() && glob.charAt(i) == '!') {
            i++;
        }
        if (i < glob.length() && glob.charAt(i) == ']') {
            i++; // a ']' first in the class is one of its characters
        }
        int end = glob.indexOf(']', i);
        return end < 0 || glob.substring(open, end).contains("/") ? -1 : end;
    }

    /** "*.{ts,tsx}" → ["*.ts", "*.tsx"], for matchers without braces (git's pathspecs). */
    static List<String> expandBraces(String glob) throws Args.Invalid {
        List<String> out = new ArrayList<>();
        expand(glob, out, glob);
        return out;
    }

    private static void expand(String glob, List<String> out, String original) throws Args.Invalid {
        int open = -1;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                open = i;
                break;
            } else if (c == '}') {
                throw new Args.Invalid("the pattern '" + original + "' has a '}' without a '{'");
            }
        }
        if (open < 0) {
            if (out.size() >= MAX_EXPANSIONS) {
                throw new Args.Invalid("the pattern '" + original + "' expands to more than " + MAX_EXPANSIONS
                        + " alternatives; use fewer braces");
            }
            out.add(glob);
            return;
        }
        List<String> alternatives = new ArrayList<>();
        int depth = 0;
        int start = open + 1;
        int close = -1;
        for (int i = open + 1; i < glob.length() && close < 0; i++) {
            char c = glob.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && depth > 0) {
                depth--;
            } else if (c == '}') {
                alternatives.add(glob.substring(start, i));
                close = i;
            } else if (c == ',' && depth == 0) {
                alternatives.add(glob.substring(start, i));
                start = i + 1;
            }
        }
        if (close < 0) {
            throw new Args.Invalid("the pattern '" + original + "' has a '{' without a '}'");
        }
        for (String alternative : alternatives) {
            expand(glob.substring(0, open) + alternative + glob.substring(close + 1), out, original);
        }
    }

    /** True when the pattern names {@code name} as a directory of its own (then it is searched, not skipped). */
    static boolean names(String glob, String name) {
        for (String segment : glob.split("/")) {
            if (segment.equals(name)) {
                return true;
            }
        }
        return false;
    }
}

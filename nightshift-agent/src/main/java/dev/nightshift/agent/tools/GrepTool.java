package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Searches file contents inside the sandbox with {@code git grep --no-index}: it works in and out
 * of repositories, skips {@code .git}, binary files and whatever git ignores, and stops at a number
 * of matches per file. The output is cut inside the sandbox too, so a minified file cannot flood
 * the control plane.
 */
public final class GrepTool extends BaseTool {
    public static final String NAME = "grep";
    static final int MAX_MATCHES = 100;
    static final int MAX_MATCHES_PER_FILE = 10;
    static final int MAX_LINE_CHARS = 200;
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Each match line is cut to this many bytes in the sandbox before it travels (path, number and text). */
    static final int MAX_RAW_LINE_BYTES = 1024;

    static final List<String> SKIPPED_DIRECTORIES = List.of("node_modules");

    private static final String DESCRIPTION =
            """
            Searches file contents with a regular expression (Perl-compatible, e.g. `class \\w+Service`, \
            `log.*Error`, `\\bTODO\\b`) in the workspace or under `path` (a directory or one file). Skips .git, \
            node_modules, binary files and files ignored by git (unless `path` itself is one of them). Answers \
            `path:line: text`: at most %d matches, at most %d per file (all of a single file up to %d), lines cut \
            at %d characters. `glob` filters file names: without a '/' it matches names at any depth (`*.java`), \
            with one it is relative to `path` (`src/**/*.ts`); braces work (`*.{ts,tsx}`).""".formatted(MAX_MATCHES, MAX_MATCHES_PER_FILE, MAX_MATCHES, MAX_LINE_CHARS);
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "pattern": {"type": "string", "description": "the regular expression (Perl-compatible)"},
                "path": {"type": "string", "description": "a directory or file to search, relative to /workspace (default: the whole workspace)"},
                "glob": {"type": "string", "description": "only files whose names match, e.g. *.java or src/**/*.{ts,tsx}"},
                "case_insensitive": {"type": "boolean", "description": "ignore case (default false)"}
              },
              "required": ["pattern"],
              "additionalProperties": false
            }""";

    /**
     * $1 target, $2 pattern, $3 "1" to ignore case, $4 matches per file (+1, to see there are more),
     * $5 lines at most, $6 bytes per line, then pathspecs. Prints "#dir" or "#file" first, then
     * git grep's "path NUL line NUL text" lines. Perl regexes where git has them, else extended.
     * Probes use a path that cannot exist, so they only test what git understands.
     */
    private static final String SCRIPT = """
            target=$1 pattern=$2 icase=$3 per_file=$4 max_lines=$5 line_bytes=$6
            shift 6
            command -v git >/dev/null 2>&1 || { echo "grep needs git, which this sandbox does not have; use bash with grep -rn" >&2; exit 127; }
            if [ -d "$target" ]; then
              cd -- "$target" || exit 2
              echo "#dir"
              ignore=--exclude-standard
              git check-ignore -q . 2>/dev/null && ignore= # asked for an ignored directory: search it
              per_file_opt="-m $per_file"
              # git before 2.38 has no -m: then a file with many matches fills the answer, nothing worse
              git grep --no-index -m 1 -e x -- ':(literal)nightshift-no-such-file' >/dev/null 2>&1
              [ $? -eq 129 ] && per_file_opt=
              set -- $ignore $per_file_opt -e "$pattern" -- "$@"
            elif [ -e "$target" ]; then
              cd -- "$(dirname -- "$target")" || exit 2
              echo "#file"
              set -- -e "$pattern" -- ":(literal)$(basename -- "$target")"
            else
              echo "'$target' does not exist" >&2
              exit 2
            fi
            flavour=-P
            git grep --no-index -P -e x -- ':(literal)nightshift-no-such-file' >/dev/null 2>&1
            [ $? -eq 128 ] && flavour=-E
            case_opt=
            [ "$icase" = 1 ] && case_opt=-i
            git -c grep.column=false -c grep.fullName=false -c color.ui=never -c safe.directory='*' \\
              grep --no-index --no-color -n -z -I $case_opt $flavour "$@" | cut -b "1-$line_bytes" | head -n "$max_lines"
            status=${PIPESTATUS[0]}
            [ "$status" -eq 141 ] && status=0
            exit "$status"
            """;

    public GrepTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid, InterruptedException {
        String pattern = args.string("pattern");
        String path = WorkspacePath.relative("path", args.optionalString("path").orElse(""));
        Optional<String> glob =
                args.optionalString("glob").map(GlobPattern::normalise).filter(g -> !g.isEmpty());
        boolean ignoreCase = args.bool("case_insensitive", false);
        if (pattern.isEmpty()) {
            return ToolResult.error("'pattern' is empty; give a regular expression");
        }
        if (pattern.contains("\n")) {
            return ToolResult.error("'pattern' contains a line break; grep matches one line at a time");
        }
        List<String> argv = new ArrayList<>(List.of(
                "bash",
                "-c",
                SCRIPT,
                "nightshift-grep",
                path.isEmpty() ? "." : path,
                pattern,
                ignoreCase ? "1" : "0",
                Integer.toString(MAX_MATCHES_PER_FILE + 1),
                // enough lines for MAX_MATCHES shown even when every file brings one line too many
                Integer.toString(MAX_MATCHES + MAX_MATCHES / MAX_MATCHES_PER_FILE + 1),
                Integer.toString(MAX_RAW_LINE_BYTES)));
        if (glob.isPresent()) {
            for (String g : GlobPattern.expandBraces(glob.get())) {
                argv.add(":(glob)" + (g.contains("/") ? g : "**/" + g));
            }
        }
        for (String skipped : SKIPPED_DIRECTORIES) {
            if (glob.isEmpty() || !GlobPattern.names(glob.get(), skipped)) {
                argv.add(":(exclude,glob)**/" + skipped + "/**");
            }
        }
        StoppableExec.Outcome outcome =
                StoppableExec.run(context, new ExecRequest(argv, "", Map.of(), TIMEOUT), OutputListener.IGNORE);
        if (outcome.stopped()) {
            return ToolResult.error("stopped: the user asked to stop");
        }
        ExecResult result = outcome.result();
        String out = result.stdout();
        boolean fileMode = out.startsWith("#file");
        if (!result.timedOut() && result.exitCode() != 0 && result.exitCode() != 1) {
            String err = result.stderr().strip();
            return ToolResult.error(
                    err.isEmpty()
                            ? "grep failed with exit code " + result.exitCode()
                            : err.replace("fatal: ", "").replace("command line, ", "invalid pattern: "));
        }
        return ToolResult.ok(
                answer(out, fileMode ? WorkspacePath.parent(path) : path, fileMode, result.timedOut(), pattern, path));
    }

    private static String answer(
            String out, String base, boolean fileMode, boolean timedOut, String pattern, String path) {
        int perFile = fileMode ? MAX_MATCHES : MAX_MATCHES_PER_FILE;
        Map<String, Integer> perFileCount = new LinkedHashMap<>();
        List<String> cappedFiles = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        boolean more = false;
        String[] lines = out.split("\n");
        for (int i = 1; i < lines.length; i++) { // line 0 says #dir or #file
            String[] parts = lines[i].split("\0", 3);
            if (parts.length < 3) {
                continue; // a line cut inside its path: nothing sensible to show
            }
            String file = WorkspacePath.under(base, parts[0]);
            int count = perFileCount.merge(file, 1, Integer::sum);
            if (count > perFile) {
                if (count == perFile + 1) {
                    cappedFiles.add(file);
                }
                continue;
            }
            if (shown.size() == MAX_MATCHES) {
                more = true;
                continue;
            }
            String text = parts[2].endsWith("\r") ? parts[2].substring(0, parts[2].length() - 1) : parts[2];
            shown.add(file + ":" + parts[1] + ": " + Format.cut(text.strip(), MAX_LINE_CHARS));
        }
        if (lines.length - 1 >= MAX_MATCHES + MAX_MATCHES / MAX_MATCHES_PER_FILE + 1) {
            more = true; // the sandbox stopped reading: there may be more than we saw
        }
        StringBuilder answer = new StringBuilder();
        if (shown.isEmpty()) {
            answer.append("no matches for '").append(pattern).append("' in ").append(WorkspacePath.show(path));
        } else {
            answer.append(
                            more
                                    ? "the first " + shown.size()
                                            + " matches (there are more; narrow the pattern, path or glob)"
                                    : Format.count(shown.size(), "match", "matches") + " in "
                                            + Format.count(perFileCount.size(), "file", "files"))
                    .append(":\n");
            answer.append(String.join("\n", shown));
        }
        if (!cappedFiles.isEmpty()) {
            answer.append("\n(at most ")
                    .append(perFile)
                    .append(" matches per file are shown; these have more — search one ")
                    .append("alone with path to see up to ")
                    .append(MAX_MATCHES)
                    .append(": ")
                    .append(String.join(", ", cappedFiles))
                    .append(")");
        }
        if (timedOut) {
            answer.append("\n(the search timed out after ")
                    .append(TIMEOUT.toSeconds())
                    .append(" s, so it may be incomplete; narrow the path or glob)");
        }
        return answer.toString();
    }
}

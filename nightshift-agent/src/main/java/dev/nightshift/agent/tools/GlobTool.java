package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds files by name pattern inside the sandbox, newest first. The pattern becomes one
 * {@code find -regex}; sorting and cutting happen in the sandbox, so only the answer travels.
 */
public final class GlobTool extends BaseTool {
    public static final String NAME = "glob";
    static final int MAX_RESULTS = 100;
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final List<String> SKIPPED_DIRECTORIES = List.of(".git", "node_modules");

    private static final String DESCRIPTION = """
            Finds files by name pattern, most recently modified first, at most %d. The pattern is relative to \
            `path` (default: the workspace): `*` and `?` stay within one directory, `**` crosses directories, \
            `{a,b}` gives alternatives, `[abc]` a character class. So `**/*.java` finds Java files at any depth, \
            `*.md` only directly in `path`, `src/**/*Test.{ts,tsx}` tests under src. Skips .git and node_modules \
            unless the pattern names them.""".formatted(MAX_RESULTS);
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "pattern": {"type": "string", "description": "the file name pattern, e.g. **/*.java"},
                "path": {"type": "string", "description": "the directory to search, relative to /workspace (default: the whole workspace)"}
              },
              "required": ["pattern"],
              "additionalProperties": false
            }""";

    /** $1 directory, $2 whole-path regex, $3 most results, then names of directories to skip. */
    private static final String SCRIPT = """
            dir=$1 regex=$2 max=$3
            shift 3
            if ! cd -- "$dir" 2>/dev/null; then
              if [ -e "$dir" ]; then echo "'$dir' is not a directory; glob searches directories" >&2; else echo "'$dir' does not exist" >&2; fi
              exit 2
            fi
            skip=(-false)
            for name in "$@"; do skip+=(-o -name "$name"); done
            tab=$(printf '\\t')
            find . \\( "${skip[@]}" \\) -prune -o -type f -regextype posix-extended -regex "$regex" -printf '%T@\\t%P\\n' 2>/dev/null \\
              | sort -t "$tab" -k1,1rn -k2,2 \\
              | awk -v max="$max" 'NR <= max { print } END { print "#total " NR }'
            """;

    public GlobTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid, InterruptedException {
        String pattern = GlobPattern.normalise(args.nonBlank("pattern"));
        String path = WorkspacePath.relative("path", args.optionalString("path").orElse(""));
        if (pattern.isEmpty()) {
            return ToolResult.error("'pattern' names no files; give a pattern such as **/*.java");
        }
        List<String> argv = new ArrayList<>(List.of(
                "bash",
                "-c",
                SCRIPT,
                "nightshift-glob",
                path.isEmpty() ? "." : path,
                "\\./" + GlobPattern.toExtendedRegex(pattern),
                Integer.toString(MAX_RESULTS)));
        SKIPPED_DIRECTORIES.stream().filter(d -> !GlobPattern.names(pattern, d)).forEach(argv::add);
        StoppableExec.Outcome outcome =
                StoppableExec.run(context, new ExecRequest(argv, "", Map.of(), TIMEOUT), OutputListener.IGNORE);
        if (outcome.stopped()) {
            return ToolResult.error("stopped: the user asked to stop");
        }
        ExecResult result = outcome.result();
        if (result.timedOut()) {
            return ToolResult.error(
                    "glob timed out after " + TIMEOUT.toSeconds() + " s; search a smaller directory with path");
        }
        if (result.exitCode() != 0) {
            String err = result.stderr().strip();
            return ToolResult.error(err.isEmpty() ? "glob failed with exit code " + result.exitCode() : err);
        }
        List<String> files = new ArrayList<>();
        long total = 0;
        for (String line : result.stdout().split("\n")) {
            if (line.startsWith("#total ")) {
                total = Long.parseLong(line.substring("#total ".length()).strip());
            } else {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    files.add(WorkspacePath.under(path, line.substring(tab + 1)));
                }
            }
        }
        if (files.isEmpty()) {
            String hint = pattern.contains("/")
                    ? ""
                    : "; `" + pattern + "` matches only directly in " + WorkspacePath.show(path) + ", use `**/"
                            + pattern + "` to search every directory below it";
            return ToolResult.ok("no files match '" + pattern + "' in " + WorkspacePath.show(path) + hint);
        }
        String head = total > files.size()
                ? "the newest " + files.size() + " of " + total + " files matching '" + pattern
                        + "' (narrow the pattern or path to see the rest):\n"
                : Format.count(files.size(), "file matches", "files match") + " '" + pattern + "', newest first:\n";
        return ToolResult.ok(head + String.join("\n", files));
    }
}

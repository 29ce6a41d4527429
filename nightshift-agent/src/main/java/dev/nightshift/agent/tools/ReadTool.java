package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.FileEntry;
import java.io.IOException;
import java.util.Optional;

/** Reads a text file as numbered lines, a window at a time, saying how to read on. */
public final class ReadTool extends BaseTool {
    public static final String NAME = "read";
    static final int DEFAULT_LIMIT_LINES = 2_000;
    static final int MAX_LINE_CHARS = 2_000;
    /** All the lines shown together: a window of long lines must still fit a context window. */
    static final int MAX_OUTPUT_CHARS = 100_000;
    /** A file with a NUL byte this early is taken for binary. */
    static final int BINARY_PROBE_BYTES = 8 * 1024;

    static final int CHUNK_BYTES = 1 << 20;
    /** How far into a file lines are counted; past this the rest is "more", without a count. */
    static final long MAX_SCAN_BYTES = 64L << 20;

    private static final String DESCRIPTION = """
            Reads a text file in the workspace and shows its lines numbered like `cat -n` (line number, a tab, \
            the text; the number is not part of the file). Shows up to %d lines from `offset` (1-based, default 1), \
            or `limit` lines; lines longer than %d characters are cut. When the file continues, the answer ends with \
            the offset to read on from. Directories (use ls) and binary files (use bash) are refused. Paths are \
            relative to /workspace.""".formatted(DEFAULT_LIMIT_LINES, MAX_LINE_CHARS);
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "path": {"type": "string", "description": "the file, relative to /workspace"},
                "offset": {"type": "integer", "minimum": 1, "description": "the first line to show, 1-based (default 1)"},
                "limit": {"type": "integer", "minimum": 1, "description": "how many lines to show (default %d)"}
              },
              "required": ["path"],
              "additionalProperties": false
            }""".formatted(DEFAULT_LIMIT_LINES);

    public ReadTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid, IOException, InterruptedException {
        String path = WorkspacePath.relative("path", args.nonBlank("path"));
        int offset = args.integer("offset", 1, 1, Integer.MAX_VALUE);
        int limit = args.integer("limit", DEFAULT_LIMIT_LINES, 1, Integer.MAX_VALUE);
        if (path.isEmpty()) {
            return ToolResult.error("'path' names the workspace itself; give a file (use ls to see what is there)");
        }
        Optional<FileEntry> entry = context.sandbox().stat(path);
        if (entry.isEmpty()) {
            return ToolResult.error("'" + path + "' does not exist; use glob or ls to find the file");
        }
        switch (entry.get().kind()) {
            case DIRECTORY -> {
                return ToolResult.error("'" + path + "' is a directory; use ls to list it");
            }
            case OTHER -> {
                return ToolResult.error("'" + path + "' is not a regular file (a device, socket or pipe)");
            }
            default -> {} // a file, or a link the sandbox resolves (and refuses if it leads out)
        }
        LineWindow window = new LineWindow(offset, limit, MAX_LINE_CHARS, MAX_OUTPUT_CHARS);
        long position = 0;
        boolean wholeFile;
        while (true) {
            if (context.stopRequested()) {
                return ToolResult.error("stopped: the user asked to stop");
            }
            byte[] chunk = context.sandbox().readFile(path, position, CHUNK_BYTES);
            if (position == 0 && isBinary(chunk)) {
                return ToolResult.error("'" + path + "' is a binary file (it has NUL bytes); read shows text only. "
                        + "Use bash (e.g. `file`, `xxd | head`) to inspect it");
            }
            window.feed(chunk);
            position += chunk.length;
            if (chunk.length < CHUNK_BYTES) {
                wholeFile = true;
                break;
            }
            if (position >= MAX_SCAN_BYTES) {
                wholeFile = false;
                break;
            }
        }
        if (wholeFile) {
            window.finish();
        }
        return answer(path, offset, window, wholeFile);
    }

    static boolean isBinary(byte[] start) {
        for (int i = 0; i < Math.min(start.length, BINARY_PROBE_BYTES); i++) {
            if (start[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static ToolResult answer(String path, int offset, LineWindow window, boolean wholeFile) {
        if (window.lines() == 0 && wholeFile) {
            return ToolResult.ok("(the file '" + path + "' is empty)");
        }
        if (window.numbered().isEmpty()) {
            return ToolResult.error(
                    wholeFile
                            ? "offset " + offset + " is past the end of '" + path + "', which has " + window.lines()
                                    + " lines"
                            : "offset " + offset + " is past the first " + Format.bytes(MAX_SCAN_BYTES) + " of '" + path
                                    + "', which is as far as read goes; use bash (e.g. `sed -n '" + offset
                                    + ",+99p'`)");
        }
        StringBuilder out = new StringBuilder(String.join("\n", window.numbered()));
        long next = window.next();
        if (!wholeFile) {
            out.append("\n… the file continues (it is larger than ")
                    .append(Format.bytes(MAX_SCAN_BYTES))
                    .append(", so its lines were not all counted); read with offset=")
                    .append(next);
        } else if (window.lines() >= next) {
            long more = window.lines() - next + 1;
            out.append("\n… ").append(more).append(more == 1 ? " more line" : " more lines");
            if (window.budgetSpent()) {
                out.append(" (the answer is limited to ")
                        .append(MAX_OUTPUT_CHARS)
                        .append(" characters)");
            }
            out.append("; read with offset=").append(next);
        }
        if (window.crlf()) {
            out.append("\n(the file has CRLF line endings; the CRs are not shown)");
        }
        return ToolResult.ok(out.toString());
    }
}

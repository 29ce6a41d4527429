package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.FileEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Replaces an exact string in a file: once (it must be unique) or everywhere. */
public final class EditTool extends BaseTool {
    public static final String NAME = "edit";
    /** Files larger than this are edited with bash: the whole file travels to the control plane and back. */
    static final int MAX_FILE_BYTES = 8 << 20;
    /** Lines of context around the first change in the answer. */
    static final int SNIPPET_CONTEXT_LINES = 3;

    static final int SNIPPET_MAX_LINES = 40;

    private static final String DESCRIPTION = """
            Replaces an exact string in a file. `old_string` must match the file exactly, whitespace and \
            indentation included (read the file first, and leave out the line-number prefix read shows). It must \
            occur exactly once, unless `replace_all` is true: add surrounding lines to make it unique. Shows the \
            changed lines afterwards.""";
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "path": {"type": "string", "description": "the file, relative to /workspace"},
                "old_string": {"type": "string", "description": "the exact text to replace"},
                "new_string": {"type": "string", "description": "the text to put in its place"},
                "replace_all": {"type": "boolean", "description": "replace every occurrence (default false)"}
              },
              "required": ["path", "old_string", "new_string"],
              "additionalProperties": false
            }""";

    public EditTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid, IOException {
        String path = WorkspacePath.relative("path", args.nonBlank("path"));
        String oldString = args.string("old_string");
        String newString = args.string("new_string");
        boolean replaceAll = args.bool("replace_all", false);
        if (path.isEmpty()) {
            return ToolResult.error("'path' names the workspace itself; give a file");
        }
        if (oldString.isEmpty()) {
            return ToolResult.error(
                    "'old_string' is empty; give the exact text to replace (to create a file, use write)");
        }
        if (oldString.equals(newString)) {
            return ToolResult.error("'old_string' and 'new_string' are the same; there is nothing to change");
        }
        Optional<FileEntry> entry = context.sandbox().stat(path);
        if (entry.isEmpty()) {
            return ToolResult.error("'" + path + "' does not exist; to create a file use write");
        }
        if (entry.get().kind() == FileEntry.Kind.DIRECTORY) {
            return ToolResult.error("'" + path + "' is a directory, not a file");
        }
        byte[] bytes = context.sandbox().readFile(path, 0, MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
            return ToolResult.error("'" + path + "' is larger than " + Format.bytes(MAX_FILE_BYTES)
                    + "; edit it with bash (e.g. sed) instead");
        }
        if (ReadTool.isBinary(bytes)) {
            return ToolResult.error("'" + path + "' is a binary file; edit changes text files only");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return ToolResult.error(
                    "'" + path + "' is not valid UTF-8 text; editing it here would damage it, use bash instead");
        }
        int count = occurrences(text, oldString);
        if (count == 0 && text.contains("\r\n") && oldString.contains("\n") && !oldString.contains("\r\n")) {
            // read does not show the CRs of a CRLF file, so the model's lines end in plain LF
            oldString = oldString.replace("\n", "\r\n");
            newString = newString.replace("\r\n", "\n").replace("\n", "\r\n");
            count = occurrences(text, oldString);
        }
        if (count == 0) {
            return ToolResult.error("'old_string' was not found in '" + path + "'; read the file first: the text, "
                    + "whitespace and indentation must match exactly");
        }
        if (count > 1 && !replaceAll) {
            return ToolResult.error("'old_string' was found " + count + " times in '" + path + "'; add surrounding "
                    + "lines to make it unique, or set replace_all to replace every one");
        }
        int first = text.indexOf(oldString);
        String updated = replaceAll
                ? text.replace(oldString, newString)
                : text.substring(0, first) + newString + text.substring(first + oldString.length());
        context.sandbox().writeFile(path, updated.getBytes(StandardCharsets.UTF_8));
        return ToolResult.ok("replaced " + Format.count(count, "occurrence", "occurrences") + " in '" + path + "'"
                + (count > 1 ? "; the first change" : "") + ":\n" + snippet(updated, first, newString.length()));
    }

    static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    /** The changed lines with a few around them, numbered as read shows them, so the model sees the result. */
    private static String snippet(String text, int start, int length) {
        String[] lines = text.split("\n"); // no empty last line for the file's final newline
        int firstLine = lineOf(text, start);
        int lastLine = lineOf(text, start + Math.max(0, length - 1));
        int from = Math.max(0, firstLine - SNIPPET_CONTEXT_LINES);
        int to = Math.min(lines.length - 1, Math.min(lastLine + SNIPPET_CONTEXT_LINES, from + SNIPPET_MAX_LINES - 1));
        StringBuilder out = new StringBuilder();
        for (int i = from; i <= to; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            out.append(Format.numbered(i + 1, Format.cut(line, ReadTool.MAX_LINE_CHARS)))
                    .append('\n');
        }
        return out.toString().stripTrailing();
    }

    private static int lineOf(String text, int index) {
        int line = 0;
        for (int i = 0; i < Math.min(index, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}

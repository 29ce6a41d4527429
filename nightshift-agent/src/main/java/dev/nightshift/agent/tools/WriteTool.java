package dev.nightshift.agent.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes a whole file, creating its parent directories. */
public final class WriteTool extends BaseTool {
    public static final String NAME = "write";

    private static final String DESCRIPTION = """
            Writes a file in the workspace: creates it (and any missing parent directories) or replaces its \
            whole content. To change part of an existing file, use edit instead. Paths are relative to /workspace.""";
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "path": {"type": "string", "description": "the file, relative to /workspace"},
                "content": {"type": "string", "description": "the complete new content of the file"}
              },
              "required": ["path", "content"],
              "additionalProperties": false
            }""";

    public WriteTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid, IOException {
        String path = WorkspacePath.relative("path", args.nonBlank("path"));
        String content = args.string("content");
        if (path.isEmpty()) {
            return ToolResult.error("'path' names the workspace itself; give a file");
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        context.sandbox().writeFile(path, bytes);
        return ToolResult.ok("wrote " + Format.count(bytes.length, "byte", "bytes") + " ("
                + Format.count(lineCount(content), "line", "lines") + ") to '" + path + "'");
    }

    static long lineCount(String text) {
        long newlines = text.chars().filter(c -> c == '\n').count();
        return text.isEmpty() || text.endsWith("\n") ? newlines : newlines + 1;
    }
}

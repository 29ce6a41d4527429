package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.FileEntry;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Lists one directory: subdirectories first, then files with their sizes. */
public final class LsTool extends BaseTool {
    public static final String NAME = "ls";
    static final int MAX_ENTRIES = 100;

    private static final String DESCRIPTION = """
            Lists a directory of the workspace (default: the workspace itself): subdirectories first (ending in \
            '/'), then files with their sizes, each group by name; at most %d entries. Use glob to find files \
            deeper down.""".formatted(MAX_ENTRIES);
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "path": {"type": "string", "description": "the directory, relative to /workspace (default: the workspace)"}
              },
              "additionalProperties": false
            }""";

    private static final Comparator<FileEntry> DIRECTORIES_FIRST = Comparator.comparing(
                    (FileEntry e) -> e.kind() != FileEntry.Kind.DIRECTORY)
            .thenComparing(FileEntry::path);

    public LsTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid, IOException {
        String path = WorkspacePath.relative("path", args.optionalString("path").orElse(""));
        List<FileEntry> entries;
        try {
            entries = context.sandbox().list(path);
        } catch (IOException e) {
            return ToolResult.error(whyNotListed(context, path, e));
        }
        if (entries.isEmpty()) {
            return ToolResult.ok(WorkspacePath.show(path) + " is empty");
        }
        List<FileEntry> sorted = entries.stream().sorted(DIRECTORIES_FIRST).toList();
        long directories = entries.stream()
                .filter(e -> e.kind() == FileEntry.Kind.DIRECTORY)
                .count();
        StringBuilder out = new StringBuilder(WorkspacePath.show(path))
                .append(": ")
                .append(Format.count(directories, "directory", "directories"))
                .append(", ")
                .append(Format.count(entries.size() - directories, "other entry", "other entries"))
                .append('\n');
        for (FileEntry entry : sorted.subList(0, Math.min(MAX_ENTRIES, sorted.size()))) {
            out.append(line(entry)).append('\n');
        }
        if (sorted.size() > MAX_ENTRIES) {
            out.append("… ")
                    .append(sorted.size() - MAX_ENTRIES)
                    .append(" more entries not shown; use glob to find specific files");
        }
        return ToolResult.ok(out.toString().stripTrailing());
    }

    private static String line(FileEntry entry) {
        String name = entry.path().substring(entry.path().lastIndexOf('/') + 1);
        return switch (entry.kind()) {
            case DIRECTORY -> name + "/";
            case FILE -> name + "  " + Format.bytes(entry.sizeBytes());
            case SYMLINK -> name + "  (symbolic link)";
            case OTHER -> name + "  (special file)";
        };
    }

    /** The sandbox says "not a directory" for a missing path too; look closer to say what is wrong. */
    private static String whyNotListed(ToolContext context, String path, IOException e) {
        try {
            Optional<FileEntry> entry = context.sandbox().stat(path);
            if (entry.isEmpty()) {
                return "'" + path + "' does not exist";
            }
            if (entry.get().kind() == FileEntry.Kind.FILE) {
                return "'" + path + "' is a file, not a directory; use read to see it";
            }
        } catch (IOException ignored) {
            // the first error says enough
        }
        return e.getMessage();
    }
}

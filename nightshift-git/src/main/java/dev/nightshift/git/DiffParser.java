package dev.nightshift.git;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code git diff --name-status -z} and {@code --numstat -z} output into file changes. */
final class DiffParser {
    private DiffParser() {}

    static List<BranchDiff.FileChange> parse(String nameStatus, String numstat) {
        Map<String, int[]> counts = counts(numstat);
        List<BranchDiff.FileChange> files = new ArrayList<>();
        String[] fields = nameStatus.split("\0");
        for (int i = 0; i < fields.length; i++) {
            String code = fields[i];
            if (code.isEmpty()) {
                continue;
            }
            char kind = code.charAt(0);
            String oldPath = null;
            String path;
            if (kind == 'R' || kind == 'C') {
                oldPath = fields[++i];
                path = fields[++i];
            } else {
                path = fields[++i];
            }
            int[] c = counts.getOrDefault(path, new int[] {0, 0});
            files.add(new BranchDiff.FileChange(path, oldPath, status(kind), c[0], c[1]));
        }
        return files;
    }

    private static String status(char kind) {
        return switch (kind) {
            case 'A' -> "added";
            case 'D' -> "deleted";
            case 'R' -> "renamed";
            case 'C' -> "copied";
            case 'T' -> "type_changed";
            default -> "modified";
        };
    }

    /** numstat -z: "add\tdel\tpath\0", or for renames "add\tdel\t\0old\0new\0"; "-" for binary files. */
    private static Map<String, int[]> counts(String numstat) {
        Map<String, int[]> counts = new HashMap<>();
        String[] fields = numstat.split("\0");
        for (int i = 0; i < fields.length; i++) {
            String field = fields[i];
            String[] parts = field.split("\t", 3);
            if (parts.length < 3) {
                continue;
            }
            String path = parts[2];
            if (path.isEmpty() && i + 2 < fields.length) {
                i++;
                path = fields[++i];
            }
            counts.put(path, new int[] {number(parts[0]), number(parts[1])});
        }
        return counts;
    }

    private static int number(String value) {
        return value.equals("-") ? -1 : Integer.parseInt(value);
    }
}

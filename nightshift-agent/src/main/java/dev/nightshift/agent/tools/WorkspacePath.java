package dev.nightshift.agent.tools;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns a path from the model into the form the sandbox takes and the tools show: relative to the
 * workspace, normalised, "" for the workspace itself. The sandbox checks again (and refuses links
 * out of the workspace); this is where the model learns early, and in words, that a path is wrong.
 */
final class WorkspacePath {
    static final String WORKSPACE = "/workspace";

    private WorkspacePath() {}

    static String relative(String field, String path) throws Args.Invalid {
        if (path.indexOf('\0') >= 0) {
            throw new Args.Invalid("'" + field + "' cannot contain a NUL character");
        }
        String p = path.strip();
        if (p.equals(WORKSPACE) || p.startsWith(WORKSPACE + "/")) {
            p = p.substring(WORKSPACE.length());
        } else if (p.startsWith("/")) {
            throw new Args.Invalid(
                    "'" + field + "' is '" + path + "', outside the workspace; give a path relative to " + WORKSPACE);
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String segment : p.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (parts.isEmpty()) {
                    throw new Args.Invalid("'" + field + "' is '" + path + "', which leads outside the workspace");
                }
                parts.removeLast();
            } else {
                parts.addLast(segment);
            }
        }
        return String.join("/", parts);
    }

    /** For messages: the path, or "the workspace". */
    static String show(String relative) {
        return relative.isEmpty() ? "the workspace" : "'" + relative + "'";
    }

    /** A path found under {@code directory}, relative to the workspace. */
    static String under(String directory, String child) {
        return directory.isEmpty() ? child : directory + "/" + child;
    }

    static String parent(String relative) {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? "" : relative.substring(0, slash);
    }
}

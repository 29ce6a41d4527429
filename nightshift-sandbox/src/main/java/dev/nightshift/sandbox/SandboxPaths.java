package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.SandboxException;
import java.nio.file.Path;

/**
 * Where things are inside every sandbox, and the one place that turns a caller's relative path
 * into an absolute one inside the workspace.
 */
final class SandboxPaths {
    static final String WORKSPACE = "/workspace";
    static final String HOME = "/home/nightshift";
    static final String RUN = "/run/nightshift";
    static final String USER = "nightshift";

    private SandboxPaths() {}

    /**
     * "src/Main.java" → "/workspace/src/Main.java". Absolute paths inside the workspace are
     * accepted too; anything that normalises to outside it is refused.
     */
    static String inWorkspace(String path) {
        if (path == null) {
            throw new SandboxException("a path is required");
        }
        if (path.indexOf('\0') >= 0) {
            throw new SandboxException("a path cannot contain NUL");
        }
        String relative =
                path.startsWith(WORKSPACE + "/") || path.equals(WORKSPACE) ? path.substring(WORKSPACE.length()) : path;
        if (relative.startsWith("/")) {
            relative = relative.substring(1);
            if (path.startsWith("/") && !path.startsWith(WORKSPACE)) {
                throw new SandboxException(
                        "'" + path + "' is outside the workspace; use a path relative to " + WORKSPACE);
            }
        }
        Path normalised = Path.of(WORKSPACE).resolve(relative).normalize();
        if (!normalised.startsWith(WORKSPACE)) {
            throw new SandboxException("'" + path + "' leaves the workspace");
        }
        return normalised.toString();
    }
}

package dev.nightshift.core.sandbox;

import java.time.Instant;

/**
 * A file in a sandbox's workspace, as the control plane sees it.
 *
 * @param path relative to the workspace, with '/' separators
 */
public record FileEntry(String path, Kind kind, long sizeBytes, Instant modifiedAt) {
    public enum Kind {
        FILE,
        DIRECTORY,
        SYMLINK,
        OTHER
    }
}

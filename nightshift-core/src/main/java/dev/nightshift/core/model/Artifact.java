package dev.nightshift.core.model;

import java.time.Instant;

/** Something a session produced: a branch, a pull request, a diff, a screenshot, a preview URL, a file. */
public record Artifact(String id, String sessionId, String type, String url, String data, Instant createdAt) {
    public static final java.util.Set<String> TYPES =
            java.util.Set.of("branch", "pr", "diff", "screenshot", "video", "preview_url", "file");
}

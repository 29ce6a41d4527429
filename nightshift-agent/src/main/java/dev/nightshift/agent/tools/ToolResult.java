package dev.nightshift.agent.tools;

import dev.nightshift.core.model.Artifact;
import java.util.List;

/**
 * What a tool answers: text shaped for a context window, whether it is an error, and the
 * screenshots or videos the call kept as artifacts (a model that sees images is shown the
 * screenshots with the result).
 */
public record ToolResult(String content, boolean error, List<Artifact> media) {
    public ToolResult {
        media = List.copyOf(media);
    }

    public ToolResult(String content, boolean error) {
        this(content, error, List.of());
    }

    public static ToolResult ok(String content) {
        return new ToolResult(content, false);
    }

    /** A result with the media the call kept. */
    public static ToolResult ok(String content, List<Artifact> media) {
        return new ToolResult(content, false, media);
    }

    public static ToolResult error(String message) {
        return new ToolResult(message, true);
    }
}

package dev.nightshift.agent.tools;

/** What a tool answers: text shaped for a context window, and whether it is an error. */
public record ToolResult(String content, boolean error) {
    public static ToolResult ok(String content) {
        return new ToolResult(content, false);
    }

    public static ToolResult error(String message) {
        return new ToolResult(message, true);
    }
}

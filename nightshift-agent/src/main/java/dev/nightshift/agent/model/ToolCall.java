package dev.nightshift.agent.model;

/**
 * A tool call the model asked for. {@code argumentsJson} is the model's text as it came: it may
 * be malformed, and the loop answers that with an error result rather than failing.
 */
public record ToolCall(String id, String name, String argumentsJson) {}

package dev.nightshift.agent.model;

import java.util.List;

/**
 * What a model answered: text, the tool calls it wants (in order), usage, and why it stopped
 * ({@code stop}, {@code tool_calls}, {@code length}, …, as the provider said it).
 */
public record ModelResponse(ModelRef model, String text, List<ToolCall> toolCalls, Usage usage, String finishReason) {
    public ModelResponse {
        toolCalls = List.copyOf(toolCalls);
    }
}

package dev.nightshift.agent.model;

import java.util.List;

/** One call to a model: the whole conversation (system prompt first) and the tools it may call. */
public record ModelRequest(ModelRef model, List<ChatMessage> messages, List<ToolSpec> tools, int maxOutputTokens) {
    public ModelRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
    }
}

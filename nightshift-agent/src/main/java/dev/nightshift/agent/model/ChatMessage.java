package dev.nightshift.agent.model;

import java.util.List;

/** One entry of the conversation the model sees; rebuilt from the session log for every call. */
public sealed interface ChatMessage {
    record System(String text) implements ChatMessage {}

    record User(String text) implements ChatMessage {}

    record Assistant(String text, List<ToolCall> toolCalls) implements ChatMessage {
        public Assistant {
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /** The answer to one tool call. */
    record ToolResult(String callId, String toolName, String content, boolean error) implements ChatMessage {}
}

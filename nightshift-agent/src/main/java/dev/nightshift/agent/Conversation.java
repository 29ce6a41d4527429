package dev.nightshift.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.event.EventType;
import dev.nightshift.core.model.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's view of a session, rebuilt from the log (which is never rewritten): prompts,
 * answers, tool calls and their results, and compactions that stand in for everything before them.
 * Pure: events in, messages out.
 */
public final class Conversation {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String INTERRUPTED =
            "This tool call was interrupted (the control plane restarted or it was stopped) and its outcome is unknown. "
                    + "Check the state of the workspace before repeating it.";
    /** Stands before a summary that replaces the conversation up to it. */
    static final String SUMMARY_PREFIX = "[Summary of the conversation so far, written when it grew too long]\n";

    /**
     * @param messages the conversation without a system prompt
     * @param interrupted tool calls that started and have no recorded result: never re-run, the
     *     model is told their outcome is unknown
     * @param steps model answers in the current (last) user turn
     */
    public record Rebuilt(List<ChatMessage> messages, List<ToolCall> interrupted, int steps) {}

    private Conversation() {}

    public static Rebuilt rebuild(List<Event> events) {
        List<ChatMessage> messages = new ArrayList<>();
        Map<String, ToolCall> open = new LinkedHashMap<>();
        int steps = 0;
        for (Event e : events) {
            JsonNode data = parse(e.data());
            switch (EventType.fromWire(e.type()).orElse(null)) {
                case null -> {} // an executor's own event type
                case CONTEXT_COMPACTED -> {
                    messages.clear();
                    open.clear();
                    messages.add(new ChatMessage.User(
                            SUMMARY_PREFIX + data.path("summary").asText()));
                }
                case USER_MESSAGE -> {
                    closeInterrupted(messages, open);
                    messages.add(new ChatMessage.User(data.path("content").asText(), attachments(data)));
                    steps = 0;
                }
                case ASSISTANT_MESSAGE -> {
                    closeInterrupted(messages, open);
                    List<ToolCall> calls = new ArrayList<>();
                    for (JsonNode c : data.path("toolCalls")) {
                        calls.add(new ToolCall(
                                c.path("id").asText(),
                                c.path("name").asText(),
                                c.path("arguments").asText()));
                    }
                    messages.add(new ChatMessage.Assistant(data.path("text").asText(""), calls));
                    calls.forEach(c -> open.put(c.id(), c));
                    steps++;
                }
                case TOOL_RESULT -> {
                    String id = data.path("callId").asText();
                    if (open.remove(id) != null) {
                        messages.add(new ChatMessage.ToolResult(
                                id,
                                data.path("name").asText(),
                                data.path("content").asText(),
                                data.path("error").asBoolean()));
                    }
                }
                default -> {} // tokens, steps, sandbox and turn events do not enter the model's view
            }
        }
        List<ToolCall> interrupted = List.copyOf(open.values());
        return new Rebuilt(messages, interrupted, steps);
    }

    /** A prompt's attachments as the log describes them; their content is read later ({@link PromptAttachments}). */
    private static List<ChatMessage.Attachment> attachments(JsonNode prompt) {
        List<ChatMessage.Attachment> out = new ArrayList<>();
        for (JsonNode a : prompt.path("attachments")) {
            out.add(new ChatMessage.Attachment(
                    a.path("id").asText(),
                    a.path("name").asText(),
                    a.path("mediaType").asText(),
                    a.path("size").asLong(),
                    a.path("path").asText(),
                    null,
                    null));
        }
        return out;
    }

    /** A new prompt or answer after calls that never got results (a crash mid-tool): tell the model. */
    private static void closeInterrupted(List<ChatMessage> messages, Map<String, ToolCall> open) {
        for (ToolCall call : open.values()) {
            messages.add(new ChatMessage.ToolResult(call.id(), call.name(), INTERRUPTED, true));
        }
        open.clear();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json == null ? "{}" : json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }
}

package dev.nightshift.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.event.EventType;
import dev.nightshift.core.model.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model's view of a session, rebuilt from the log (which is never rewritten): prompts,
 * answers, tool calls and their results, and compactions that stand in for everything before them;
 * also what people answered to the turn's questions and plans, which become the results of the calls
 * that asked. Pure: events in, messages out.
 */
public final class Conversation {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String INTERRUPTED =
            "This tool call was interrupted (the control plane restarted or it was stopped) and its outcome is unknown. "
                    + "Check the state of the workspace before repeating it.";
    /** A call the model asked for that never started: the turn paused (or stopped) before it. */
    public static final String NOT_RUN = "This tool call was not run: the turn paused for a person's answer (or was "
            + "stopped) before it. Call it again if it is still needed.";
    /** Stands before a summary that replaces the conversation up to it. */
    static final String SUMMARY_PREFIX = "[Summary of the conversation so far, written when it grew too long]\n";

    /**
     * @param messages the conversation without a system prompt
     * @param interrupted tool calls without a recorded result: never re-run; the model is told their
     *     outcome is unknown, that they never ran, or (for a question or plan) what people answered
     * @param steps model answers in the current (last) user turn
     * @param answers the result of each open call that asked people and was answered (or timed out), by call id
     * @param started the calls whose tool started (a {@code tool_call} was logged): an open one was interrupted
     * @param planApproved a member has approved a plan of this session
     * @param pendingMedia the screenshots of the last step's calls when some of its calls are still
     *     open: they go after the open calls' results (a model takes nothing between a step's results)
     */
    public record Rebuilt(
            List<ChatMessage> messages,
            List<ToolCall> interrupted,
            int steps,
            Map<String, String> answers,
            Set<String> started,
            boolean planApproved,
            java.util.Optional<ChatMessage.User> pendingMedia) {
        public Rebuilt(List<ChatMessage> messages, List<ToolCall> interrupted, int steps) {
            this(messages, interrupted, steps, Map.of(), Set.of(), false, java.util.Optional.empty());
        }

        /** What an open call's result is now: the answer it waited for, or why it has none. */
        public String resultOf(ToolCall call) {
            String answer = answers.get(call.id());
            if (answer != null) {
                return answer;
            }
            return started.contains(call.id()) ? INTERRUPTED : NOT_RUN;
        }
    }

    private Conversation() {}

    public static Rebuilt rebuild(List<Event> events) {
        List<ChatMessage> messages = new ArrayList<>();
        Map<String, ToolCall> open = new LinkedHashMap<>();
        Set<String> started = new HashSet<>();
        Map<String, JsonNode> questions = new HashMap<>();
        Map<String, String> answers = new HashMap<>();
        boolean planApproved = false;
        List<ChatMessage.Attachment> shots = new ArrayList<>();
        int steps = 0;
        for (Event e : events) {
            JsonNode data = parse(e.data());
            switch (EventType.fromWire(e.type()).orElse(null)) {
                case null -> {} // an executor's own event type
                case TOOL_CALL -> started.add(data.path("callId").asText());
                case QUESTION -> questions.put(data.path("questionId").asText(), data);
                case ANSWER -> {
                    JsonNode question = questions.get(data.path("questionId").asText());
                    answers.put(data.path("callId").asText(), answerText(question, data));
                }
                case PLAN_REVIEW -> {
                    answers.put(data.path("callId").asText(), reviewText(data));
                    planApproved |= EventPayload.PlanReview.APPROVED.equals(
                            data.path("outcome").asText());
                }
                case CONTEXT_COMPACTED -> {
                    messages.clear();
                    open.clear();
                    shots.clear();
                    messages.add(new ChatMessage.User(
                            SUMMARY_PREFIX + data.path("summary").asText()));
                }
                case USER_MESSAGE -> {
                    closeInterrupted(messages, open);
                    flush(messages, shots);
                    messages.add(new ChatMessage.User(data.path("content").asText(), attachments(data)));
                    steps = 0;
                }
                case ASSISTANT_MESSAGE -> {
                    closeInterrupted(messages, open);
                    flush(messages, shots);
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
                        shots.addAll(screenshots(data));
                    }
                }
                default -> {} // tokens, steps, sandbox and turn events do not enter the model's view
            }
        }
        java.util.Optional<ChatMessage.User> pendingMedia = java.util.Optional.empty();
        if (open.isEmpty()) {
            flush(messages, shots);
        } else if (!shots.isEmpty()) {
            pendingMedia = java.util.Optional.of(ChatMessage.User.media(List.copyOf(shots)));
        }
        List<ToolCall> interrupted = List.copyOf(open.values());
        Map<String, String> openAnswers = new HashMap<>();
        for (ToolCall call : interrupted) {
            if (answers.containsKey(call.id())) {
                openAnswers.put(call.id(), answers.get(call.id()));
            }
        }
        return new Rebuilt(
                messages, interrupted, steps, Map.copyOf(openAnswers), Set.copyOf(started), planApproved, pendingMedia);
    }

    /** An answer to {@code ask_user} as the model reads it: each question with its answer. */
    static String answerText(JsonNode question, JsonNode answer) {
        if (answer.path("timedOut").asBoolean()) {
            return "No one answered in the time allowed (the question timed out). Go on with your best judgement, "
                    + "and say in your final summary what you assumed.";
        }
        StringBuilder out = new StringBuilder("They answered:");
        JsonNode asked = question == null ? null : question.path("questions");
        int i = 0;
        for (JsonNode a : answer.path("answers")) {
            out.append('\n').append(i + 1).append(". ");
            if (asked != null && asked.has(i)) {
                out.append(asked.get(i).path("question").asText()).append("\n   → ");
            }
            out.append(a.asText());
            i++;
        }
        return out.toString();
    }

    /** A review of {@code propose_plan} as the model reads it. */
    static String reviewText(JsonNode review) {
        return switch (review.path("outcome").asText()) {
            case EventPayload.PlanReview.APPROVED ->
                "Your plan was approved"
                        + (review.path("edited").asBoolean() ? ", with edits: follow the approved text below" : "")
                        + ". You may now change files and run commands that write. The approved plan:\n\n"
                        + review.path("plan").asText();
            case EventPayload.PlanReview.CHANGES_REQUESTED ->
                "The plan was not approved. The reviewer asks for changes:\n\n"
                        + review.path("feedback").asText()
                        + "\n\nRevise the plan and propose it again with propose_plan.";
            default ->
                "No one reviewed the plan in the time allowed. Nothing may change before a plan is approved: finish "
                        + "now with the plan as your answer, so a member can ask you to go ahead.";
        };
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

    /** The screenshots a step's calls took, after all of the step's results. */
    private static void flush(List<ChatMessage> messages, List<ChatMessage.Attachment> shots) {
        if (!shots.isEmpty()) {
            messages.add(ChatMessage.User.media(List.copyOf(shots)));
            shots.clear();
        }
    }

    /**
     * The screenshots a {@code tool_result} names, for the model to see (their content is read
     * later, {@link PromptAttachments}); videos are left to the result's own words.
     */
    static List<ChatMessage.Attachment> screenshots(JsonNode result) {
        List<ChatMessage.Attachment> out = new ArrayList<>();
        for (JsonNode m : result.path("media")) {
            if (!"screenshot".equals(m.path("type").asText())) {
                continue;
            }
            out.add(ChatMessage.Attachment.screenshot(
                    m.path("artifactId").asText(), describe(m), m.path("bytes").asLong()));
        }
        return out;
    }

    /** The screenshots among a result's media refs ({@link Journal#mediaRefs}); none for null. */
    static List<ChatMessage.Attachment> screenshots(List<EventPayload.MediaRef> refs) {
        if (refs == null) {
            return List.of();
        }
        return screenshots(JSON.valueToTree(Map.of("media", refs)));
    }

    /** {@code home.png, 1280×800, "after": the saved form} (the agent's own words last). */
    static String describe(JsonNode m) {
        StringBuilder out = new StringBuilder(m.path("name").asText("screenshot.png"));
        if (m.path("width").asInt() > 0) {
            out.append(", ")
                    .append(m.path("width").asInt())
                    .append('×')
                    .append(m.path("height").asInt());
        }
        if (!m.path("label").asText("").isEmpty()) {
            out.append(", \"").append(m.path("label").asText()).append('"');
        }
        if (!m.path("caption").asText("").isEmpty()) {
            out.append(": ").append(m.path("caption").asText());
        }
        return out.toString();
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

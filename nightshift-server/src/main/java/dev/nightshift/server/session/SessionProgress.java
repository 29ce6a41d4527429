package dev.nightshift.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.http.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a session's work stands, read from its log in one pass: what a status message in a chat or a
 * tracker shows while a turn runs and when it ends. Read on the timer that refreshes status messages
 * and on the pipeline's workers when a turn ended.
 *
 * @param lastToolCall the name of the newest tool call (null before the first)
 * @param runningTool the newest tool call's name while it has no result yet (null otherwise)
 * @param plan the newest plan ({@code todo} event), in its order
 * @param lastAnswer the text of the newest assistant message that had any ("" before one)
 */
public record SessionProgress(String lastToolCall, String runningTool, List<PlanItem> plan, String lastAnswer) {
    /** One item of the agent's plan. */
    public record PlanItem(String content, boolean done) {}

    private static final int PAGE = 500;

    public SessionProgress {
        plan = List.copyOf(plan);
    }

    /** The session's progress as its log has it now. */
    public static SessionProgress read(Store store, String sessionId) {
        String lastToolCall = null;
        String runningTool = null;
        String lastAnswer = "";
        List<PlanItem> plan = List.of();
        long after = 0;
        Page<Event> page;
        do {
            page = store.events().after(sessionId, after, PAGE);
            for (Event e : page.items()) {
                after = e.seq();
                switch (e.type()) {
                    case "tool_call" -> {
                        lastToolCall = Json.tree(e.data()).path("name").asText(null);
                        runningTool = lastToolCall;
                    }
                    case "tool_result" -> runningTool = null;
                    case "assistant_message" -> {
                        String text = Json.tree(e.data()).path("text").asText("");
                        if (!text.isBlank()) {
                            lastAnswer = text;
                        }
                    }
                    case "todo" -> {
                        List<PlanItem> items = new ArrayList<>();
                        for (JsonNode todo : Json.tree(e.data()).path("todos")) {
                            items.add(new PlanItem(
                                    todo.path("content").asText(""),
                                    "completed".equals(todo.path("status").asText())));
                        }
                        plan = items;
                    }
                    default -> {}
                }
            }
        } while (page.hasMore());
        return new SessionProgress(lastToolCall, runningTool, plan, lastAnswer);
    }

    /** How many plan items are done. */
    public long done() {
        return plan.stream().filter(PlanItem::done).count();
    }

    /** The first plan item not done yet: the step the agent is on (null without a plan or when all are done). */
    public String currentStep() {
        return plan.stream()
                .filter(i -> !i.done())
                .map(PlanItem::content)
                .findFirst()
                .orElse(null);
    }
}

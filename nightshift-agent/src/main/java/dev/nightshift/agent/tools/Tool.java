package dev.nightshift.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.ToolSpec;

/**
 * Something the agent can do in its sandbox. A tool validates its arguments and answers bad input
 * with an error result the model can act on; it never throws for the model's mistakes.
 */
public interface Tool {
    ToolSpec spec();

    /** Whether an explorer (read-only) subagent may use it. */
    boolean readOnly();

    /**
     * Whether a call may pause the turn until a person answers ({@code ask_user}, {@code propose_plan}):
     * only a turn's own loop offers such tools, never a subagent's.
     */
    default boolean pausesTurn() {
        return false;
    }

    ToolResult run(JsonNode arguments, ToolContext context) throws InterruptedException;
}

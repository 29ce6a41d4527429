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

    ToolResult run(JsonNode arguments, ToolContext context) throws InterruptedException;
}

package dev.nightshift.agent.tools;

import java.util.List;

/** The agent's tools: all of them, and the ones an explorer (read-only) subagent may use. */
public final class Tools {
    private Tools() {}

    public static List<Tool> all() {
        return List.of(
                new ReadTool(),
                new WriteTool(),
                new EditTool(),
                new GrepTool(),
                new GlobTool(),
                new LsTool(),
                new BashTool(),
                new TodoWriteTool(),
                new SkillTool(),
                new WebFetchTool());
    }

    public static List<Tool> readOnly() {
        return all().stream().filter(Tool::readOnly).toList();
    }

    /**
     * The tools that ask people and pause the turn until they answer; a turn's loop offers {@code
     * ask_user} always and {@code propose_plan} while a plan-first session waits for its plan.
     */
    public static List<Tool> interactive() {
        return List.of(new AskUserTool(), new ProposePlanTool());
    }
}

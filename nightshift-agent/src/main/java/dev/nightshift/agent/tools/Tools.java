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
}

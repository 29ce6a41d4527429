package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The repository's skills: {@code SKILL.md} files under {@code .agents/skills/<name>/} and
 * {@code .claude/skills/<name>/}. Listed on demand, loaded on demand (so they cost no context until
 * used), with {@code $ARGUMENTS} replaced by what the caller passes.
 */
public final class SkillTool extends BaseTool {
    public static final String NAME = "skill";
    static final List<String> ROOTS = List.of(".agents/skills", ".claude/skills");
    static final int MAX_SKILL_CHARS = 50_000;
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(15);

    private static final String DESCRIPTION = """
            The repository's skills (SKILL.md files under .agents/skills/<name>/ or .claude/skills/<name>/): \
            call without a name to list them with their descriptions; call with a name to load that skill's \
            instructions, with $ARGUMENTS replaced by 'arguments'.""";
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "name": {"type": "string", "description": "the skill to load; leave out to list the skills"},
                "arguments": {"type": "string", "description": "substituted for $ARGUMENTS in the skill"}
              },
              "additionalProperties": false
            }""";

    record Skill(String name, String path, String description) {}

    public SkillTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid, IOException, InterruptedException {
        List<Skill> skills = discover(context);
        Optional<String> name = args.optionalString("name");
        if (name.isEmpty()) {
            if (skills.isEmpty()) {
                return ToolResult.ok(
                        "this repository has no skills (no SKILL.md under " + String.join(" or ", ROOTS) + ")");
            }
            StringBuilder out = new StringBuilder("Skills in this repository:\n");
            skills.forEach(s -> out.append("- ")
                    .append(s.name())
                    .append(s.description().isEmpty() ? "" : ": " + s.description())
                    .append('\n'));
            return ToolResult.ok(out.toString());
        }
        Skill skill = skills.stream()
                .filter(s -> s.name().equals(name.get()))
                .findFirst()
                .orElse(null);
        if (skill == null) {
            return ToolResult.error("no skill '" + name.get() + "'; the skills are: "
                    + skills.stream().map(Skill::name).toList());
        }
        String text =
                new String(context.sandbox().readFile(skill.path(), 0, MAX_SKILL_CHARS * 4), StandardCharsets.UTF_8);
        text = text.replace("$ARGUMENTS", args.optionalString("arguments").orElse(""));
        if (text.length() > MAX_SKILL_CHARS) {
            text = text.substring(0, MAX_SKILL_CHARS) + "\n[… the skill is longer; read " + skill.path()
                    + " for the rest]";
        }
        return ToolResult.ok("Skill '" + skill.name() + "' (" + skill.path() + "):\n\n" + text);
    }

    private static List<Skill> discover(ToolContext context) throws InterruptedException, IOException {
        String script = "for d in " + String.join(" ", ROOTS) + "; do "
                + "[ -d \"$d\" ] && find \"$d\" -mindepth 2 -maxdepth 2 -name SKILL.md -type f; done 2>/dev/null | sort";
        ExecResult found =
                context.sandbox().exec(ExecRequest.shell(script).withTimeout(LIST_TIMEOUT), OutputListener.IGNORE);
        List<Skill> skills = new ArrayList<>();
        for (String path : found.stdout().split("\n")) {
            if (path.isBlank()) {
                continue;
            }
            String[] parts = path.split("/");
            String name = parts[parts.length - 2];
            if (skills.stream().noneMatch(s -> s.name().equals(name))) { // .agents wins over .claude
                skills.add(new Skill(name, path, description(context, path)));
            }
        }
        return skills;
    }

    /** The {@code description:} of the SKILL.md front matter, or its first line of text. */
    private static String description(ToolContext context, String path) throws IOException {
        String head = new String(context.sandbox().readFile(path, 0, 4096), StandardCharsets.UTF_8);
        for (String line : head.split("\n")) {
            if (line.startsWith("description:")) {
                return line.substring("description:".length()).trim();
            }
        }
        for (String line : head.split("\n")) {
            if (!line.isBlank() && !line.startsWith("---") && !line.contains(":")) {
                return line.replaceFirst("^#+\\s*", "").trim();
            }
        }
        return "";
    }
}

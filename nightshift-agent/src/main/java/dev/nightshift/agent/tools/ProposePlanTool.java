package dev.nightshift.agent.tools;

import dev.nightshift.core.policy.QuestionRules;
import dev.nightshift.core.port.Ask;

/**
 * Proposes the agent's plan in a plan-first session and pauses the turn until a member reviews it:
 * approves it (perhaps edited), asks for changes, or lets it time out. Until a plan is approved the
 * tool layer refuses everything that changes anything; the review is this call's result.
 */
public final class ProposePlanTool extends BaseTool {
    public static final String NAME = "propose_plan";

    private static final String DESCRIPTION = """
            Proposes your plan for this session's task to its members and waits for their review; the turn pauses \
            and goes on with the review as this call's result. Nothing may change before a plan is approved: \
            investigate first with the read-only tools, then propose a concrete plan (what you will change, in \
            which files, and how you will verify it) as Markdown. A member approves it (perhaps with edits: then \
            follow the approved text) or asks for changes (then revise it and propose again).""";
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "plan": {"type": "string", "description": "the plan, as Markdown"}
              },
              "required": ["plan"],
              "additionalProperties": false
            }""";

    public ProposePlanTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true; // proposing changes nothing; it is what a session waiting for its plan must do
    }

    @Override
    public boolean pausesTurn() {
        return true;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid {
        String plan = args.nonBlank("plan").strip();
        if (plan.length() > QuestionRules.MAX_PLAN_CHARS) {
            return ToolResult.error("the plan has " + plan.length() + " characters; keep it under "
                    + QuestionRules.MAX_PLAN_CHARS + " (the steps, not the code)");
        }
        return context.ask(Ask.plan(null, plan))
                .map(id -> ToolResult.ok("proposed (" + id + "); the turn waits for the review"))
                .orElseGet(() ->
                        ToolResult.error("the plan cannot be proposed from here (a subagent, or a stopped turn)"));
    }
}

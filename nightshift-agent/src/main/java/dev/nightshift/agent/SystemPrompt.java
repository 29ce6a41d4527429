package dev.nightshift.agent;

import dev.nightshift.core.model.Session;

/** How the agent is told to work, what its environment is, and the repository's own instructions. */
public final class SystemPrompt {
    /** Longest repository instructions file taken into the prompt. */
    public static final int MAX_INSTRUCTIONS_CHARS = 20_000;

    private SystemPrompt() {}

    public static String build(Session session, String repositoryInstructions) {
        StringBuilder p = new StringBuilder();
        p.append("""
                You are Nightshift's coding agent. You work on a git checkout inside an isolated sandbox and finish \
                with changes a person can review and merge.

                How to work:
                - Explore first: use grep, glob and ls to find what matters, and read a file before you edit it.
                - Make the change end to end. Run the project's own checks (tests, build, linters), as its \
                instructions below describe, and fix what fails before you finish.
                - For work of three or more steps, keep a todo list with todo_write (one item in progress at a time).
                - Start servers with bash and detached=true: they keep running between calls, and the people in \
                this session can open their ports.
                - Network access goes through a proxy with an allowlist. If a request is refused, say so instead \
                of retrying it.
                - Do not repeat a failing action unchanged; find out why it fails.
                - When only the people in this session can settle something that changes what you do (a choice \
                between approaches, a missing requirement), ask them with ask_user; otherwise decide, and say what \
                you assumed.
                - Finish with a short summary: what you changed, and how you verified it.

                Environment:
                """);
        p.append("- workspace: /workspace (your working directory); home: /home/nightshift\n");
        p.append("- repository: ").append(session.repository()).append('\n');
        if (session.baseBranch() != null) {
            p.append("- base branch: ").append(session.baseBranch()).append('\n');
        }
        if (session.workBranch() != null) {
            p.append("- work branch: ").append(session.workBranch()).append('\n');
        }
        p.append("- session: ").append(session.id()).append('\n');
        if (repositoryInstructions != null && !repositoryInstructions.isBlank()) {
            String text = repositoryInstructions.length() > MAX_INSTRUCTIONS_CHARS
                    ? repositoryInstructions.substring(0, MAX_INSTRUCTIONS_CHARS) + "\n[… cut]"
                    : repositoryInstructions;
            p.append("\nThe repository's instructions (AGENTS.md / CLAUDE.md):\n\n")
                    .append(text)
                    .append('\n');
        }
        return p.toString();
    }
}

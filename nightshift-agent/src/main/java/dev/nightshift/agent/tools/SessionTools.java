package dev.nightshift.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.port.ChildSessions;
import dev.nightshift.core.port.ChildSessions.Child;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.port.TurnSuspended;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The tools with which a turn's agent starts and steers sessions of its own: {@code spawn_session},
 * {@code session_status}, {@code send_prompt} and {@code wait_sessions}. They act for the turn (its
 * session is the parent, its prompt's author the person the children run as) through {@link
 * ChildSessions}, whose refusals the model reads as errors. {@code wait_sessions} does not wait on a
 * thread: when a child still has work it parks the turn ({@link TurnSuspended}), and the turn is
 * resumed, this call run again, once they are done. Made per turn; used on the turn's thread.
 */
public final class SessionTools {
    public static final String SPAWN = "spawn_session";
    public static final String STATUS = "session_status";
    public static final String PROMPT = "send_prompt";
    /** Run again when a turn that it parked resumes: it answers then with how the children ended. */
    public static final String WAIT = "wait_sessions";

    /** The most sessions one wait_sessions names. */
    static final int MAX_WAIT = 100;
    /** How much of a child's last answer the parent's model is shown. */
    static final int ANSWER_CHARS = 2_000;

    private SessionTools() {}

    /** The four tools, acting for {@code turn}. */
    public static List<Tool> forTurn(Turn turn, ChildSessions sessions) {
        return List.of(
                new Spawn(turn, sessions),
                new Status(turn, sessions),
                new Prompt(turn, sessions),
                new Wait(turn, sessions));
    }

    /** The child sessions as the model reads them, one paragraph each. */
    static String describe(List<Child> children) {
        StringBuilder out = new StringBuilder();
        for (Child c : children) {
            if (!out.isEmpty()) {
                out.append("\n\n");
            }
            out.append(c.sessionId())
                    .append(" \"")
                    .append(c.title())
                    .append("\" on ")
                    .append(c.repository());
            out.append(": ").append(c.working() ? "still working" : "idle (" + c.status() + ")");
            if (c.lastTurn() != null) {
                out.append("; its last turn ").append(c.lastTurn());
            }
            if (c.workBranch() != null) {
                out.append("; work branch ").append(c.workBranch());
            }
            if (c.pullRequest() != null) {
                out.append("; pull request ").append(c.pullRequest());
            }
            if (c.lastAnswer() != null && !c.lastAnswer().isBlank()) {
                String answer = c.lastAnswer().strip();
                if (answer.length() > ANSWER_CHARS) {
                    answer = "…" + answer.substring(answer.length() - ANSWER_CHARS);
                }
                out.append("\nIts agent's last answer:\n").append(answer);
            }
        }
        return out.toString();
    }

    private abstract static class SessionTool extends BaseTool {
        final Turn turn;
        final ChildSessions sessions;

        SessionTool(Turn turn, ChildSessions sessions, String name, String description, String schema) {
            super(name, description, schema);
            this.turn = turn;
            this.sessions = sessions;
        }

        @Override
        final ToolResult run(Args args, ToolContext context) throws Args.Invalid, InterruptedException {
            try {
                return act(args);
            } catch (ChildSessions.Refused e) {
                return ToolResult.error(e.getMessage());
            }
        }

        abstract ToolResult act(Args args) throws Args.Invalid, InterruptedException;
    }

    static final class Spawn extends SessionTool {
        Spawn(Turn turn, ChildSessions sessions) {
            super(turn, sessions, SPAWN, """
                    Starts a child session: another agent, in a sandbox and on a work branch of its own, working on \
                    `prompt` while you go on. It runs as the same person and with this session's settings, and it \
                    commits and pushes its own branch. Give it everything it needs in the prompt: it does not see \
                    this conversation. Returns its id at once; wait for it with wait_sessions, look at it with \
                    session_status, give it more with send_prompt. There are limits on how deep child sessions go, \
                    how many work at once and how many one session starts; a refusal says which.""", """
                    {
                      "type": "object",
                      "properties": {
                        "prompt": {"type": "string", "description": "the task, with all the context it needs"},
                        "repository": {"type": "string", "description": "a git URL or path; default: this session's repository"},
                        "title": {"type": "string", "description": "a short title for people watching"}
                      },
                      "required": ["prompt"],
                      "additionalProperties": false
                    }""");
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        ToolResult act(Args args) throws Args.Invalid {
            String prompt = args.nonBlank("prompt");
            String repository =
                    args.optionalString("repository").filter(r -> !r.isBlank()).orElse(null);
            String title =
                    args.optionalString("title").filter(t -> !t.isBlank()).orElse(null);
            Child child = sessions.spawn(turn, repository, prompt, title);
            return ToolResult.ok("Started " + child.sessionId() + " \"" + child.title() + "\" on " + child.repository()
                    + ". It works on its own now; call wait_sessions to wait for it.");
        }
    }

    static final class Status extends SessionTool {
        Status(Turn turn, ChildSessions sessions) {
            super(
                    turn,
                    sessions,
                    STATUS,
                    "Tells how one of this session's child sessions is doing: working or idle, how its last turn "
                            + "ended, its work branch and pull request, and the end of its agent's last answer.",
                    """
                    {
                      "type": "object",
                      "properties": {"sessionId": {"type": "string", "description": "the id spawn_session returned"}},
                      "required": ["sessionId"],
                      "additionalProperties": false
                    }""");
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        ToolResult act(Args args) throws Args.Invalid {
            return ToolResult.ok(describe(List.of(sessions.status(turn, args.nonBlank("sessionId")))));
        }
    }

    static final class Prompt extends SessionTool {
        Prompt(Turn turn, ChildSessions sessions) {
            super(
                    turn,
                    sessions,
                    PROMPT,
                    "Queues another prompt in one of this session's child sessions (it runs after what it is doing); "
                            + "then wait for it with wait_sessions.",
                    """
                    {
                      "type": "object",
                      "properties": {
                        "sessionId": {"type": "string", "description": "the id spawn_session returned"},
                        "prompt": {"type": "string", "description": "what it should do next"}
                      },
                      "required": ["sessionId", "prompt"],
                      "additionalProperties": false
                    }""");
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        ToolResult act(Args args) throws Args.Invalid {
            String id = args.nonBlank("sessionId");
            String message = sessions.prompt(turn, id, args.nonBlank("prompt"));
            return ToolResult.ok("Queued " + message + " in " + id + "; call wait_sessions to wait for it.");
        }
    }

    static final class Wait extends SessionTool {
        Wait(Turn turn, ChildSessions sessions) {
            super(turn, sessions, WAIT, """
                    Waits until child sessions have finished their work: those named, or every child session of \
                    this one. Your turn pauses meanwhile without using anything, however long that takes (a restart \
                    included), and goes on with how each of them ended. Call it on its own, as the only call of an \
                    answer.""", """
                    {
                      "type": "object",
                      "properties": {
                        "sessionIds": {
                          "type": "array",
                          "items": {"type": "string"},
                          "maxItems": %d,
                          "description": "the child sessions to wait for; default: all of this session's"
                        }
                      },
                      "additionalProperties": false
                    }""".formatted(MAX_WAIT));
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        ToolResult act(Args args) throws Args.Invalid {
            List<String> ids = null;
            JsonNode named = args.optionalArray("sessionIds").orElse(null);
            if (named != null) {
                if (named.size() > MAX_WAIT) {
                    throw new Args.Invalid("'sessionIds' names at most " + MAX_WAIT + " sessions");
                }
                LinkedHashSet<String> unique = new LinkedHashSet<>();
                for (JsonNode id : named) {
                    if (!id.isTextual() || id.textValue().isBlank()) {
                        throw new Args.Invalid("'sessionIds' holds session ids (strings), got " + Args.describe(id));
                    }
                    unique.add(id.textValue().strip());
                }
                ids = List.copyOf(unique);
            }
            List<Child> children = sessions.children(turn, ids);
            if (children.isEmpty()) {
                return ToolResult.error("this session has no child sessions to wait for; start one with spawn_session");
            }
            List<String> working = new ArrayList<>();
            for (Child c : children) {
                if (c.working()) {
                    working.add(c.sessionId());
                }
            }
            if (!working.isEmpty()) {
                throw new TurnSuspended(working); // resumed, and this call run again, once they are done
            }
            return ToolResult.ok(describe(children));
        }
    }
}

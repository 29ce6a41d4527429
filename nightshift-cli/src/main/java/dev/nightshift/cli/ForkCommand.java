package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nightshift fork}: a new session from another at the end of one of its turns, with that
 * conversation so far and the files as that turn left them (at the head: a copy of its workspace as
 * it is), optionally with a first prompt to follow.
 */
@Command(
        name = "fork",
        sortOptions = false,
        description = "Branch a new session off another at the end of one of its turns: its conversation so far "
                + "and its files as that turn left them, on a work branch of its own. The session goes on untouched.")
final class ForkCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "SESSION", description = "The session to branch from.")
    String sessionId;

    @Parameters(
            index = "1..*",
            arity = "0..*",
            paramLabel = "PROMPT",
            description = "A first prompt for the new session (words are joined).")
    List<String> words;

    @Option(
            names = "--at",
            paramLabel = "SEQ",
            description = "The event of a turn's end (turn_complete) to branch after, as 'nightshift logs' numbers "
                    + "them. Default: the newest, with a copy of the workspace as it is now.")
    Long atSeq;

    @Option(names = "--title", paramLabel = "TEXT", description = "The new session's title.")
    String title;

    @Option(
            names = "--follow",
            description = "Follow the new session live until the prompt's turn ends (exit code as for run).")
    boolean follow;

    @Option(
            names = "--json",
            description = "For scripts: the new session as JSON (with --follow: events as JSON lines).")
    boolean json;

    ForkCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        String prompt = words == null ? "" : String.join(" ", words).strip();
        if (follow && prompt.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "--follow needs a prompt to follow");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (atSeq != null) {
            body.put("atSeq", atSeq);
        }
        if (title != null && !title.isBlank()) {
            body.put("title", title.strip());
        }
        JsonNode fork = api.post(sessionPath(sessionId) + "/fork", body);
        String forkId = fork.path("id").asText();
        if (json && !follow) {
            terminal.out().println(fork.toString());
        } else if (!json) {
            terminal.out()
                    .println("forked " + sessionId + " after event "
                            + fork.path("forkedAtSeq").asLong() + " into " + forkId + " ("
                            + fork.path("title").asText() + ")");
        }
        terminal.out().flush();
        if (prompt.isEmpty()) {
            return ExitCodes.OK;
        }
        long lastSeq = follow ? api.get(sessionPath(forkId)).path("lastSeq").asLong() : 0;
        JsonNode accepted = api.post(
                sessionPath(forkId) + "/prompts",
                Map.of("content", prompt, "clientRequestId", UUID.randomUUID().toString()));
        String messageId = accepted.path("messageId").asText();
        if (!json) {
            terminal.out().println("queued " + messageId + " in " + forkId);
            terminal.out().flush();
        }
        if (!follow) {
            return ExitCodes.OK;
        }
        return SessionFollow.untilTurnEnds(
                terminal, api, forkId, messageId, lastSeq, EventPrinter.forOutput(terminal, json), json);
    }
}

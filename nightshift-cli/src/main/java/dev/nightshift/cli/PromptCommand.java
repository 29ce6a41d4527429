package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift prompt}: queue another prompt in a session, optionally following it to its end. */
@Command(
        name = "prompt",
        sortOptions = false,
        description = "Queue a prompt in a session. It runs after the prompts before it.")
final class PromptCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "SESSION", description = "Session id.")
    String sessionId;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The prompt (words are joined).")
    List<String> words;

    @Option(names = "--model", paramLabel = "ID", description = "Model for this prompt only.")
    String model;

    @Option(names = "--attach", paramLabel = "FILE", description = PromptSender.ATTACH_HELP)
    List<java.nio.file.Path> attachments = List.of();

    @Option(
            names = "--follow",
            description = "Follow the session live until this prompt's turn ends (exit code as for run).")
    boolean follow;

    @Option(
            names = "--json",
            description = "For scripts: the queued message as JSON (with --follow: one JSON object per line).")
    boolean json;

    PromptCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        String text = String.join(" ", words).strip();
        if (text.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "the prompt is empty");
        }
        PromptSender.checkReadable(attachments);
        // events after this point belong to the new prompt or to the turn before it
        long lastSeq = follow ? api.get(sessionPath(sessionId)).path("lastSeq").asLong() : 0;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("content", text);
        body.put("clientRequestId", UUID.randomUUID().toString());
        if (model != null && !model.isBlank()) {
            body.put("model", model.strip());
        }
        JsonNode accepted = PromptSender.send(api, sessionId, body, attachments);
        String messageId = accepted.path("messageId").asText();
        if (json && !follow) {
            terminal.out().println(accepted.toString());
        } else if (!json) {
            terminal.out()
                    .println("queued " + messageId + " (position "
                            + accepted.path("position").asInt() + ")");
        }
        terminal.out().flush();
        if (!follow) {
            return ExitCodes.OK;
        }
        return SessionFollow.untilTurnEnds(
                terminal, api, sessionId, messageId, lastSeq, EventPrinter.forOutput(terminal, json), json);
    }
}

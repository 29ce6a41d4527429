package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift attach}: recent history, then the live stream until the turn in progress ends. */
@Command(
        name = "attach",
        sortOptions = false,
        description = {
            "Show a session's recent events, then follow it live until the turn in progress ends.",
            "With no turn in progress it shows the history and returns. Ctrl-C stops following only."
        })
final class AttachCommand extends ClientCommand {
    @Parameters(paramLabel = "SESSION", description = "Session id.")
    String sessionId;

    @Option(
            names = "--history",
            paramLabel = "N",
            defaultValue = "100",
            description =
                    "How many recent events to show first (default: ${DEFAULT-VALUE}; 'nightshift logs' shows all).")
    int history;

    @Option(names = "--json", description = "For scripts: one JSON object per line.")
    boolean json;

    AttachCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        if (history < 0) {
            throw new CliException(ExitCodes.USAGE, "--history must be 0 or more, got " + history);
        }
        // the turn to wait for is read before the history, so its end is in the history or still to come
        JsonNode session = api.get(sessionPath(sessionId));
        String messageId = turnInProgress(api.get(sessionPath(sessionId) + "/prompts"));
        long lastSeq = session.path("lastSeq").asLong();

        EventPrinter printer = EventPrinter.forOutput(terminal, json);
        TurnWatch watch = new TurnWatch(printer, messageId == null ? "" : messageId);
        long shown = lastSeq;
        if (history > 0 && lastSeq > 0) {
            JsonNode page = api.get(sessionPath(sessionId) + "/events?before=" + (lastSeq + 1) + "&limit=" + history);
            for (JsonNode event : page.path("events")) {
                watch.onEvent(event);
            }
        }
        if (messageId == null || watch.end() != null) {
            printer.close();
            if (messageId == null) {
                terminal.err()
                        .println("nightshift: no turn in progress; session " + sessionId + " is "
                                + session.path("status").asText());
                return ExitCodes.OK;
            }
            return SessionFollow.finish(terminal, api, sessionId, watch.end(), json);
        }
        return SessionFollow.untilTurnEnds(terminal, api, sessionId, messageId, shown, printer, json);
    }

    /** The prompt being worked on, else the next one waiting; null when the queue is empty. */
    private static String turnInProgress(JsonNode prompts) {
        String pending = null;
        for (JsonNode message : prompts.path("queue")) {
            switch (message.path("status").asText()) {
                case "processing", "waiting" -> {
                    return message.path("id").asText();
                }
                case "pending" -> pending = pending == null ? message.path("id").asText() : pending;
                default -> {}
            }
        }
        return pending;
    }
}

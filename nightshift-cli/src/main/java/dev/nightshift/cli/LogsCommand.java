package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift logs}: a session's whole event history, paged from the start. */
@Command(name = "logs", description = "Print a session's whole event history, oldest first.")
final class LogsCommand extends ClientCommand {
    @Parameters(paramLabel = "SESSION", description = "Session id.")
    String sessionId;

    @Option(names = "--json", description = "For scripts: one JSON object per event and line.")
    boolean json;

    LogsCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        long after = 0;
        try (EventPrinter printer = EventPrinter.forOutput(terminal, json)) {
            JsonNode page;
            do {
                // the server's page size: it knows its own limit
                page = api.get(sessionPath(sessionId) + "/events?after=" + after);
                for (JsonNode event : page.path("events")) {
                    printer.print(event);
                    after = event.path("seq").asLong();
                }
            } while (page.path("hasMore").asBoolean() && !page.path("events").isEmpty());
        }
        return ExitCodes.OK;
    }
}

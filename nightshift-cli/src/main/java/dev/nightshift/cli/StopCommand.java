package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift stop}: end the turn in progress (prompts still queued run afterwards). */
@Command(name = "stop", description = "Stop the turn a session is running. Queued prompts still run afterwards.")
final class StopCommand extends ClientCommand {
    @Parameters(paramLabel = "SESSION", description = "Session id.")
    String sessionId;

    @Option(names = "--json", description = "For scripts: the server's answer as JSON.")
    boolean json;

    StopCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        JsonNode answer = api.post(sessionPath(sessionId) + "/stop", null);
        if (json) {
            terminal.out().println(answer.toString());
        } else if (answer.path("stopped").asBoolean()) {
            terminal.out().println("stopped " + answer.path("messageId").asText() + " in session " + sessionId);
        } else {
            terminal.out().println("nothing was running in session " + sessionId);
        }
        terminal.out().flush();
        return ExitCodes.OK;
    }
}

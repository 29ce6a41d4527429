package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift approve}: approve the plan a plan-first session's agent waits on, as proposed or edited. */
@Command(
        name = "approve",
        sortOptions = false,
        description = {
            "Approve the plan a plan-first session's agent proposed, so it may start changing things.",
            "--plan-file approves your edited version instead ('nightshift answer' asks for changes)."
        })
final class ApproveCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "SESSION", description = "Session id.")
    String sessionId;

    @Option(names = "--plan-id", paramLabel = "ID", description = "The plan (pln_…); default: the one waiting.")
    String planId;

    @Option(
            names = "--plan-file",
            paramLabel = "FILE",
            description = "Approve the plan as written in this file (your edit) rather than as proposed.")
    Path planFile;

    @Option(names = "--json", description = "For scripts: the approved plan as JSON.")
    boolean json;

    ApproveCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (planId != null) {
            body.put("planId", planId);
        }
        if (planFile != null) {
            try {
                body.put("plan", Files.readString(planFile));
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read --plan-file " + planFile + ": " + e.getMessage());
            }
        }
        JsonNode approved = api.post(sessionPath(sessionId) + "/plan/approve", body);
        if (json) {
            terminal.out().println(approved.toString());
        } else {
            terminal.out()
                    .println("approved plan " + approved.path("id").asText()
                            + (planFile != null ? " as edited" : "") + " in session " + sessionId
                            + "; the agent goes on");
        }
        terminal.out().flush();
        return ExitCodes.OK;
    }
}

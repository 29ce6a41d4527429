package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift run}: a new session on a repository, one prompt, followed live to its end. */
@Command(
        name = "run",
        sortOptions = false,
        description = {
            "Start a session on a repository, send it a prompt and follow it live until the turn ends.",
            "Prints the branch, the pull request (or compare) URL and the session URL at the end.",
            "Ctrl-C stops following; the session keeps running ('nightshift attach ID' to follow it again)."
        })
final class RunCommand extends ClientCommand {
    /** Longest session title made from the prompt; the title is for lists, the prompt keeps every word. */
    static final int TITLE_CHARS = 80;

    @Option(
            names = "--repo",
            required = true,
            paramLabel = "URL|PATH",
            description = "Git URL, or a path of the server's machine (a relative path is made absolute).")
    String repository;

    @Option(
            names = "--base",
            paramLabel = "BRANCH",
            description = "Branch to start from (default: the repository's default).")
    String baseBranch;

    @Option(
            names = "--model",
            paramLabel = "ID",
            description = "Model as provider/model (default: the server's NIGHTSHIFT_MODEL).")
    String model;

    @Option(names = "--attach", paramLabel = "FILE", description = PromptSender.ATTACH_HELP)
    List<Path> attachments = List.of();

    @Option(names = "--detach", description = "Print the session id and return at once; the session runs on.")
    boolean detach;

    @Option(names = "--json", description = "For scripts: one JSON object per line (each event, then a summary).")
    boolean json;

    @Parameters(paramLabel = "PROMPT", arity = "1..*", description = "What the agent should do (words are joined).")
    List<String> words;

    RunCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        String prompt = String.join(" ", words).strip();
        if (prompt.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "the prompt is empty: say what the agent should do");
        }
        PromptSender.checkReadable(attachments);
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("repository", repositoryForServer(repository));
        putIfPresent(session, "baseBranch", baseBranch);
        putIfPresent(session, "model", model);
        session.put("title", title(prompt));
        String sessionId = api.post("/api/sessions", session).path("id").asText();

        Map<String, Object> message = new LinkedHashMap<>();
        message.put("content", prompt);
        // a retried request (after a timeout) returns the same message instead of queuing it twice
        message.put("clientRequestId", UUID.randomUUID().toString());
        JsonNode accepted;
        try {
            accepted = PromptSender.send(api, sessionId, message, attachments);
        } catch (CliException e) {
            // the session was made for this prompt alone: a refused prompt leaves no empty session behind
            try {
                api.post(sessionPath(sessionId) + "/archive", null);
            } catch (CliException ignored) {
                throw e;
            }
            throw new CliException(e.exitCode(), e.getMessage() + "; the new session " + sessionId + " was archived");
        }
        String messageId = accepted.path("messageId").asText();

        if (detach) {
            printDetached(api, sessionId, messageId);
            return ExitCodes.OK;
        }
        if (!json) {
            terminal.out().println(terminal.ansi().dim("session " + sessionId + "  " + api.sessionUrl(sessionId)));
        }
        // the session is new, so everything after sequence 0 is this run's
        return SessionFollow.untilTurnEnds(
                terminal, api, sessionId, messageId, 0L, EventPrinter.forOutput(terminal, json), json);
    }

    private void printDetached(NightshiftApi api, String sessionId, String messageId) {
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sessionId", sessionId);
            out.put("messageId", messageId);
            out.put("sessionUrl", api.sessionUrl(sessionId));
            terminal.out().println(NightshiftApi.write(out));
        } else {
            terminal.out().println(sessionId);
            terminal.err().println("nightshift: session started; follow it with: nightshift attach " + sessionId);
        }
        terminal.out().flush();
    }

    /** The server takes URLs and absolute paths; an existing local directory is passed as its absolute path. */
    static String repositoryForServer(String repository) {
        String trimmed = repository.strip();
        if (trimmed.contains("://") || trimmed.startsWith("git@") || trimmed.startsWith("/")) {
            return trimmed;
        }
        Path local = Path.of(trimmed);
        return Files.isDirectory(local) ? local.toAbsolutePath().normalize().toString() : trimmed;
    }

    static String title(String prompt) {
        String firstLine = prompt.lines().findFirst().orElse(prompt).strip();
        return firstLine.length() <= TITLE_CHARS ? firstLine : firstLine.substring(0, TITLE_CHARS - 1) + "…";
    }

    private static void putIfPresent(Map<String, Object> body, String field, String value) {
        if (value != null && !value.isBlank()) {
            body.put(field, value.strip());
        }
    }
}

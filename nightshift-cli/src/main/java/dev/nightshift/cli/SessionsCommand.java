package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightshift sessions}: a table of sessions, newest activity first. */
@Command(
        name = "sessions",
        description = {
            "List your sessions, most recently active first (one page).",
            "--all lists every session you can see (an admin sees everyone's), every page."
        })
final class SessionsCommand extends ClientCommand {
    @Option(names = "--all", description = "Every session you can see, not only your own; all pages.")
    boolean all;

    @Option(names = "--json", description = "For scripts: {\"sessions\":[…]} as one JSON document.")
    boolean json;

    SessionsCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        ArrayNode sessions = NightshiftApi.JSON.createArrayNode();
        boolean more;
        do {
            // no limit: the server's own page size
            JsonNode page = api.get("/api/sessions?" + (all ? "" : "mine=true&") + "offset=" + sessions.size());
            page.path("sessions").forEach(sessions::add);
            more = page.path("hasMore").asBoolean() && !page.path("sessions").isEmpty();
        } while (all && more);

        if (json) {
            ObjectNode document = NightshiftApi.JSON.createObjectNode();
            document.set("sessions", sessions);
            document.put("hasMore", more);
            terminal.out().println(document.toString());
            terminal.out().flush();
            return ExitCodes.OK;
        }
        if (sessions.isEmpty()) {
            terminal.err()
                    .println(
                            "nightshift: no sessions yet; start one with: nightshift run --repo <url|path> \"<prompt>\"");
            return ExitCodes.OK;
        }
        Table table = new Table("ID", "STATUS", "UPDATED", "REPOSITORY", "TITLE");
        Instant now = terminal.clock().instant();
        for (JsonNode s : sessions) {
            table.row(
                    s.path("id").asText(),
                    status(s.path("status").asText()),
                    ago(s.path("updatedAt").asText(), now),
                    s.path("repository").asText(),
                    s.path("title").asText(""));
        }
        table.print(terminal.out(), terminal.ansi());
        if (more) {
            terminal.err().println("nightshift: more sessions exist; --all lists every one");
        }
        return ExitCodes.OK;
    }

    /** A session's status as people read it. */
    static String status(String status) {
        return status.equals("waiting") ? "waiting for an answer" : status;
    }

    /** "5m ago": enough to tell sessions apart at a glance. */
    static String ago(String timestamp, Instant now) {
        Duration age;
        try {
            age = Duration.between(Instant.parse(timestamp), now);
        } catch (DateTimeParseException e) {
            return timestamp;
        }
        if (age.isNegative() || age.toSeconds() < 60) {
            return "just now";
        }
        if (age.toMinutes() < 60) {
            return age.toMinutes() + "m ago";
        }
        if (age.toHours() < 48) {
            return age.toHours() + "h ago";
        }
        return age.toDays() + "d ago";
    }
}

package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nightshift automations …}: sessions that start themselves on a schedule or on a webhook
 * delivery, run as their owner. Creating one is {@link AutomationCreateCommand}; the rest are here.
 */
@Command(
        name = "automations",
        description = {
            "Manage automations: sessions started by a schedule (cron) or a webhook delivery, as you.",
            "Every run is recorded; 'automations runs ID' shows what each one did."
        },
        subcommands = {
            AutomationsCommand.ListAutomations.class,
            AutomationsCommand.ShowAutomation.class,
            AutomationCreateCommand.class,
            AutomationsCommand.PauseAutomation.class,
            AutomationsCommand.ResumeAutomation.class,
            AutomationsCommand.RunAutomation.class,
            AutomationsCommand.ListRuns.class,
            AutomationsCommand.RotateKey.class,
            AutomationsCommand.RemoveAutomation.class
        })
final class AutomationsCommand {
    private AutomationsCommand() {}

    /** How many runs {@code show} lists under the automation. */
    static final int SHOWN_RUNS = 5;

    @Command(
            name = "list",
            description = {
                "List your automations: trigger, next fire, paused or not, the last run.",
                "--all lists everyone's (administrators)."
            })
    static final class ListAutomations extends ClientCommand {
        @Option(names = "--all", description = "Everyone's automations, with their owners (administrators).")
        boolean all;

        @Option(names = "--json", description = "For scripts: {\"automations\":[…]} as one JSON document.")
        boolean json;

        ListAutomations(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            JsonNode automations = api.get("/api/automations" + (all ? "?all=true" : ""));
            if (json) {
                terminal.out().println(automations.toString());
                terminal.out().flush();
                return ExitCodes.OK;
            }
            if (automations.path("automations").isEmpty()) {
                terminal.err()
                        .println("nightshift: no automations yet; create one with: nightshift automations create"
                                + " --name N --repo R --prompt TEXT --cron '0 7 * * 1-5' --timezone Europe/Paris");
                return ExitCodes.OK;
            }
            Instant now = terminal.clock().instant();
            Table table = all
                    ? new Table("ID", "NAME", "OWNER", "TRIGGER", "NEXT FIRE", "LAST RUN", "STATE")
                    : new Table("ID", "NAME", "TRIGGER", "NEXT FIRE", "LAST RUN", "STATE");
            for (JsonNode a : automations.path("automations")) {
                List<String> fires = AutomationText.nextFires(a.path("trigger"), now);
                String next = fires.isEmpty() ? "-" : fires.getFirst();
                if (all) {
                    table.row(
                            a.path("id").asText(),
                            a.path("name").asText(),
                            a.path("owner").path("login").asText(),
                            AutomationText.trigger(a.path("trigger")),
                            next,
                            AutomationText.lastRun(a, now),
                            AutomationText.state(a));
                } else {
                    table.row(
                            a.path("id").asText(),
                            a.path("name").asText(),
                            AutomationText.trigger(a.path("trigger")),
                            next,
                            AutomationText.lastRun(a, now),
                            AutomationText.state(a));
                }
            }
            table.print(terminal.out(), terminal.ansi());
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "show",
            description = "Show an automation: its trigger, next fire times, webhook URL, prompt and last runs.")
    static final class ShowAutomation extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The automation's id, as 'automations list' shows it.")
        String id;

        @Option(
                names = "--json",
                description = "For scripts: the automation as one JSON document, its recent runs under \"runs\".")
        boolean json;

        ShowAutomation(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            JsonNode automation = api.get(AutomationText.path(id));
            JsonNode runs = api.get(AutomationText.path(id) + "/runs?limit=" + SHOWN_RUNS);
            if (json) {
                com.fasterxml.jackson.databind.node.ObjectNode document = automation.deepCopy();
                document.set("runs", runs.path("runs"));
                terminal.out().println(document.toString());
                terminal.out().flush();
                return ExitCodes.OK;
            }
            print(terminal, automation, runs.path("runs"));
            return ExitCodes.OK;
        }

        static void print(Terminal terminal, JsonNode a, JsonNode runs) {
            PrintWriter out = terminal.out();
            Ansi ansi = terminal.ansi();
            Instant now = terminal.clock().instant();
            JsonNode trigger = a.path("trigger");
            out.println(ansi.bold(a.path("name").asText()) + "  "
                    + ansi.dim(a.path("id").asText()));
            line(out, "owner", a.path("owner").path("login").asText());
            line(
                    out,
                    "repository",
                    a.path("repository").asText()
                            + (a.hasNonNull("baseBranch")
                                    ? " (from " + a.path("baseBranch").asText() + ")"
                                    : ""));
            line(out, "model", a.path("model").asText("server default"));
            line(out, "trigger", AutomationText.trigger(trigger));
            for (JsonNode condition : trigger.path("conditions")) {
                line(out, "  when", AutomationText.condition(condition));
            }
            if (trigger.hasNonNull("idempotencyKey")) {
                line(out, "  dedupe on", trigger.path("idempotencyKey").asText());
            }
            if ("signed".equals(trigger.path("type").asText())) {
                line(out, "  signature", trigger.path("signatureHeader").asText());
                if (trigger.hasNonNull("timestampHeader")) {
                    line(
                            out,
                            "  timestamp",
                            trigger.path("timestampHeader").asText() + ", within "
                                    + trigger.path("timestampWindowSeconds").asText() + " s");
                }
                if (trigger.hasNonNull("deliveryIdHeader")) {
                    line(out, "  delivery id", trigger.path("deliveryIdHeader").asText());
                }
            }
            if (a.path("webhook").hasNonNull("url")) {
                line(out, "webhook URL", a.path("webhook").path("url").asText());
            }
            line(out, "state", a.path("paused").asBoolean() ? ansi.yellow(AutomationText.state(a)) : "active");
            List<String> fires = AutomationText.nextFires(trigger, now);
            for (int i = 0; i < fires.size(); i++) {
                line(out, i == 0 ? "next fires" : "", fires.get(i));
            }
            line(
                    out,
                    "changed",
                    a.path("updatedAt").asText() + " (version "
                            + a.path("version").asLong() + ")");
            out.println("prompt:");
            a.path("prompt").asText().lines().forEach(l -> out.println("  " + l));
            if (runs.isEmpty()) {
                out.println("runs: none yet");
            } else {
                out.println("recent runs:");
                runTable(runs, now).print(out, ansi);
            }
            out.flush();
        }

        private static void line(PrintWriter out, String label, String value) {
            out.println(String.format("  %-13s %s", label, value).stripTrailing());
        }
    }

    static Table runTable(JsonNode runs, Instant now) {
        Table table = new Table("RUN", "STATUS", "WHEN", "SESSION", "RESULT");
        for (JsonNode run : runs) {
            table.row(
                    run.path("id").asText(),
                    run.path("status").asText(),
                    SessionsCommand.ago(run.path("createdAt").asText(), now),
                    run.path("sessionId").asText("-"),
                    AutomationText.outcome(run));
        }
        return table;
    }

    @Command(
            name = "pause",
            description = "Pause an automation: its schedule stops firing and deliveries are refused (409).")
    static final class PauseAutomation extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The automation's id.")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, shown with the automation.")
        String reason;

        PauseAutomation(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (reason != null && !reason.isBlank()) {
                body.put("reason", reason.strip());
            }
            JsonNode paused = api.post(AutomationText.path(id) + "/pause", body);
            terminal.out()
                    .println("paused " + id + ": " + paused.path("pausedReason").asText());
            terminal.out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "resume", description = "Resume a paused automation.")
    static final class ResumeAutomation extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The automation's id.")
        String id;

        ResumeAutomation(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            JsonNode resumed = api.post(AutomationText.path(id) + "/resume", null);
            List<String> fires = AutomationText.nextFires(
                    resumed.path("trigger"), terminal.clock().instant());
            terminal.out().println("resumed " + id + (fires.isEmpty() ? "" : "; next fire " + fires.getFirst()));
            terminal.out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "run",
            sortOptions = false,
            description = {
                "Run an automation now, as its trigger would (its prompt without a payload).",
                "Prints the run and its session; a run that did not start (one is still running) exits 5."
            })
    static final class RunAutomation extends ClientCommand {
        /** How often, and how many times, --follow asks for a session the server had not started yet. */
        private static final long SESSION_POLL_MS = 500;

        private static final int SESSION_POLLS = 60;

        @Parameters(paramLabel = "ID", description = "The automation's id.")
        String id;

        @Option(
                names = "--follow",
                description = "Follow the run's session live until its turn ends (exit code as for run).")
        boolean follow;

        @Option(
                names = "--json",
                description = "For scripts: the run as JSON (with --follow: one JSON object per line).")
        boolean json;

        RunAutomation(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            JsonNode fired = api.post(AutomationText.path(id) + "/run-now", null);
            String runId = fired.path("runId").asText();
            if (!fired.path("fired").asBoolean()) {
                if (json) {
                    terminal.out().println(fired.toString());
                    terminal.out().flush();
                }
                terminal.err()
                        .println("nightshift: run " + runId + " "
                                + fired.path("status").asText() + ": "
                                + fired.path("reason").asText());
                terminal.err().flush();
                return ExitCodes.REFUSED;
            }
            String sessionId = fired.path("sessionId").asText(null);
            if (sessionId == null && follow) {
                sessionId = awaitSession(api, runId);
            }
            if (json && !follow) {
                terminal.out().println(fired.toString());
            } else if (!json) {
                terminal.out()
                        .println("run " + runId + " started "
                                + (sessionId == null
                                        ? "(its session is being made; 'nightshift automations runs " + id
                                                + "' shows it)"
                                        : "session " + sessionId + "  " + api.sessionUrl(sessionId)));
            }
            terminal.out().flush();
            if (!follow || sessionId == null) {
                return ExitCodes.OK;
            }
            String messageId = firstPrompt(api, sessionId);
            if (messageId == null) {
                terminal.err().println("nightshift: follow the session with: nightshift attach " + sessionId);
                return ExitCodes.OK;
            }
            // the session is the run's own, so everything after sequence 0 is this run's
            return SessionFollow.untilTurnEnds(
                    terminal, api, sessionId, messageId, 0L, EventPrinter.forOutput(terminal, json), json);
        }

        /** The run's session, once the server's pipeline has made it. */
        private String awaitSession(NightshiftApi api, String runId) {
            for (int i = 0; i < SESSION_POLLS; i++) {
                for (JsonNode run :
                        api.get(AutomationText.path(id) + "/runs?limit=20").path("runs")) {
                    if (run.path("id").asText().equals(runId) && run.hasNonNull("sessionId")) {
                        return run.path("sessionId").asText();
                    }
                }
                try {
                    Thread.sleep(SESSION_POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(ExitCodes.DETACHED, "interrupted; the run goes on");
                }
            }
            return null;
        }

        /**
         * The prompt the automation queued: still in the session's queue until its turn starts, then
         * the session's first user message.
         */
        private static String firstPrompt(NightshiftApi api, String sessionId) {
            JsonNode queue = api.get(sessionPath(sessionId) + "/prompts").path("queue");
            if (!queue.isEmpty()) {
                return queue.get(0).path("id").asText();
            }
            for (JsonNode event :
                    api.get(sessionPath(sessionId) + "/events?after=0&limit=20").path("events")) {
                if ("user_message".equals(event.path("type").asText()) && event.hasNonNull("messageId")) {
                    return event.path("messageId").asText();
                }
            }
            return null;
        }
    }

    @Command(
            name = "runs",
            description = "List an automation's runs, newest first: status, session, and the branch, PR or reason.")
    static final class ListRuns extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The automation's id.")
        String id;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "20",
                description = "How many runs (1 to 100; default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--before", paramLabel = "RUN", description = "Only runs older than this run (the next page).")
        String before;

        @Option(names = "--json", description = "For scripts: {\"runs\":[…],\"hasMore\":…} as one JSON document.")
        boolean json;

        ListRuns(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            String query = "?limit=" + limit
                    + (before == null
                            ? ""
                            : "&before=" + java.net.URLEncoder.encode(before, java.nio.charset.StandardCharsets.UTF_8));
            JsonNode page = api.get(AutomationText.path(id) + "/runs" + query);
            if (json) {
                terminal.out().println(page.toString());
                terminal.out().flush();
                return ExitCodes.OK;
            }
            if (page.path("runs").isEmpty()) {
                terminal.err()
                        .println("nightshift: no runs yet; 'nightshift automations run " + id + "' starts one now");
                return ExitCodes.OK;
            }
            runTable(page.path("runs"), terminal.clock().instant()).print(terminal.out(), terminal.ansi());
            if (page.path("hasMore").asBoolean()) {
                terminal.err()
                        .println("nightshift: older runs exist; --before "
                                + page.path("next").asText() + " lists them");
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "rotate-key",
            description = {
                "Give a webhook automation a new key and print it (shown only now); the old key stops working."
            })
    static final class RotateKey extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The automation's id.")
        String id;

        @Option(names = "--json", description = "For scripts: the automation with its new key as JSON.")
        boolean json;

        RotateKey(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            JsonNode rotated = api.patch(AutomationText.path(id), Map.of("rotateKey", true));
            if (json) {
                terminal.out().println(rotated.toString());
                terminal.out().flush();
                return ExitCodes.OK;
            }
            terminal.out().println("rotated the key of " + id + "; the old key no longer works");
            AutomationText.printWebhook(terminal, rotated);
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "rm",
            description = "Delete an automation and its run history; its webhook URL stops working. Its sessions stay.")
    static final class RemoveAutomation extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The automation's id.")
        String id;

        RemoveAutomation(Terminal terminal) {
            super(terminal);
        }

        @Override
        protected int run(NightshiftApi api) {
            api.delete(AutomationText.path(id));
            terminal.out().println("deleted " + id);
            terminal.out().flush();
            return ExitCodes.OK;
        }
    }
}

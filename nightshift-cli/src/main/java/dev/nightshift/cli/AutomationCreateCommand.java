package dev.nightshift.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightshift automations create}: one of three triggers (a schedule, a webhook with a key, a
 * signed webhook) chosen by its flag. Which flags go with which trigger is checked here so that a
 * mistake is named before anything is sent; the server checks the values themselves (cron, zone,
 * JSONPath) and says what is wrong with them. Secrets come from files or standard input, never the
 * command line, where they would be in the shell's history and the process list.
 */
@Command(
        name = "create",
        sortOptions = false,
        description = {
            "Create an automation. Its trigger is one of:",
            "  a schedule:  --cron '0 7 * * 1-5' --timezone Europe/Paris",
            "  a webhook:   --webhook [--when '$.level' eq error]...  (key shown once)",
            "  Sentry:      --sentry --secret-file FILE",
            "  any signer:  --signed --secret-file FILE --signature-header HEADER",
            "The prompt may use {{ $.path }} placeholders, filled from the delivery's JSON.",
        })
final class AutomationCreateCommand extends ClientCommand {
    @Option(
            names = "--name",
            required = true,
            paramLabel = "NAME",
            description = "What it is called; its sessions' title.")
    String name;

    @Option(
            names = "--repo",
            required = true,
            paramLabel = "URL|PATH",
            description = "Git URL, or a path of the server's machine (a relative path is made absolute).")
    String repository;

    @Option(names = "--base", paramLabel = "BRANCH", description = "Branch to start from (default: the repository's).")
    String baseBranch;

    @Option(names = "--model", paramLabel = "ID", description = "Model as provider/model (default: the server's).")
    String model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "What the agent should do each time.")
    String prompt;

    @Option(
            names = "--prompt-file",
            paramLabel = "FILE",
            description = "Read the prompt from FILE ('-': standard input).")
    Path promptFile;

    @Option(
            names = "--cron",
            paramLabel = "EXPR",
            description = "Schedule: minute hour day-of-month month day-of-week; at most every 15 min.")
    String cron;

    @Option(
            names = "--timezone",
            paramLabel = "ZONE",
            description = "The schedule's IANA time zone, e.g. Europe/Paris or UTC.")
    String timezone;

    @Option(names = "--webhook", description = "Start on a POST to the automation's URL with its key.")
    boolean webhook;

    @Option(
            names = "--sentry",
            description = "Start on a Sentry webhook (Sentry-Hook-Signature, deduped on Request-ID).")
    boolean sentry;

    @Option(names = "--signed", description = "Start on a delivery signed sha256=<hex HMAC-SHA256> in a header.")
    boolean signed;

    @Option(
            names = "--when",
            arity = "3",
            paramLabel = "PATH OP VALUE",
            hideParamSyntax = true,
            description = {
                "Webhook and signed: start only when the payload matches (repeat; all must hold).",
                "OP: eq, neq, gt, gte, lt, lte, contains, exists. VALUE: JSON (3, true, \"x\"), else a string."
            })
    List<String> when;

    @Option(
            names = "--idempotency-key",
            paramLabel = "PATH",
            description = "Webhook: a JSONPath naming each delivery, e.g. $.id; a repeat starts nothing new.")
    String idempotencyKey;

    @Option(
            names = "--secret-file",
            paramLabel = "FILE",
            description = "Sentry and signed: the shared secret, read from FILE ('-': standard input).")
    Path secretFile;

    @Option(names = "--signature-header", paramLabel = "HEADER", description = "Signed: the header with the signature.")
    String signatureHeader;

    @Option(
            names = "--timestamp-header",
            paramLabel = "HEADER",
            description = "Signed: the header with the sending time (Unix seconds); the signature then covers it.")
    String timestampHeader;

    @Option(
            names = "--window-seconds",
            paramLabel = "N",
            description = "Signed: how far that time may be from the server's (default: the server's).")
    Long windowSeconds;

    @Option(
            names = "--delivery-id-header",
            paramLabel = "HEADER",
            description = "Signed: the header naming each delivery, to drop repeats.")
    String deliveryIdHeader;

    @Option(names = "--json", description = "For scripts: the new automation as JSON (with the webhook key, if any).")
    boolean json;

    AutomationCreateCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    protected int run(NightshiftApi api) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name.strip());
        body.put("repository", RunCommand.repositoryForServer(repository));
        if (baseBranch != null && !baseBranch.isBlank()) {
            body.put("baseBranch", baseBranch.strip());
        }
        if (model != null && !model.isBlank()) {
            body.put("model", model.strip());
        }
        body.put("prompt", prompt());
        body.put("trigger", trigger());
        JsonNode created = api.post("/api/automations", body);
        if (json) {
            terminal.out().println(created.toString());
            terminal.out().flush();
            return ExitCodes.OK;
        }
        PrintWriter out = terminal.out();
        out.println("created " + created.path("id").asText() + " \""
                + created.path("name").asText() + "\": " + AutomationText.trigger(created.path("trigger")));
        List<String> fires = AutomationText.nextFires(
                created.path("trigger"), terminal.clock().instant());
        for (int i = 0; i < Math.min(3, fires.size()); i++) {
            out.println((i == 0 ? "next fires   " : "             ") + fires.get(i));
        }
        AutomationText.printWebhook(terminal, created);
        out.flush();
        return ExitCodes.OK;
    }

    private String prompt() {
        if ((prompt == null) == (promptFile == null)) {
            throw usage("give the prompt with --prompt TEXT or --prompt-file FILE (one of them)");
        }
        String text = prompt != null ? prompt : read(promptFile, "--prompt-file");
        if (text.isBlank()) {
            throw usage("the prompt is empty: say what the agent should do each time");
        }
        return text.strip();
    }

    private Map<String, Object> trigger() {
        int chosen = (cron != null ? 1 : 0) + (webhook ? 1 : 0) + (sentry ? 1 : 0) + (signed ? 1 : 0);
        if (chosen != 1) {
            throw usage("pick one trigger: --cron EXPR --timezone ZONE, --webhook, --sentry or --signed");
        }
        Map<String, Object> trigger = new LinkedHashMap<>();
        if (cron != null) {
            if (timezone == null) {
                throw usage("--cron needs --timezone ZONE, e.g. --timezone Europe/Paris or --timezone UTC");
            }
            refuse("--cron", "--when", when, "--idempotency-key", idempotencyKey, "--secret-file", secretFile);
            refuseSignedHeaders("--cron");
            trigger.put("type", "schedule");
            trigger.put("cron", cron.strip());
            trigger.put("timezone", timezone.strip());
            return trigger;
        }
        refuse(webhook ? "--webhook" : sentry ? "--sentry" : "--signed", "--timezone", timezone);
        if (webhook) {
            refuse("--webhook", "--secret-file", secretFile);
            refuseSignedHeaders("--webhook");
            trigger.put("type", "webhook");
            trigger.put("conditions", conditions());
            if (idempotencyKey != null) {
                trigger.put("idempotencyKey", idempotencyKey.strip());
            }
            return trigger;
        }
        String flag = sentry ? "--sentry" : "--signed";
        refuse(flag, "--idempotency-key", idempotencyKey);
        if (secretFile == null) {
            throw usage(flag + " needs --secret-file FILE: the shared secret the sender signs with"
                    + (sentry ? " (the Sentry integration's client secret)" : ""));
        }
        trigger.put("type", "signed");
        trigger.put("preset", sentry ? "sentry" : "generic");
        trigger.put("secret", read(secretFile, "--secret-file").replaceAll("[\r\n]+$", ""));
        trigger.put("conditions", conditions());
        if (sentry) {
            refuseSignedHeaders("--sentry");
            return trigger;
        }
        if (signatureHeader == null) {
            throw usage("--signed needs --signature-header HEADER, e.g. X-Signature-256");
        }
        if (windowSeconds != null && timestampHeader == null) {
            throw usage("--window-seconds goes with --timestamp-header");
        }
        trigger.put("signatureHeader", signatureHeader.strip());
        if (timestampHeader != null) {
            trigger.put("timestampHeader", timestampHeader.strip());
        }
        if (windowSeconds != null) {
            trigger.put("timestampWindowSeconds", windowSeconds);
        }
        if (deliveryIdHeader != null) {
            trigger.put("deliveryIdHeader", deliveryIdHeader.strip());
        }
        return trigger;
    }

    /** {@code --when PATH OP VALUE} triples as the API's conditions; VALUE is JSON when it parses as JSON. */
    private List<Map<String, Object>> conditions() {
        List<Map<String, Object>> conditions = new ArrayList<>();
        if (when == null) {
            return conditions;
        }
        for (int i = 0; i + 2 < when.size(); i += 3) {
            Map<String, Object> condition = new LinkedHashMap<>();
            condition.put("path", when.get(i).strip());
            condition.put("op", when.get(i + 1).strip().toLowerCase(java.util.Locale.ROOT));
            condition.put("value", value(when.get(i + 2)));
            conditions.add(condition);
        }
        return conditions;
    }

    /** {@code 3} → 3, {@code true} → true, {@code "x"} → "x", {@code error} (not JSON) → "error". */
    static JsonNode value(String text) {
        try {
            JsonNode parsed = NightshiftApi.JSON
                    .readerFor(JsonNode.class)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(text);
            if (parsed != null && !parsed.isMissingNode()) {
                return parsed;
            }
        } catch (JsonProcessingException e) {
            // a bare word: the string it spells
        }
        return NightshiftApi.JSON.getNodeFactory().textNode(text);
    }

    /** The generic signed trigger's own options, refused with any other trigger. */
    private void refuseSignedHeaders(String flag) {
        refuse(
                flag,
                "--signature-header",
                signatureHeader,
                "--timestamp-header",
                timestampHeader,
                "--window-seconds",
                windowSeconds,
                "--delivery-id-header",
                deliveryIdHeader);
    }

    /** Fails naming the first option given that does not go with {@code flag}: pairs of name and value. */
    private static void refuse(String flag, Object... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                throw usage(namesAndValues[i] + " does not go with " + flag);
            }
        }
    }

    private String read(Path file, String option) {
        try {
            if (file.toString().equals("-")) {
                return new String(terminal.in().readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw usage(option + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    private static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }
}

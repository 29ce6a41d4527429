package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the {@code automations} commands say things: a trigger in a few words, fire times in the
 * automation's own time zone, a run's outcome, and the webhook key block that is printed only when the
 * server hands out a key (on creation and rotation), because the server keeps only its hash.
 */
final class AutomationText {
    private AutomationText() {}

    /** A weekday and a local time with its zone's abbreviation: what a person checks a schedule against. */
    private static final DateTimeFormatter FIRE_TIME =
            DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm zzz", Locale.ENGLISH);

    /** Paths the curl example can fill in: {@code $.a.b}, nothing fancier. */
    private static final Pattern SIMPLE_PATH = Pattern.compile("\\$(\\.[A-Za-z_][A-Za-z0-9_-]*)+");

    /** The example payload when the conditions suggest none. */
    static final String EXAMPLE_PAYLOAD = "{\"level\":\"error\"}";

    static String path(String id) {
        return "/api/automations/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** {@code schedule 0 7 * * 1-5 (Europe/Paris)}, {@code webhook, 2 conditions}, {@code signed (sentry)}. */
    static String trigger(JsonNode trigger) {
        String type = trigger.path("type").asText();
        String summary = switch (type) {
            case "schedule" ->
                "schedule " + trigger.path("cron").asText() + " ("
                        + trigger.path("timezone").asText() + ")";
            case "signed" -> "signed (" + trigger.path("preset").asText() + ")";
            default -> type;
        };
        int conditions = trigger.path("conditions").size();
        return conditions == 0 ? summary : summary + ", " + conditions + " condition" + (conditions == 1 ? "" : "s");
    }

    /** {@code active}, or {@code paused: <why>}. */
    static String state(JsonNode automation) {
        if (!automation.path("paused").asBoolean()) {
            return "active";
        }
        String reason = automation.path("pausedReason").asText("");
        return reason.isBlank() ? "paused" : "paused: " + reason;
    }

    /** The schedule's next fire times in its own zone; empty for a webhook or a paused schedule. */
    static List<String> nextFires(JsonNode trigger, Instant now) {
        List<String> fires = new ArrayList<>();
        ZoneId zone = zone(trigger.path("timezone").asText(""));
        for (JsonNode fire : trigger.path("nextFires")) {
            fires.add(fireTime(fire.asText(), zone, now));
        }
        return fires;
    }

    static String fireTime(String iso, ZoneId zone, Instant now) {
        try {
            Instant at = Instant.parse(iso);
            return FIRE_TIME.format(at.atZone(zone)) + " (" + until(at, now) + ")";
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }

    /** "in 5m", "in 3h", "in 2d": how soon, to a glance's precision. */
    static String until(Instant at, Instant now) {
        Duration left = Duration.between(now, at);
        if (left.isNegative() || left.toSeconds() < 60) {
            return "now";
        }
        if (left.toMinutes() < 60) {
            return "in " + left.toMinutes() + "m";
        }
        if (left.toHours() < 48) {
            return "in " + left.toHours() + "h";
        }
        return "in " + left.toDays() + "d";
    }

    /** {@code succeeded 5m ago}, or {@code -} when the automation never ran. */
    static String lastRun(JsonNode automation, Instant now) {
        JsonNode run = automation.path("lastRun");
        if (run.isMissingNode() || run.isNull()) {
            return "-";
        }
        return run.path("status").asText() + " "
                + SessionsCommand.ago(run.path("createdAt").asText(), now);
    }

    /** What came of a run: its pull request, else its branch, else why it did not start or failed. */
    static String outcome(JsonNode run) {
        if (run.hasNonNull("pullRequest")) {
            return run.path("pullRequest").asText();
        }
        String reason = run.path("reason").asText("");
        if (run.hasNonNull("branch")) {
            return "branch " + run.path("branch").asText() + (reason.isBlank() ? "" : "; " + reason);
        }
        return reason.isBlank() ? "-" : reason;
    }

    /** A condition as written on the command line: {@code $.level eq "error"}. */
    static String condition(JsonNode condition) {
        return condition.path("path").asText() + " " + condition.path("op").asText() + " "
                + condition.path("value").toString();
    }

    /**
     * The webhook block of a create or rotate answer: the URL, and for a webhook trigger the key,
     * which the server shows only in this answer, with a curl line that sends a delivery.
     */
    static void printWebhook(Terminal terminal, JsonNode automation) {
        JsonNode webhook = automation.path("webhook");
        if (webhook.isMissingNode()) {
            return;
        }
        PrintWriter out = terminal.out();
        Ansi ansi = terminal.ansi();
        String url = webhook.path("url").asText();
        String id = automation.path("id").asText();
        out.println("webhook URL  " + url);
        JsonNode trigger = automation.path("trigger");
        if (webhook.hasNonNull("key")) {
            String key = webhook.path("key").asText();
            out.println("key          " + ansi.bold(key));
            out.println(ansi.yellow("             shown only now: store it, only its hash is kept ("
                    + "'nightshift automations rotate-key " + id + "' makes a new one)"));
            out.println("try it:");
            out.println("  " + curl(url, key, examplePayload(trigger.path("conditions"))));
        } else if ("sentry".equals(trigger.path("preset").asText())) {
            out.println("sender       Sentry: make this URL the integration's webhook URL; deliveries are checked");
            out.println("             against Sentry-Hook-Signature with the client secret you gave");
        } else if ("signed".equals(trigger.path("type").asText())) {
            String timestamp = trigger.path("timestampHeader").asText(null);
            out.println("sender       signs each delivery with the secret you gave: "
                    + trigger.path("signatureHeader").asText() + ": sha256=<hex HMAC-SHA256 of "
                    + (timestamp == null ? "the body" : "'<" + timestamp + ">.<body>'") + ">");
        }
        out.flush();
    }

    /** {@code curl -X POST URL -H "Authorization: Bearer KEY" …}, the payload quoted for a POSIX shell. */
    static String curl(String url, String key, String payload) {
        return "curl -X POST " + url + " -H \"Authorization: Bearer " + key + "\""
                + " -H \"Content-Type: application/json\" -d '" + payload.replace("'", "'\\''") + "'";
    }

    /**
     * A payload that passes the conditions it can (simple paths compared with eq, contains, exists or
     * a number), so the example starts a run instead of being recorded as unmatched.
     */
    static String examplePayload(JsonNode conditions) {
        ObjectNode root = NightshiftApi.JSON.createObjectNode();
        for (JsonNode c : conditions) {
            String path = c.path("path").asText();
            if (!SIMPLE_PATH.matcher(path).matches()) {
                continue;
            }
            JsonNode value = c.path("value");
            JsonNode sample = switch (c.path("op").asText()) {
                case "eq" -> value;
                case "contains" -> value.isTextual() ? value : null;
                case "exists" ->
                    value.asBoolean() ? NightshiftApi.JSON.getNodeFactory().textNode("x") : null;
                case "gte", "lte" -> value.isNumber() ? value : null;
                case "gt" ->
                    value.isNumber() ? NightshiftApi.JSON.getNodeFactory().numberNode(value.asLong() + 1) : null;
                case "lt" ->
                    value.isNumber() ? NightshiftApi.JSON.getNodeFactory().numberNode(value.asLong() - 1) : null;
                default -> null;
            };
            if (sample != null) {
                put(root, path.substring(2).split("\\."), sample);
            }
        }
        return root.isEmpty() ? EXAMPLE_PAYLOAD : root.toString();
    }

    private static void put(ObjectNode root, String[] names, JsonNode value) {
        ObjectNode node = root;
        for (int i = 0; i < names.length - 1; i++) {
            node = node.get(names[i]) instanceof ObjectNode child ? child : node.putObject(names[i]);
        }
        node.set(names[names.length - 1], value);
    }
}

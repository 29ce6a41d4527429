package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * The catalogue's platform events in words, for the human printer: "checked out main at 1a2b3c4
 * on a/5f8442c2", "committed 357f8dc Update README", "pull request #12 opened: …". Pure functions
 * of an event's data; a field that is absent is left out of the sentence, never shown as JSON.
 */
final class EventLines {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,64}");
    private static final int SHORT_SHA = 7;

    private EventLines() {}

    static String git(JsonNode d) {
        String error = text(d, "error");
        return switch (text(d, "action")) {
            case "checkout" -> checkout(d);
            case "commit" -> "committed " + abbreviate(text(d, "commit")) + suffix(" ", text(d, "subject"));
            case "push" ->
                error.isEmpty()
                        ? "pushed " + text(d, "branch") + suffix(" at ", abbreviate(text(d, "head")))
                        : "push of " + text(d, "branch") + " failed: " + error;
            case "pr" -> pullRequest(d, error);
            case "publish" -> "publishing failed: " + error;
            default -> text(d, "action") + (error.isEmpty() ? "" : " failed: " + error);
        };
    }

    /** "branched from ses_… (Try things) after event 12, files from commit 1a2b3c4". */
    static String forkedFrom(JsonNode d) {
        String title = text(d, "parentTitle");
        String from = switch (text(d, "workspace")) {
            case "live" -> "a copy of its workspace as it was";
            case "commit" -> "commit " + abbreviate(text(d, "commit"));
            default -> "its base branch";
        };
        return "branched from " + text(d, "parentId") + (title.isEmpty() ? "" : " (" + title + ")") + " after event "
                + d.path("atSeq").asLong() + ", files from " + from;
    }

    /** "child session ses_… (Split the parser) started", "… completed", "… failed: why". */
    static String childSession(JsonNode d) {
        String title = text(d, "title");
        String error = text(d, "error");
        return "child session " + text(d, "sessionId") + (title.isEmpty() ? "" : " (" + title + ")") + " "
                + text(d, "status") + (error.isEmpty() ? "" : ": " + error);
    }

    /** A prompt's attachments, one per line ("attached shot.png (image, 12.3 KB)"); empty without any. */
    static java.util.List<String> attachments(JsonNode d) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (JsonNode a : d.path("attachments")) {
            String type = text(a, "mediaType");
            lines.add("attached " + text(a, "name") + " (" + (type.startsWith("image/") ? "image" : "text") + ", "
                    + size(a.path("size").asLong()) + ")");
        }
        return lines;
    }

    /** {@code 812 bytes}, {@code 12.3 KB}, {@code 4.0 MB}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        if (bytes < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    private static String checkout(JsonNode d) {
        String head = text(d, "head");
        if (text(d, "branch").isEmpty()) {
            // a new project: no repository to check out, head says so
            return head.startsWith("(") && head.endsWith(")")
                    ? head.substring(1, head.length() - 1)
                    : "checked out " + head;
        }
        String sha = head.contains(" ") ? head.substring(0, head.indexOf(' ')) : head;
        return "checked out " + (text(d, "base").isEmpty() ? "an empty repository" : text(d, "base"))
                + suffix(" at ", abbreviate(sha)) + " on " + text(d, "branch");
    }

    private static String pullRequest(JsonNode d, String error) {
        String url = text(d, "url");
        if (!error.isEmpty()) {
            return "pull request not opened (" + error + ")" + suffix("; open it by hand: ", url);
        }
        String number = d.hasNonNull("number") ? " #" + d.path("number").asText() : "";
        return "pull request" + number + (d.path("created").asBoolean() ? " opened" : " updated") + suffix(": ", url);
    }

    static String artifact(JsonNode a) {
        JsonNode data = a.path("data");
        String url = text(a, "url");
        return switch (text(a, "type")) {
            case "branch" -> "branch " + text(data, "name") + suffix(" from ", text(data, "base"));
            case "pr" ->
                data.hasNonNull("fallback")
                        ? "pull request to open by hand" + suffix(": ", url)
                        : "pull request"
                                + (data.hasNonNull("number")
                                        ? " #" + data.path("number").asText()
                                        : "") + (data.path("draft").asBoolean() ? " (draft)" : "") + suffix(": ", url);
            case "preview_url" ->
                "preview"
                        + (data.hasNonNull("port")
                                ? " of port " + data.path("port").asText()
                                : "") + suffix(": ", url);
            case "screenshot", "video" -> media(text(a, "type"), data) + suffix(": ", url);
            default -> text(a, "type").replace('_', ' ') + suffix(": ", url);
        };
    }

    /** {@code screenshot shot-1.png 800×600 (after) "the new block"}; a video also says its length. */
    private static String media(String type, JsonNode data) {
        StringBuilder line = new StringBuilder(type);
        if (!text(data, "name").isEmpty()) {
            line.append(' ').append(text(data, "name"));
        }
        if (data.path("width").asInt() > 0 && data.path("height").asInt() > 0) {
            line.append(' ')
                    .append(data.path("width").asInt())
                    .append('×')
                    .append(data.path("height").asInt());
        }
        if (data.path("durationMillis").asLong() > 0) {
            line.append(String.format(
                    java.util.Locale.ROOT,
                    ", %.1f s",
                    data.path("durationMillis").asLong() / 1000.0));
        }
        if (!text(data, "label").isEmpty()) {
            line.append(" (").append(text(data, "label")).append(')');
        }
        if (!text(data, "caption").isEmpty()) {
            line.append(" \"").append(text(data, "caption")).append('"');
        }
        return line.toString();
    }

    static String sandboxStatus(JsonNode d) {
        return text(d, "state") + suffix(": ", text(d, "reason"));
    }

    static boolean hookFailed(JsonNode d) {
        return d.hasNonNull("error")
                || d.path("timedOut").asBoolean()
                || d.path("exitCode").asInt(0) != 0;
    }

    static String sandboxHook(JsonNode d) {
        String hook = text(d, "hook");
        if (d.hasNonNull("error")) {
            return hook + " could not run: " + text(d, "error");
        }
        if (d.path("timedOut").asBoolean()) {
            return hook + " timed out" + lastLine(d);
        }
        int exit = d.path("exitCode").asInt(0);
        return exit == 0 ? hook + " ran" : hook + " failed (exit " + exit + ")" + lastLine(d);
    }

    static String sandboxNetwork(JsonNode d) {
        return text(d, "action") + " " + text(d, "host")
                + (d.hasNonNull("port") ? ":" + d.path("port").asText() : "") + suffix(" (", text(d, "reason"))
                + (text(d, "reason").isEmpty() ? "" : ")");
    }

    private static String lastLine(JsonNode d) {
        String[] lines = text(d, "output").strip().split("\\R");
        String last = lines[lines.length - 1];
        return last.isBlank() ? "" : ": " + ToolCallLabel.shorten(last);
    }

    private static String abbreviate(String sha) {
        return SHA.matcher(sha).matches() && sha.length() > SHORT_SHA ? sha.substring(0, SHORT_SHA) : sha;
    }

    private static String suffix(String separator, String value) {
        return value == null || value.isEmpty() ? "" : separator + value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : "";
    }
}

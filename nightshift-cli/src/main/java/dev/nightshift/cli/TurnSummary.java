package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a finished turn left behind, for the last lines of {@code run}: the work branch, the pull
 * request (or, before one exists, the compare URL) and where to look at the session. Read from the
 * session's {@code branch} and {@code pr} artifacts, falling back to the session's work branch.
 */
record TurnSummary(
        String sessionId, TurnEnd end, String branch, String pullRequestUrl, String compareUrl, String sessionUrl) {

    static TurnSummary fetch(NightshiftApi api, String sessionId, TurnEnd end) {
        JsonNode session = api.get("/api/sessions/" + sessionId);
        String branch = text(session.path("workBranch"));
        String pr = null;
        String compare = null;
        for (JsonNode artifact :
                api.get("/api/sessions/" + sessionId + "/artifacts").path("artifacts")) {
            JsonNode data = artifact.path("data");
            switch (artifact.path("type").asText()) {
                case "branch" -> {
                    String named = firstText(data, "name", "branch");
                    branch = named != null ? named : branch;
                    compare = firstNonNull(text(artifact.path("url")), firstText(data, "compareUrl"), compare);
                }
                case "pr", "pull_request" -> pr = firstNonNull(text(artifact.path("url")), firstText(data, "url"), pr);
                default -> {}
            }
        }
        return new TurnSummary(sessionId, end, branch, pr, compare, api.sessionUrl(sessionId));
    }

    void print(Terminal terminal, boolean json) {
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("type", "summary");
            line.put("sessionId", sessionId);
            line.put("messageId", end.messageId());
            line.put("status", end.status());
            line.put("error", end.error());
            line.put("branch", branch);
            line.put("pullRequestUrl", pullRequestUrl);
            line.put("compareUrl", compareUrl);
            line.put("sessionUrl", sessionUrl);
            terminal.out().println(NightshiftApi.write(line));
        } else {
            Ansi ansi = terminal.ansi();
            if (branch != null) {
                terminal.out().println("branch   " + ansi.bold(branch));
            }
            if (pullRequestUrl != null) {
                terminal.out().println("PR       " + ansi.cyan(pullRequestUrl));
            } else if (compareUrl != null) {
                terminal.out().println("compare  " + ansi.cyan(compareUrl));
            }
            terminal.out().println("session  " + sessionUrl);
        }
        terminal.out().flush();
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = text(node.path(field));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static String firstNonNull(String a, String b, String c) {
        return a != null ? a : b != null ? b : c;
    }
}

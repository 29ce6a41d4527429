package dev.nightshift.agent.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.core.policy.RepositoryPolicy;
import dev.nightshift.core.policy.SecretRules;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the deployment's remote MCP servers from JSON: an array of entries such as
 *
 * <pre>{@code
 * [{"name": "tracker", "url": "https://mcp.example.com/mcp", "secret": "TRACKER_MCP",
 *   "tools": ["list_issues", "get_issue"], "repositories": ["github.com/acme/*"],
 *   "maxAnswerChars": 20000, "timeoutSeconds": 60}]
 * }</pre>
 *
 * Everything is checked when the server starts: a broken entry is refused with a message naming
 * the entry and the rule, so a typo never becomes a silently missing tool. Pure.
 */
public final class McpServers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,100}");
    private static final Set<String> FIELDS =
            Set.of("name", "url", "secret", "header", "tools", "repositories", "maxAnswerChars", "timeoutSeconds");
    static final int MIN_ANSWER_CHARS = 1_000;
    static final int MAX_ANSWER_CHARS = 1_000_000;
    static final int MAX_TIMEOUT_SECONDS = 600;

    private McpServers() {}

    /**
     * @param json an array of entries; blank for none
     * @throws IllegalArgumentException naming the broken entry and what is wrong with it
     */
    public static List<RemoteServer> parse(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "is not valid JSON (" + e.getOriginalMessage() + "); write an array of servers like "
                            + "[{\"name\":\"tracker\",\"url\":\"https://…/mcp\",\"tools\":[\"*\"]}]");
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("must be a JSON array of servers, like "
                    + "[{\"name\":\"tracker\",\"url\":\"https://…/mcp\",\"tools\":[\"*\"]}]");
        }
        List<RemoteServer> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            String where = "entry " + (i + 1)
                    + (entry.path("name").isTextual()
                            ? " (" + entry.path("name").asText() + ")"
                            : "");
            RemoteServer server;
            try {
                server = entry(entry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            if (!names.add(server.name())) {
                throw new IllegalArgumentException(where + ": the name " + server.name()
                        + " is used twice; each server needs its own, since its tools are named after it");
            }
            out.add(server);
        }
        return List.copyOf(out);
    }

    private static RemoteServer entry(JsonNode entry) {
        if (!entry.isObject()) {
            throw new IllegalArgumentException("must be an object with at least name, url and tools");
        }
        List<String> unknown = new ArrayList<>();
        entry.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown field " + unknown + "; the fields are "
                    + FIELDS.stream().sorted().toList());
        }
        String name = text(entry, "name", true);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "'name' must be 1 to 32 lower-case letters, digits or '-' (it names the tools: mcp__<name>__<tool>)");
        }
        String secret = text(entry, "secret", false);
        if (secret != null) {
            SecretRules.checkName(secret).ifPresent(rule -> {
                throw new IllegalArgumentException(
                        "'secret' names a vault secret: " + rule.replace("'name'", "its name"));
            });
        }
        URI url = url(text(entry, "url", true), secret != null);
        String header = text(entry, "header", false);
        if (header != null && !HEADER.matcher(header).matches()) {
            throw new IllegalArgumentException("'header' must be a header name like X-Api-Key");
        }
        if (header != null && secret == null) {
            throw new IllegalArgumentException("'header' names where the secret goes, so it needs 'secret'");
        }
        List<String> tools = list(entry, "tools");
        if (tools.isEmpty()) {
            throw new IllegalArgumentException(
                    "'tools' is required: list the tools the agent may call, or [\"*\"] to allow every tool the server offers");
        }
        List<String> repositories = list(entry, "repositories");
        for (String pattern : repositories) {
            try {
                RepositoryPolicy.matches(pattern, "example.invalid/x");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'repositories' has '" + pattern + "', which " + e.getMessage());
            }
        }
        int maxAnswerChars = number(
                entry, "maxAnswerChars", RemoteServer.DEFAULT_MAX_ANSWER_CHARS, MIN_ANSWER_CHARS, MAX_ANSWER_CHARS);
        int timeoutSeconds =
                number(entry, "timeoutSeconds", (int) RemoteServer.DEFAULT_TIMEOUT.toSeconds(), 1, MAX_TIMEOUT_SECONDS);
        return new RemoteServer(
                name, url, secret, header, tools, repositories, maxAnswerChars, Duration.ofSeconds(timeoutSeconds));
    }

    private static URI url(String raw, boolean withSecret) {
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'url' is not a URL: " + e.getMessage());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
            throw new IllegalArgumentException("'url' must be an https:// URL with a host, got '" + raw + "'");
        }
        if (url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "'url' may hold no user, password or fragment: a credential belongs in the vault ('secret')");
        }
        if (scheme.equals("http") && withSecret && !loopback(url.getHost())) {
            throw new IllegalArgumentException("'url' must be https:// to carry a secret (http:// only on loopback)");
        }
        return url;
    }

    private static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+]")) {
            return false; // a name is not looked up here: only literal addresses count as loopback
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String text(JsonNode entry, String field, boolean required) {
        JsonNode v = entry.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + field + "' is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("'" + field + "' must be a non-empty string");
        }
        return v.asText().strip();
    }

    private static List<String> list(JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("'" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new IllegalArgumentException("'" + field + "' must be an array of non-empty strings");
            }
            out.add(item.asText().strip());
        }
        return out;
    }

    private static int number(JsonNode entry, String field, int fallback, int min, int max) {
        JsonNode v = entry.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number from " + min + " to " + max);
        }
        return v.asInt();
    }
}

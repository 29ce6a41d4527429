package dev.nightshift.agent.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the MCP servers a repository declares in {@code .mcp.json} at its root, in the format
 * Claude Code uses: {@code {"mcpServers": {"name": {"command": "…", "args": […], "env": {…}}}}}.
 * Only servers started as a command (stdio) are taken: they run inside the session's sandbox like
 * anything else the repository brings. Remote ones ({@code "url"}) are skipped, since the control
 * plane calls only the servers the deployment configures. A broken file or entry is skipped with a
 * note, never an error: it is the repository's, not the operator's. Pure.
 */
public final class RepositoryServers {
    public static final String FILE = ".mcp.json";
    /** The most servers taken from one file. */
    public static final int MAX_SERVERS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private RepositoryServers() {}

    /** A server the repository starts as a command in the sandbox. */
    public record StdioServer(String name, String command, List<String> args, Map<String, String> env) {
        public StdioServer {
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }
    }

    /** What the file declares: the servers to start, and why any entry was skipped. */
    public record Declared(List<StdioServer> servers, List<String> skipped) {
        public Declared {
            servers = List.copyOf(servers);
            skipped = List.copyOf(skipped);
        }
    }

    public static Declared parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return new Declared(List.of(), List.of(FILE + " is not valid JSON: " + e.getOriginalMessage()));
        }
        JsonNode servers = root == null ? null : root.get("mcpServers");
        if (servers == null || !servers.isObject()) {
            return new Declared(List.of(), List.of(FILE + " has no \"mcpServers\" object"));
        }
        List<StdioServer> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<String> names = new HashSet<>();
        servers.fields().forEachRemaining(e -> {
            String name = safeName(e.getKey());
            JsonNode entry = e.getValue();
            String command = entry.path("command").isTextual()
                    ? entry.path("command").asText().strip()
                    : "";
            if (command.isEmpty()) {
                skipped.add(e.getKey() + ": "
                        + (entry.has("url") ? "a remote server (only the deployment's are called)" : "no \"command\""));
            } else if (name.isEmpty() || !names.add(name)) {
                skipped.add(e.getKey() + ": its name is empty or another server's once made safe for tool names");
            } else if (out.size() >= MAX_SERVERS) {
                skipped.add(e.getKey() + ": more than " + MAX_SERVERS + " servers");
            } else {
                List<String> args = new ArrayList<>();
                entry.path("args").forEach(a -> args.add(a.asText()));
                Map<String, String> env = new LinkedHashMap<>();
                entry.path("env")
                        .fields()
                        .forEachRemaining(v -> env.put(v.getKey(), v.getValue().asText()));
                out.add(new StdioServer(name, command, args, env));
            }
        });
        return new Declared(out, skipped);
    }

    /** A server's name as tool names may carry it: lower case, letters, digits and '-', at most 32. */
    static String safeName(String name) {
        String safe =
                name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        return safe.length() > 32 ? safe.substring(0, 32) : safe;
    }
}

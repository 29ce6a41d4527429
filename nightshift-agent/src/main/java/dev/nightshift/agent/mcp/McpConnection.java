package dev.nightshift.agent.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.tools.Tool;
import dev.nightshift.core.secret.Redaction;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One MCP server opened for one turn: the SDK's client over its transport, initialised, its
 * allowed tools listed as the agent's {@link Tool}s. Calls come from the turn's thread; the secret
 * values the transport sent (remembered here) are redacted from every answer and error.
 */
final class McpConnection implements AutoCloseable {
    static final JacksonMcpJsonMapper MAPPER = new JacksonMcpJsonMapper(new ObjectMapper());
    /** The most pages of tools/list read from one server. */
    private static final int MAX_PAGES = 20;
    /** Names the model APIs accept for a tool ({@code ^[a-zA-Z0-9_-]{1,64}$}). */
    static final int MAX_TOOL_NAME = 64;

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_-]");
    private static final McpSchema.Implementation CLIENT = new McpSchema.Implementation("nightshift", "1");

    final String server;
    final int maxAnswerChars;
    final Duration timeout;
    private final McpSyncClient client;
    private final Set<String> secretsSent;
    private final String secretName;

    private McpConnection(
            String server,
            int maxAnswerChars,
            Duration timeout,
            McpClientTransport transport,
            String secretName,
            Set<String> secretsSent) {
        this.server = server;
        this.maxAnswerChars = maxAnswerChars;
        this.timeout = timeout;
        this.secretName = secretName;
        this.secretsSent = secretsSent;
        this.client = McpClient.sync(transport)
                .clientInfo(CLIENT)
                .requestTimeout(timeout)
                .initializationTimeout(timeout)
                .build();
    }

    /**
     * Opens and initialises a connection.
     *
     * @param secretName the vault secret the transport sends (named in redactions), or null
     * @param secretsSent where the transport records each secret value it sent, for redaction
     */
    static McpConnection open(
            String server,
            int maxAnswerChars,
            Duration timeout,
            McpClientTransport transport,
            String secretName,
            Set<String> secretsSent) {
        McpConnection c = new McpConnection(server, maxAnswerChars, timeout, transport, secretName, secretsSent);
        try {
            c.client.initialize();
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The server's tools the agent may call, as tools named {@code mcp__<server>__<tool>}. */
    List<Tool> tools(Predicate<String> allowed) {
        List<Tool> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            McpSchema.ListToolsResult listed = client.listTools(cursor);
            for (McpSchema.Tool t : listed.tools()) {
                String name = toolName(server, t.name());
                if (allowed.test(t.name()) && names.add(name)) {
                    out.add(new McpTool(this, t, name));
                }
            }
            cursor = listed.nextCursor();
            if (cursor == null || cursor.isEmpty()) {
                break;
            }
        }
        return out;
    }

    McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    /** {@code text} without any secret value this connection sent. */
    String redact(String text) {
        if (secretsSent.isEmpty()) {
            return text;
        }
        Map<String, String> replacements = new java.util.HashMap<>();
        secretsSent.forEach(v -> replacements.put(v, Redaction.marker(secretName)));
        return Redaction.redact(text, replacements);
    }

    /**
     * {@code mcp__<server>__<tool>} with what a model API refuses replaced by {@code _}; a name too
     * long is cut and given a short hash of the whole, so two long names stay apart.
     */
    static String toolName(String server, String tool) {
        String name = "mcp__" + server + "__" + UNSAFE.matcher(tool).replaceAll("_");
        if (name.length() <= MAX_TOOL_NAME) {
            return name;
        }
        String hash = Integer.toHexString(tool.hashCode() & 0xfffffff);
        return name.substring(0, MAX_TOOL_NAME - hash.length() - 1) + "_" + hash;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException e) {
            // the server may be gone already; nothing is left to release
        }
    }
}

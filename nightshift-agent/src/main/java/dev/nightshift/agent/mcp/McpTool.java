package dev.nightshift.agent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.ToolSpec;
import dev.nightshift.agent.tools.Tool;
import dev.nightshift.agent.tools.ToolContext;
import dev.nightshift.agent.tools.ToolResult;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * One tool of an MCP server as the agent's tool: its description and input schema from the
 * server's tools/list, its answers shaped and cut by {@link Answers}. Whatever goes wrong — a
 * timeout, an error from the server, an answer too large to read, a server that is gone — ends as
 * an error result the model can act on, never as an exception that would end the turn. Runs on the
 * turn's thread; an interrupt (the stop button) abandons the call.
 */
final class McpTool implements Tool {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_DESCRIPTION_CHARS = 2_000;
    private static final int MAX_ERROR_CHARS = 1_000;
    private static final String ANY_OBJECT = "{\"type\":\"object\"}";

    private final McpConnection connection;
    private final String tool;
    private final ToolSpec spec;

    McpTool(McpConnection connection, McpSchema.Tool tool, String name) {
        this.connection = connection;
        this.tool = tool.name();
        String about = tool.description() == null || tool.description().isBlank()
                ? (tool.title() == null ? tool.name() : tool.title())
                : tool.description().strip();
        if (about.length() > MAX_DESCRIPTION_CHARS) {
            about = about.substring(0, MAX_DESCRIPTION_CHARS) + "…";
        }
        this.spec =
                new ToolSpec(name, "[MCP server " + connection.server + "] " + connection.redact(about), schema(tool));
    }

    private static String schema(McpSchema.Tool tool) {
        if (tool.inputSchema() == null) {
            return ANY_OBJECT;
        }
        try {
            return JSON.writeValueAsString(tool.inputSchema());
        } catch (Exception e) {
            return ANY_OBJECT;
        }
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    /** It acts outside the sandbox, on whatever the server reaches: never an explorer's or a read-only session's. */
    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public ToolResult run(JsonNode arguments, ToolContext context) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Map<String, Object> args = JSON.convertValue(arguments, Map.class);
        McpSchema.CallToolResult result;
        try {
            result = connection.call(tool, args);
        } catch (RuntimeException e) {
            if (Thread.interrupted() || has(e, InterruptedException.class)) {
                throw new InterruptedException("the call to MCP server " + connection.server + " was stopped");
            }
            return ToolResult.error(connection.redact(failure(e)));
        }
        ToolResult shaped = Answers.shape(result, connection.maxAnswerChars);
        return new ToolResult(connection.redact(shaped.content()), shaped.error());
    }

    private String failure(RuntimeException e) {
        String server = "the MCP server " + connection.server;
        if (has(e, TimeoutException.class)) {
            return server + " did not answer within " + connection.timeout.toSeconds()
                    + " s; the call was abandoned (try a narrower request, or go on without it)";
        }
        if (tooLarge(e)) {
            return "the answer of " + server.substring("the ".length()) + " " + McpTools.TOO_LARGE;
        }
        McpError error = find(e, McpError.class);
        if (error != null) {
            String message =
                    error.getJsonRpcError() != null ? error.getJsonRpcError().message() : error.getMessage();
            return server + " answered " + spec.name() + " with an error: " + clip(message);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return "calling " + server + " failed: " + clip(message);
    }

    /**
     * Whether a transport refused an answer for its size: the SDK's HTTP transport says so with its
     * own (package-private) exception, the sandbox's stdio transport with an error naming the limit.
     */
    private static boolean tooLarge(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String message = c.getMessage() == null ? "" : c.getMessage();
            if (c.getClass().getSimpleName().equals("MaxSizeExceededException")
                    || message.contains("exceeds the maximum allowed size")
                    || message.contains(McpTools.TOO_LARGE)) {
                return true;
            }
        }
        return false;
    }

    private static String clip(String message) {
        String m = message == null ? "" : message.strip();
        return m.length() > MAX_ERROR_CHARS ? m.substring(0, MAX_ERROR_CHARS) + "…" : m;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        return find(t, type) != null;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            for (Throwable s : c.getSuppressed()) {
                if (type.isInstance(s)) {
                    return type.cast(s);
                }
            }
        }
        return null;
    }
}

package dev.nightshift.agent.mcp;

import dev.nightshift.core.policy.RepositoryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * An MCP server the deployment configures, reached over streamable HTTP by the control plane (never
 * from a sandbox). Its defaults are defined here, once.
 *
 * @param name what its tools are namespaced by: {@code mcp__<name>__<tool>}
 * @param url its MCP endpoint
 * @param secret the name of the vault secret (delivery {@code mcp}) sent with every request, or
 *     null for a server that needs none
 * @param header the header the secret goes in as it is; null sends {@code Authorization: Bearer <secret>}
 * @param tools the tools the agent may call; {@code "*"} allows every tool the server lists
 * @param repositories the repository patterns of the sessions it serves; empty for every session
 * @param maxAnswerChars an answer is cut to this many characters before the model sees it
 * @param timeout how long one request (connecting, listing tools, a call) may take
 */
public record RemoteServer(
        String name,
        URI url,
        String secret,
        String header,
        List<String> tools,
        List<String> repositories,
        int maxAnswerChars,
        Duration timeout) {
    public static final int DEFAULT_MAX_ANSWER_CHARS = 20_000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final String ALL_TOOLS = "*";

    public RemoteServer {
        tools = List.copyOf(tools);
        repositories = List.copyOf(repositories);
    }

    /** Whether a session on {@code repository} gets this server's tools. */
    public boolean servesRepository(String repository) {
        if (repositories.isEmpty()) {
            return true;
        }
        if (repository == null || repository.isBlank()) {
            return false;
        }
        for (String pattern : repositories) {
            try {
                if (RepositoryPolicy.matches(pattern, repository)) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // a repository URL that cannot be read matches no pattern
            }
        }
        return false;
    }

    /** Whether the agent may call the server's tool {@code tool}. */
    public boolean allows(String tool) {
        return tools.contains(ALL_TOOLS) || tools.contains(tool);
    }

    /** The header a request carries the secret in, and its value. */
    public String headerName() {
        return header == null ? "Authorization" : header;
    }

    public String headerValue(String secretValue) {
        return header == null ? "Bearer " + secretValue : secretValue;
    }
}

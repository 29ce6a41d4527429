package dev.nightshift.agent.mcp;

import dev.nightshift.core.model.Session;

/**
 * Where the control plane gets the secret a remote MCP server's requests carry: the server's vault.
 * Asked for every request, on the HTTP client's threads, so a rotated secret applies at once.
 */
@FunctionalInterface
public interface McpCredentials {
    McpCredentials NONE = (session, secret, host) -> {
        throw new IllegalStateException("no vault is available to resolve the secret " + secret);
    };

    /**
     * The value of {@code secret} for a request to {@code host} on behalf of {@code session}.
     *
     * @throws IllegalStateException when it cannot be had: the message says why and what to do,
     *     and never holds a value
     */
    String value(Session session, String secret, String host);
}

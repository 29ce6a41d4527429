package dev.nightshift.core.secret;

import dev.nightshift.core.model.Wire;

/** How a secret reaches a session's sandbox, or that it never does (git and MCP credentials). */
public enum Delivery {
    /** A placeholder in the environment; the egress proxy substitutes the value for allowed hosts (the default). */
    EGRESS,
    /** The value, visible to the repository's {@code .nightshift/setup.sh} only, never to the agent. */
    SETUP,
    /** The value as an environment variable: an explicit, warned opt-in for tools that cannot use the proxy. */
    ENV,
    /**
     * A person's credential for a git host (a token, an SSH key, OAuth tokens): used by the
     * control plane alone to fetch and push as that person, never given to a sandbox. Stored in the
     * vault beside the other secrets, managed through {@code /api/me/credentials/{host}}.
     */
    GIT,
    /**
     * A credential for an MCP server the deployment configures: the control plane alone sends it,
     * in that server's header and only to the hosts the secret lists, when it calls the server for
     * a session's agent; never given to a sandbox, never shown to the model.
     */
    MCP;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Delivery fromWire(String value) {
        return Wire.parse(Delivery.class, value);
    }
}

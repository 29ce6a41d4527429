package dev.nightshift.sandbox.egress;

import java.util.Map;

/**
 * Decides, for one sandbox's session, which destinations its network traffic may reach. The
 * proxy asks before every connection and connects only to the address an {@link
 * EgressDecision.Allowed} names.
 */
public interface EgressPolicy {
    /** The session whose sandbox this policy governs; reported to the {@link EgressListener}. */
    String sessionId();

    /**
     * Vets {@code host:port}. {@code host} is lower case, an IPv6 literal without brackets. An
     * implementation resolves the name itself and returns the one address it vetted.
     */
    EgressDecision decide(String host, int port);

    /**
     * Headers to add to (or replace in) plain-HTTP requests forwarded to {@code host}. This is the
     * seam for injecting credentials at egress time, so that a token never enters the sandbox;
     * nothing uses it yet. HTTPS tunnels are opaque to the proxy and get nothing.
     */
    default Map<String, String> injectHeaders(String host) {
        return Map.of();
    }
}

package dev.nightshift.sandbox.egress;

import dev.nightshift.core.secret.EgressSecret;
import java.util.List;
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
     * seam for headers the sandbox must not set itself; secrets go through {@link #secrets()}.
     * Opaque HTTPS tunnels get nothing.
     */
    default Map<String, String> injectHeaders(String host) {
        return Map.of();
    }

    /**
     * The session's egress secrets: in requests to their hosts the proxy replaces each
     * placeholder with its value, and in responses each value with its placeholder. A CONNECT to a
     * host some secret names is intercepted (TLS ends at the proxy, with a leaf of the deployment
     * CA) when the proxy was started with a CA; every other tunnel stays opaque. Asked once per
     * connection, on its thread.
     */
    default List<EgressSecret> secrets() {
        return List.of();
    }
}

package dev.nightshift.sandbox.egress;

import java.net.InetAddress;

/**
 * Hears about every egress decision, so the server can record refusals as session events and
 * keep an audit line per connection. Called on the connection's thread; must not block for long.
 */
public interface EgressListener {
    /** Does nothing, for callers that do not record egress. */
    EgressListener NONE = new EgressListener() {
        @Override
        public void allowed(String sessionId, String host, int port, InetAddress address) {}

        @Override
        public void refused(String sessionId, String host, int port, String reason) {}
    };

    /** A connection to {@code host:port} is about to be made, to {@code address}. */
    void allowed(String sessionId, String host, int port, InetAddress address);

    /** A connection to {@code host:port} was refused; {@code reason} is what the sandbox was told. */
    void refused(String sessionId, String host, int port, String reason);

    /**
     * A request to {@code host} had the placeholder of secret {@code secretName} replaced by its
     * value: the audit line of a substitution. {@code path} has no query (a query may hold the
     * value now); the value itself is never passed.
     */
    default void substituted(String sessionId, String secretName, String host, String method, String path) {}

    /**
     * A request carried the placeholder of {@code secretName} where it may not be substituted (a
     * host, method or path outside the secret's scope, or a header or parameter it is not
     * substituted in); it was forwarded unchanged. {@code reason} says which, in words for the
     * session's log.
     */
    default void misused(String sessionId, String secretName, String host, String method, String path, String reason) {}
}

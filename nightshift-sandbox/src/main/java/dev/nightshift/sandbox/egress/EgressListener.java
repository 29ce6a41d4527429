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
}

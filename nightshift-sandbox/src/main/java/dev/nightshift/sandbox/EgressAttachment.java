package dev.nightshift.sandbox;

import java.nio.file.Path;

/**
 * Connects a sandbox's egress socket to the control plane's proxy. The provider calls it once per
 * sandbox with the host path where the proxy must listen; inside, {@code 127.0.0.1:<egressPort>}
 * is bridged to that socket. Without an attachment a sandbox has no way out at all.
 */
@FunctionalInterface
public interface EgressAttachment {
    EgressAttachment NONE = (sessionId, socket) -> () -> {};

    /** @return closes the proxy for this sandbox */
    AutoCloseable attach(String sessionId, Path socket) throws Exception;
}

package dev.nightshift.sandbox.egress;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Decides which resolved addresses a sandbox may connect to at all, whatever its allowlist says.
 * The default is {@link PublicAddressGuard}; tests that need a loopback origin pass a guard that
 * lets exactly that address through.
 */
@FunctionalInterface
public interface AddressGuard {
    /** Why {@code address} is out of reach (e.g. "a loopback address"), or empty if it is not. */
    Optional<String> refusal(InetAddress address);
}

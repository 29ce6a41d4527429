package dev.nightshift.sandbox.egress;

import dev.nightshift.core.policy.PublicAddresses;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Lets a sandbox reach public internet addresses only: never this host, its networks, or a cloud
 * metadata service. The ranges are {@link PublicAddresses}' (shared with the control plane's own
 * git), plus every address of this host's own interfaces.
 */
public final class PublicAddressGuard implements AddressGuard {
    private final Supplier<? extends Collection<InetAddress>> ownAddresses;

    /** Refuses the ranges above and every address of this host's network interfaces. */
    public PublicAddressGuard() {
        this(PublicAddresses::interfaceAddresses);
    }

    /**
     * @param ownAddresses this host's addresses, asked on every check so that an interface that
     *     comes up later is covered too
     */
    public PublicAddressGuard(Supplier<? extends Collection<InetAddress>> ownAddresses) {
        this.ownAddresses = ownAddresses;
    }

    @Override
    public Optional<String> refusal(InetAddress address) {
        return PublicAddresses.refusal(address, ownAddresses.get());
    }
}

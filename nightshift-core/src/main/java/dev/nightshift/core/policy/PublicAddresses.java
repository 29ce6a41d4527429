package dev.nightshift.core.policy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which addresses count as "the public internet", for everything Nightshift connects to on
 * someone else's say-so: a sandbox's egress proxy and the control plane's own git. Refuses
 * loopback, link-local (169.254.169.254 included), private and unique-local, carrier-grade NAT,
 * unspecified, multicast and reserved ranges, IPv6 forms that embed one of those IPv4 addresses,
 * and every address of this host's own interfaces.
 *
 * <p>{@link #kindOf} and {@link #refusal} are pure; {@link #interfaceAddresses} reads this host's
 * interfaces, and is asked on every check by its callers so an interface that comes up later counts.
 */
public final class PublicAddresses {
    private record Range(byte[] prefix, int bits, String kind) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            if (!Arrays.equals(address, 0, full, prefix, 0, full)) {
                return false;
            }
            int rest = bits % 8;
            int mask = (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (address[full] & mask) == (prefix[full] & mask);
        }
    }

    private static final List<Range> RANGES = List.of(
            range("0.0.0.0", 8, "an unspecified address"),
            range("10.0.0.0", 8, "a private address"),
            range("100.64.0.0", 10, "a carrier-grade NAT address"),
            range("127.0.0.0", 8, "a loopback address"),
            range("169.254.0.0", 16, "a link-local address (where cloud metadata services live)"),
            range("172.16.0.0", 12, "a private address"),
            range("192.0.0.0", 24, "a reserved address"),
            range("192.168.0.0", 16, "a private address"),
            range("198.18.0.0", 15, "a reserved address"),
            range("224.0.0.0", 4, "a multicast address"),
            range("240.0.0.0", 4, "a reserved address"),
            range("::", 128, "an unspecified address"),
            range("::1", 128, "a loopback address"),
            range("fe80::", 10, "a link-local address"),
            range("fec0::", 10, "a site-local address"),
            range("fc00::", 7, "a private (unique local) address"),
            range("ff00::", 8, "a multicast address"),
            range("2001::", 32, "a Teredo tunnelling address"));

    /** IPv6 prefixes whose next or last four bytes are an IPv4 address the kernel may reach. */
    private static final List<Range> EMBEDDING_IPV4_AT_END = List.of(
            range("::ffff:0:0", 96, "IPv4-mapped"),
            range("::", 96, "IPv4-compatible"),
            range("64:ff9b::", 96, "NAT64"));

    private static final Range SIX_TO_FOUR = range("2002::", 16, "6to4");

    private PublicAddresses() {}

    /** Why {@code address} is not a public internet address (e.g. "a loopback address"), or empty if it is one. */
    public static Optional<String> kindOf(InetAddress address) {
        return kindOf(address.getAddress());
    }

    /** {@link #kindOf}, and also refused when it is one of {@code ownAddresses} (this host's). */
    public static Optional<String> refusal(InetAddress address, Collection<InetAddress> ownAddresses) {
        Optional<String> kind = kindOf(address);
        if (kind.isPresent()) {
            return kind;
        }
        if (ownAddresses.contains(withoutScope(address))) {
            return Optional.of("one of this host's own addresses");
        }
        return Optional.empty();
    }

    private static Optional<String> kindOf(byte[] address) {
        for (Range range : RANGES) {
            if (range.contains(address)) {
                return Optional.of(range.kind());
            }
        }
        if (address.length == 16) {
            for (Range embedding : EMBEDDING_IPV4_AT_END) {
                if (embedding.contains(address)) {
                    return kindOf(Arrays.copyOfRange(address, 12, 16)).map(k -> k + " (" + embedding.kind() + ")");
                }
            }
            if (SIX_TO_FOUR.contains(address)) {
                return kindOf(Arrays.copyOfRange(address, 2, 6)).map(k -> k + " (" + SIX_TO_FOUR.kind() + ")");
            }
        }
        return Optional.empty();
    }

    /** Every address of every interface of this host, up or down: an address that comes up later still counts. */
    public static Set<InetAddress> interfaceAddresses() {
        try {
            return NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .map(PublicAddresses::withoutScope)
                    .collect(Collectors.toSet());
        } catch (SocketException e) {
            throw new IllegalStateException(
                    "cannot list this host's network interfaces to keep connections off them", e);
        }
    }

    /** {@code fe80::1%eth0} and {@code fe80::1} are the same address for this purpose. */
    private static InetAddress withoutScope(InetAddress address) {
        if (address instanceof Inet6Address) {
            try {
                return InetAddress.getByAddress(address.getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return address;
    }

    private static Range range(String literal, int bits, String kind) {
        try {
            byte[] prefix = InetAddress.getByName(literal).getAddress();
            if (literal.contains(":") && prefix.length == 4) {
                prefix = ipv4Mapped(prefix); // Java turns "::ffff:0:0" into an IPv4 address
            }
            return new Range(prefix, bits, kind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static byte[] ipv4Mapped(byte[] ipv4) {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, mapped, 12, 4);
        return mapped;
    }
}

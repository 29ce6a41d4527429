package dev.nightshift.server.sandbox;

import dev.nightshift.core.secret.EgressSecret;
import dev.nightshift.sandbox.egress.AllowlistPolicy;
import dev.nightshift.sandbox.egress.EgressDecision;
import dev.nightshift.sandbox.egress.EgressPolicy;
import dev.nightshift.sandbox.egress.HostResolver;
import dev.nightshift.sandbox.egress.PublicAddressGuard;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One session's egress: the deployment's and the repository's allowlist, the hosts of the session's
 * egress secrets (a secret for a host implies reaching it), and the operator's internal hosts
 * ({@code NIGHTSHIFT_EGRESS_INTERNAL_HOSTS}, e.g. {@code warehouse.internal:8443}), which may resolve
 * to private or loopback addresses — never to link-local ones (cloud metadata) — on the port named.
 * Everything else stays public addresses only. The secrets go to the proxy, which substitutes them.
 */
record SessionEgressPolicy(
        String sessionId, AllowlistPolicy allowlist, List<InternalHost> internal, List<EgressSecret> secrets)
        implements EgressPolicy {

    /** An internal service: a host name, and the one port it may be reached on (80 and 443 when none is named). */
    record InternalHost(String host, Integer port) {
        static List<InternalHost> parse(List<String> entries) {
            List<InternalHost> out = new ArrayList<>();
            for (String e : entries) {
                int colon = e.lastIndexOf(':');
                if (colon > 0 && e.indexOf(':') == colon) {
                    out.add(new InternalHost(
                            e.substring(0, colon).toLowerCase(Locale.ROOT), Integer.parseInt(e.substring(colon + 1))));
                } else {
                    out.add(new InternalHost(e.toLowerCase(Locale.ROOT), null));
                }
            }
            return List.copyOf(out);
        }

        boolean matches(String name, int p) {
            return host.equals(name) && (port == null ? AllowlistPolicy.DEFAULT_PORTS.contains(p) : port == p);
        }
    }

    static SessionEgressPolicy of(
            String sessionId, List<String> allowed, List<InternalHost> internal, List<EgressSecret> secrets) {
        List<String> hosts = new ArrayList<>(allowed);
        secrets.forEach(s -> hosts.addAll(s.hosts()));
        return new SessionEgressPolicy(sessionId, new AllowlistPolicy(sessionId, hosts), internal, secrets);
    }

    @Override
    public EgressDecision decide(String host, int port) {
        String name = host.toLowerCase(Locale.ROOT);
        for (InternalHost h : internal) {
            if (h.matches(name, port)) {
                return new AllowlistPolicy(
                                sessionId,
                                List.of(name),
                                Set.of(port),
                                SessionEgressPolicy::internalRefusal,
                                HostResolver.SYSTEM)
                        .decide(name, port);
            }
        }
        return allowlist.decide(host, port);
    }

    /** An internal host may be private or loopback; link-local (169.254/16, fe80::/10: cloud metadata) stays out of reach. */
    private static Optional<String> internalRefusal(InetAddress address) {
        if (address.isLinkLocalAddress()
                || (address instanceof Inet4Address && (address.getAddress()[0] & 0xff) == 169)) {
            return Optional.of("a link-local address");
        }
        if (address.isMulticastAddress() || address.isAnyLocalAddress()) {
            return new PublicAddressGuard().refusal(address);
        }
        return Optional.empty();
    }
}

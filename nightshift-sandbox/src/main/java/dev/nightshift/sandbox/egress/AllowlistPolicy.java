package dev.nightshift.sandbox.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The standard egress policy: a session may reach the hosts its allowlist names, on the allowed
 * ports, and only at public addresses.
 *
 * <p>A pattern is an exact host ({@code api.github.com}, or an IP literal) or a wildcard
 * {@code *.example.com}, which matches every name below {@code example.com} but not
 * {@code example.com} itself. Matching ignores case and a trailing dot. An empty list allows
 * nothing.
 *
 * <p>An allowed name is resolved, and the connection is refused if any of its addresses is one
 * the {@link AddressGuard} refuses: a name that resolves to both a public and a private address
 * is a DNS rebinding attempt, not a reason to pick the public one. IP literals get the same
 * check.
 *
 * @param sessionId the session whose sandbox this governs
 * @param hostPatterns exact hosts and {@code *.}-wildcards
 * @param allowedPorts destination ports allowed, {@link #DEFAULT_PORTS} unless configured
 * @param guard which addresses are reachable at all
 * @param resolver how names become addresses
 */
public record AllowlistPolicy(
        String sessionId,
        List<String> hostPatterns,
        Set<Integer> allowedPorts,
        AddressGuard guard,
        HostResolver resolver)
        implements EgressPolicy {

    /** HTTP and HTTPS: what package managers, git over HTTPS and web fetches need. */
    public static final Set<Integer> DEFAULT_PORTS = Set.of(80, 443);

    /** The usual policy: default ports, public addresses only, the system's resolver. */
    public AllowlistPolicy(String sessionId, List<String> hostPatterns) {
        this(sessionId, hostPatterns, DEFAULT_PORTS, new PublicAddressGuard(), HostResolver.SYSTEM);
    }

    public AllowlistPolicy {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(resolver, "resolver");
        hostPatterns =
                hostPatterns.stream().map(AllowlistPolicy::normalisePattern).toList();
        allowedPorts = Set.copyOf(allowedPorts);
    }

    @Override
    public EgressDecision decide(String host, int port) {
        String name = normaliseHost(host);
        // the host first: for a host nobody allowed, the port is beside the point
        if (!allows(name)) {
            return new EgressDecision.Refused(name + " is not in this session's allowlist; ask an operator to add it");
        }
        if (!allowedPorts.contains(port)) {
            return new EgressDecision.Refused("port " + port + " is not allowed (allowed ports: "
                    + new TreeSet<>(allowedPorts) + "); ask an operator to allow it");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            return new EgressDecision.Refused(name + " could not be resolved; check the host name");
        }
        if (addresses.length == 0) {
            return new EgressDecision.Refused(name + " has no addresses; check the host name");
        }
        for (InetAddress address : addresses) {
            Optional<String> refusal = guard.refusal(address);
            if (refusal.isPresent()) {
                return new EgressDecision.Refused(
                        subject(name, address) + refusal.get() + "; sandboxes may only reach public addresses");
            }
        }
        return new EgressDecision.Allowed(addresses[0]);
    }

    /** "10.0.0.1 is" for an IP literal (host names never contain ':'), "name resolves to 10.0.0.1," otherwise. */
    private static String subject(String name, InetAddress address) {
        boolean literal = name.contains(":") || name.equals(address.getHostAddress());
        return literal ? name + " is " : name + " resolves to " + address.getHostAddress() + ", ";
    }

    /** Whether the allowlist names {@code host}, before any resolution. */
    public boolean allows(String host) {
        String name = normaliseHost(host);
        for (String pattern : hostPatterns) {
            if (pattern.startsWith("*.") ? name.endsWith(pattern.substring(1)) : name.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    private static String normaliseHost(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static String normalisePattern(String pattern) {
        String p = normaliseHost(pattern.strip());
        String rest = p.startsWith("*.") ? p.substring(2) : p;
        if (rest.isEmpty() || rest.contains("*") || rest.startsWith(".") || rest.contains("..")) {
            throw new IllegalArgumentException(
                    "egress allowlist pattern \"" + pattern + "\" is not a host name or a wildcard like *.example.com");
        }
        return p;
    }
}

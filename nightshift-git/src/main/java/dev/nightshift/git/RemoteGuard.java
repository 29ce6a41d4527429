package dev.nightshift.git;

import dev.nightshift.core.policy.PublicAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the control plane's own git off this host and its networks: before host git connects to
 * a repository, its host is resolved and refused when any address is one the sandboxes' egress
 * proxy refuses too (loopback, private, link-local and metadata, this host's own; see
 * {@link PublicAddresses}), unless the host is one of the configured internal git hosts. Without
 * this, a repository URL on {@code 127.0.0.1:port} made the control plane a port scanner whose
 * error events told open from closed ports, so every failure to reach a repository is reported
 * with the same words, and git's own text goes to the debug log only.
 *
 * <p>For HTTP(S) the addresses that were checked are handed to git's curl
 * ({@code http.curloptResolve}), so a name that resolves differently a moment later (DNS
 * rebinding) is not asked again. Residual risks, documented rather than closed: SSH resolves the
 * name again itself, so a rebinding name can still reach an internal SSH port; and git follows an
 * HTTP redirect of its first request, so a public server can send that one request elsewhere (its
 * answer is reported with the same generic words).
 *
 * <p>Thread-safe; resolving blocks, so callers run it on the thread that runs git.
 */
public final class RemoteGuard {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteGuard.class);

    /** Resolves a host name to all its addresses; replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Public addresses only, no internal hosts: the default. */
    public static final RemoteGuard PUBLIC_ONLY = new RemoteGuard(Set.of());

    private final Set<String> internalHosts;
    private final Resolver resolver;
    private final Supplier<? extends Collection<InetAddress>> ownAddresses;

    /** @param internalHosts host names (or address literals) host git may reach even on private or loopback addresses */
    public RemoteGuard(Collection<String> internalHosts) {
        this(internalHosts, InetAddress::getAllByName, PublicAddresses::interfaceAddresses);
    }

    public RemoteGuard(
            Collection<String> internalHosts,
            Resolver resolver,
            Supplier<? extends Collection<InetAddress>> ownAddresses) {
        this.internalHosts = internalHosts.stream()
                .map(RemoteGuard::bare)
                .filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.resolver = resolver;
        this.ownAddresses = ownAddresses;
    }

    /**
     * Checks that git may connect to {@code repository}'s host, and returns the git options
     * ({@code -c …}) that pin the connection to the addresses checked; local repositories and
     * internal hosts need none.
     *
     * @throws GitException saying only that the repository could not be reached, whatever the reason
     */
    public List<String> check(RepositoryUrl repository) {
        if (repository.local()) {
            return List.of();
        }
        String host = bare(repository.host());
        if (internalHosts.contains(host)) {
            return List.of();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            LOG.debug("{}: the host {} does not resolve", repository, host);
            throw unreachable(repository);
        }
        Collection<InetAddress> own = ownAddresses.get();
        for (InetAddress address : addresses) {
            Optional<String> refusal = PublicAddresses.refusal(address, own);
            if (refusal.isPresent()) {
                LOG.debug(
                        "{}: refused to connect to {} ({}), which is {}",
                        repository,
                        host,
                        address.getHostAddress(),
                        refusal.get());
                throw unreachable(repository);
            }
        }
        if (addresses.length == 0
                || (repository.kind() != RepositoryUrl.Kind.HTTPS && repository.kind() != RepositoryUrl.Kind.HTTP)) {
            return List.of();
        }
        int port = URI.create(repository.url()).getPort();
        if (port < 0) {
            port = repository.kind() == RepositoryUrl.Kind.HTTPS ? 443 : 80;
        }
        List<String> literals = new ArrayList<>();
        for (InetAddress address : addresses) {
            literals.add(
                    address.getAddress().length == 16
                            ? "[" + address.getHostAddress() + "]"
                            : address.getHostAddress());
        }
        return List.of("-c", "http.curloptResolve=" + host + ":" + port + ":" + String.join(",", literals));
    }

    /** The one message a person sees for a repository that could not be reached, whatever git or the network said. */
    public static GitException unreachable(RepositoryUrl repository) {
        return new GitException(
                "could not reach the repository " + repository + "; check the URL and that the Nightshift "
                        + "server can reach its host (an internal git host must be listed in NIGHTSHIFT_GIT_INTERNAL_HOSTS)");
    }

    private static String bare(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    @Override
    public String toString() {
        return "RemoteGuard" + Arrays.toString(internalHosts.toArray());
    }
}

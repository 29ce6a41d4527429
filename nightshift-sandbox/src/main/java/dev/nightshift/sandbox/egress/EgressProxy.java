package dev.nightshift.sandbox.egress;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-plane end of one sandbox's network egress: an HTTP/1.1 proxy listening on a Unix
 * domain socket that is bound into the sandbox, the sandbox's only way out. Every destination is
 * put to the session's {@link EgressPolicy}; refusals are answered {@code 403 Forbidden} with a
 * one-line reason and reported to the {@link EgressListener}.
 *
 * <p>It speaks {@code CONNECT host:port} (an opaque tunnel, for HTTPS and anything over TLS) and
 * absolute-form plain-HTTP requests ({@code GET http://host/path}), which are forwarded in origin
 * form with {@code Host} set from the URL and hop-by-hop and {@code Proxy-*} headers dropped. A
 * plain-HTTP connection carries one request: both the origin and the client are sent
 * {@code Connection: close}, so each request is vetted on its own.
 *
 * <p>With a {@link CertificateAuthority}, a CONNECT to a host that one of the session's secrets
 * names is opened up ({@link InterceptingTunnel}): placeholders in its requests become values
 * within each secret's scope, values in its responses become placeholders again. Plain-HTTP
 * requests get the same treatment. Every other tunnel stays opaque.
 *
 * <p>Malformed requests get {@code 400}, oversized heads {@code 431}, and both end the
 * connection. Each connection runs on a virtual thread; at most {@link #MAX_CONNECTIONS} at once.
 */
public final class EgressProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EgressProxy.class);

    /** Largest request head (request line and headers); real ones are well under 4 KiB. */
    static final int MAX_REQUEST_HEAD_BYTES = 16 * 1024;
    /** Most header fields in a request. */
    static final int MAX_REQUEST_FIELDS = 100;
    /** How long an origin may take to accept a connection. */
    static final int CONNECT_TIMEOUT_MS = 10_000;
    /** How long a plain-HTTP origin may stay silent; tunnels have no limit (they may idle legitimately). */
    static final int ORIGIN_READ_TIMEOUT_MS = 300_000;
    /** Connections one sandbox may have open through the proxy at once; more are answered 503. */
    static final int MAX_CONNECTIONS = 256;

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final EgressPolicy policy;
    private final EgressListener listener;
    private final ThreadFactory threads;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final Interception interception;
    private final Thread acceptor;
    private volatile boolean closed;

    /** What intercepting tunnels need: the CA for leaves towards the sandbox, TLS towards origins. */
    record Interception(CertificateAuthority ca, SSLContext upstreamTls) {}

    private EgressProxy(
            Path socketPath,
            ServerSocketChannel server,
            EgressPolicy policy,
            EgressListener listener,
            Interception interception) {
        this.socketPath = socketPath;
        this.server = server;
        this.policy = policy;
        this.listener = listener;
        this.interception = interception;
        this.threads =
                Thread.ofVirtual().name("egress-" + policy.sessionId() + "-", 0).factory();
        this.acceptor = threads.newThread(this::acceptLoop);
    }

    /**
     * Listens on {@code unixSocket} (replacing a stale socket file left by a crashed control
     * plane) until {@link #close()}. The socket file is made accessible to its owner only; its
     * directory should be private to the control plane's user as well.
     *
     * @throws IOException if the socket cannot be bound, or the path holds something other than a socket
     */
    public static EgressProxy start(Path unixSocket, EgressPolicy policy, EgressListener listener) throws IOException {
        return start(unixSocket, policy, listener, null, null);
    }

    /**
     * As {@link #start(Path, EgressPolicy, EgressListener)}, and with {@code ca} (if not null)
     * CONNECT tunnels to hosts that have a secret ({@link EgressPolicy#secrets()}) are
     * intercepted: TLS towards the sandbox ends here with a leaf of {@code ca}, which the sandbox
     * must trust; origins are verified against the JDK's default trust.
     */
    public static EgressProxy start(
            Path unixSocket, EgressPolicy policy, EgressListener listener, CertificateAuthority ca) throws IOException {
        return start(unixSocket, policy, listener, ca, null);
    }

    /**
     * As {@link #start(Path, EgressPolicy, EgressListener, CertificateAuthority)}, with {@code
     * extraOriginTrust} (if not null) trusted for intercepted origins besides the JDK's default
     * trust: for origins with a private CA, and for tests and benchmarks with a loopback origin.
     * Host names are checked either way.
     */
    public static EgressProxy start(
            Path unixSocket,
            EgressPolicy policy,
            EgressListener listener,
            CertificateAuthority ca,
            KeyStore extraOriginTrust)
            throws IOException {
        Interception interception = ca == null ? null : new Interception(ca, UpstreamTls.context(extraOriginTrust));
        removeStaleSocket(unixSocket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(unixSocket));
            Files.setPosixFilePermissions(unixSocket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        EgressProxy proxy = new EgressProxy(unixSocket, server, policy, listener, interception);
        proxy.acceptor.start();
        log.debug("egress proxy for session {} listening on {}", policy.sessionId(), unixSocket);
        return proxy;
    }

    /** The Unix domain socket this proxy listens on. */
    public Path socketPath() {
        return socketPath;
    }

    /** Connections being served right now. */
    public int activeConnections() {
        return MAX_CONNECTIONS - slots.availablePermits();
    }

    /** Stops listening, ends every open connection and tunnel, and removes the socket file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        PlainHttpForwarder.closeQuietly(server);
        for (AutoCloseable connection : List.copyOf(open)) {
            PlainHttpForwarder.closeQuietly(connection);
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            log.warn("could not remove the egress socket {}: {}", socketPath, e.toString());
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.warn(
                        "egress proxy for session {} could not accept a connection: {}",
                        policy.sessionId(),
                        e.toString());
                continue;
            }
            if (!slots.tryAcquire()) {
                refuseBusy(client);
                continue;
            }
            open.add(client);
            if (closed) {
                PlainHttpForwarder.closeQuietly(client); // close() may have copied the set before the add
            }
            threads.newThread(() -> {
                        try {
                            new ProxyConnection(client, policy, listener, threads, open, interception).run();
                        } finally {
                            slots.release();
                        }
                    })
                    .start();
        }
    }

    private void refuseBusy(SocketChannel client) {
        try (client) {
            Responses.plain(
                    ChannelStreams.output(client),
                    503,
                    "this sandbox already has " + MAX_CONNECTIONS + " connections open; close some and retry");
        } catch (IOException e) {
            log.debug("could not answer 503 to a sandbox that left: {}", e.toString());
        }
    }

    /** A socket file left by a previous run is replaced; any other file is not ours to delete. */
    private static void removeStaleSocket(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        if (!attrs.isOther()) {
            throw new IOException(
                    path + " exists and is not a socket; refusing to replace it with the egress proxy's socket");
        }
        Files.delete(path);
    }
}

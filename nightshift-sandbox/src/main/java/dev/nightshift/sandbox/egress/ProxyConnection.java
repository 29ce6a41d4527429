package dev.nightshift.sandbox.egress;

import dev.nightshift.core.secret.EgressSecret;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client connection to the proxy: read the request, vet it, tunnel or forward it. */
final class ProxyConnection implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);
    private static final int CLIENT_BUFFER_BYTES = 16 * 1024;

    private final SocketChannel client;
    private final EgressPolicy policy;
    private final EgressListener listener;
    private final ThreadFactory threads;
    private final Set<AutoCloseable> open;
    private final EgressProxy.Interception interception;

    ProxyConnection(
            SocketChannel client,
            EgressPolicy policy,
            EgressListener listener,
            ThreadFactory threads,
            Set<AutoCloseable> open,
            EgressProxy.Interception interception) {
        this.client = client;
        this.policy = policy;
        this.listener = listener;
        this.threads = threads;
        this.open = open;
        this.interception = interception;
    }

    @Override
    public void run() {
        InputStream in = new BufferedInputStream(ChannelStreams.input(client), CLIENT_BUFFER_BYTES);
        OutputStream out = ChannelStreams.output(client);
        try {
            serve(in, out);
        } catch (HttpProblem problem) {
            answer(out, problem.status(), problem.getMessage());
        } catch (IOException e) {
            log.debug("egress connection of session {} ended: {}", policy.sessionId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("egress connection of session {} failed", policy.sessionId(), e);
            answer(out, 500, "the proxy failed (" + e.getMessage() + "); the control plane's log has details");
        } finally {
            PlainHttpForwarder.closeQuietly(client);
            open.remove(client);
        }
    }

    private void serve(InputStream in, OutputStream out) throws IOException, HttpProblem, InterruptedException {
        HttpHead head = HeadReader.read(in, EgressProxy.MAX_REQUEST_HEAD_BYTES, EgressProxy.MAX_REQUEST_FIELDS);
        if (head == null) {
            return; // connected and left without a word
        }
        RequestLine line = RequestLine.parse(head.startLine());
        if (line.isConnect()) {
            Destination destination = Destination.ofAuthority(line.target());
            Socket origin = connect(destination);
            try (origin) {
                Responses.connectionEstablished(out);
                List<EgressSecret> secrets = interception == null ? List.of() : policy.secrets();
                if (Substitution.anyNames(secrets, destination.host())) {
                    new InterceptingTunnel(policy, listener, interception.ca(), interception.upstreamTls(), secrets)
                            .run(in, out, origin, destination);
                } else {
                    Tunnel.run(client, in, out, origin, threads);
                }
            } finally {
                open.remove(origin);
            }
        } else {
            Destination parsed = Destination.ofAbsoluteUrl(line.target());
            RequestBody body = RequestBody.of(head);
            List<EgressSecret> secrets = policy.secrets();
            Substitution.Result rewritten =
                    Substitution.apply(secrets, parsed.host(), line.method(), parsed.pathAndQuery(), head.fields());
            Destination destination = new Destination(parsed.host(), parsed.port(), rewritten.target());
            HttpHead request = new HttpHead(head.startLine(), rewritten.fields());
            EchoScrubber scrubber = new EchoScrubber(secrets);
            Map<String, String> injected = new LinkedHashMap<>(policy.injectHeaders(destination.host()));
            if (scrubber.active()) {
                injected.put("Accept-Encoding", "identity"); // a compressed body could hide a value
            }
            Socket origin = connect(destination);
            InterceptingTunnel.report(policy, listener, rewritten, parsed.host(), line.method(), parsed.pathAndQuery());
            try (origin) {
                origin.setSoTimeout(EgressProxy.ORIGIN_READ_TIMEOUT_MS);
                new PlainHttpForwarder(threads)
                        .forward(line, request, destination, body, injected, scrubber, in, out, origin);
            } finally {
                open.remove(origin);
            }
        }
    }

    /**
     * Asks the policy, tells the listener, and connects to exactly the address the policy vetted.
     * The socket is registered in {@code open}, so that closing the proxy ends the connection.
     */
    private Socket connect(Destination destination) throws HttpProblem {
        String session = policy.sessionId();
        EgressDecision decision = policy.decide(destination.host(), destination.port());
        switch (decision) {
            case EgressDecision.Refused refused -> {
                notify(() -> listener.refused(session, destination.host(), destination.port(), refused.reason()));
                throw new HttpProblem(403, refused.reason());
            }
            case EgressDecision.Allowed allowed -> {
                notify(() -> listener.allowed(session, destination.host(), destination.port(), allowed.address()));
                Socket origin = new Socket();
                open.add(origin);
                try {
                    origin.connect(
                            new InetSocketAddress(allowed.address(), destination.port()),
                            EgressProxy.CONNECT_TIMEOUT_MS);
                    return origin;
                } catch (SocketTimeoutException e) {
                    discard(origin);
                    throw new HttpProblem(
                            504,
                            destination.hostHeader() + " did not accept a connection within "
                                    + EgressProxy.CONNECT_TIMEOUT_MS + " ms");
                } catch (IOException e) {
                    discard(origin);
                    throw new HttpProblem(
                            502, "could not connect to " + destination.hostHeader() + ": " + e.getMessage());
                }
            }
        }
    }

    private void discard(Socket origin) {
        PlainHttpForwarder.closeQuietly(origin);
        open.remove(origin);
    }

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("egress listener failed for session {}", policy.sessionId(), e);
        }
    }

    private void answer(OutputStream out, int status, String message) {
        try {
            Responses.plain(out, status, message);
        } catch (IOException e) {
            log.debug("could not answer {} to a sandbox that left: {}", status, e.toString());
        }
    }
}

package dev.nightshift.sandbox.egress;

import dev.nightshift.core.secret.EgressSecret;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CONNECT tunnel to a host that has a secret, opened up: TLS towards the sandbox ends here with
 * a leaf certificate of the deployment CA, a TLS connection of the proxy's own goes to the
 * address the policy vetted (the origin's certificate checked as usual, SNI and host name
 * included), and HTTP/1.1 requests are relayed one by one, keep-alive kept. On the way up,
 * placeholders become values ({@link Substitution}); on the way down, values become placeholders
 * again ({@link EchoScrubber}). The origin is asked for uncompressed responses; a compressed
 * textual body, which could hide a value, is refused with 502.
 *
 * <p>Runs on the connection's virtual thread, one request at a time. {@code Expect: 100-continue}
 * is answered by the proxy itself and not passed on.
 */
final class InterceptingTunnel {
    private static final Logger log = LoggerFactory.getLogger(InterceptingTunnel.class);
    private static final int BUFFER_BYTES = 16 * 1024;
    /** Not passed on: hop-by-hop, and what the proxy answers or sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "expect", "accept-encoding");

    private static final Set<String> NOT_RETURNED =
            Set.of("connection", "keep-alive", "proxy-connection", "content-length", "transfer-encoding");

    private final EgressPolicy policy;
    private final EgressListener listener;
    private final CertificateAuthority ca;
    private final SSLContext upstreamTls;
    private final List<EgressSecret> secrets;
    private final EchoScrubber scrubber;

    InterceptingTunnel(
            EgressPolicy policy,
            EgressListener listener,
            CertificateAuthority ca,
            SSLContext upstreamTls,
            List<EgressSecret> secrets) {
        this.policy = policy;
        this.listener = listener;
        this.ca = ca;
        this.upstreamTls = upstreamTls;
        this.secrets = secrets;
        this.scrubber = new EchoScrubber(secrets);
    }

    void run(InputStream clientIn, OutputStream clientOut, Socket origin, Destination destination) throws IOException {
        SSLEngine engine = ca.leafFor(destination.host()).createSSLEngine();
        engine.setUseClientMode(false);
        TlsStreams client = new TlsStreams(engine, clientIn, clientOut);
        client.handshake();
        InputStream cin = new BufferedInputStream(client.input(), BUFFER_BYTES);
        OutputStream cout = new BufferedOutputStream(client.output(), BUFFER_BYTES);
        try (SSLSocket upstream = upstream(origin, destination)) {
            try {
                upstream.startHandshake();
            } catch (IOException e) {
                Responses.plain(
                        cout, 502, "the TLS connection to " + destination.hostHeader() + " failed: " + e.getMessage());
                return;
            }
            InputStream uin = new BufferedInputStream(upstream.getInputStream(), BUFFER_BYTES);
            OutputStream uout = new BufferedOutputStream(upstream.getOutputStream(), BUFFER_BYTES);
            while (exchange(destination, cin, cout, uin, uout)) {
                // next request on the same connections
            }
        } finally {
            client.closeOutbound();
        }
    }

    private SSLSocket upstream(Socket origin, Destination destination) throws IOException {
        origin.setTcpNoDelay(true); // the handshake's small writes would otherwise wait for delayed ACKs
        SSLSocket socket = (SSLSocket)
                upstreamTls.getSocketFactory().createSocket(origin, destination.host(), destination.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!destination.host().contains(":") && !destination.host().matches("[0-9.]+")) {
            parameters.setServerNames(List.of(new SNIHostName(destination.host())));
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(EgressProxy.ORIGIN_READ_TIMEOUT_MS);
        return socket;
    }

    /** One request and its response; whether the connection goes on. */
    private boolean exchange(
            Destination destination, InputStream cin, OutputStream cout, InputStream uin, OutputStream uout)
            throws IOException {
        HttpHead request;
        RequestLine line;
        RequestBody body;
        try {
            request = HeadReader.read(cin, EgressProxy.MAX_REQUEST_HEAD_BYTES, EgressProxy.MAX_REQUEST_FIELDS);
            if (request == null) {
                return false;
            }
            line = RequestLine.parse(request.startLine());
            if (!line.target().startsWith("/")) {
                throw HttpProblem.badRequest("inside a tunnel, send origin-form requests (GET /path), not "
                        + HeadReader.shorten(line.target()));
            }
            body = RequestBody.of(request);
        } catch (HttpProblem problem) {
            Responses.plain(cout, problem.status(), problem.getMessage());
            return false;
        }
        Substitution.Result rewritten =
                Substitution.apply(secrets, destination.host(), line.method(), line.target(), request.fields());
        report(policy, listener, rewritten, destination.host(), line.method(), line.target());

        boolean close =
                request.tokens("Connection").contains("close") || line.version().equals("HTTP/1.0");
        if (request.tokens("Expect").contains("100-continue")) {
            cout.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            cout.flush();
        }
        uout.write(upstreamHead(line, rewritten, request).getBytes(StandardCharsets.ISO_8859_1));
        body.relay(cin, uout);
        uout.flush();

        HttpHead response;
        int status;
        while (true) {
            try {
                response = HeadReader.read(
                        uin, PlainHttpForwarder.MAX_RESPONSE_HEAD_BYTES, PlainHttpForwarder.MAX_RESPONSE_FIELDS);
            } catch (HttpProblem e) {
                Responses.plain(cout, 502, destination.hostHeader() + " sent a malformed response: " + e.getMessage());
                return false;
            }
            if (response == null) {
                Responses.plain(cout, 502, destination.hostHeader() + " closed the connection without an answer");
                return false;
            }
            status = ResponseFraming.status(response.startLine());
            if (status >= 200 || status == 101) {
                break;
            }
            if (status != 100) { // 100 was answered already; other interim answers go on as they are
                writeHead(cout, response, Set.of(), List.of());
            }
        }
        ResponseFraming framing = ResponseFraming.of(line.method(), status, response);
        boolean keepAlive = !close
                && !response.tokens("Connection").contains("close")
                && framing.kind() != ResponseFraming.Kind.UNTIL_CLOSE
                && status != 101;
        boolean text = scrubber.active()
                && EchoScrubber.textual(response.value("Content-Type").orElse(null));
        if (text && framing.kind() != ResponseFraming.Kind.NONE && compressed(response)) {
            Responses.plain(
                    cout,
                    502,
                    destination.hostHeader() + " sent a compressed text response although the proxy asked for none;"
                            + " it cannot be checked for secrets, so it is not passed on");
            return false;
        }
        List<String> framingFields = switch (framing.kind()) {
            case NONE ->
                response.fields().stream()
                        .filter(f -> f.is("Content-Length"))
                        .map(f -> "Content-Length: " + f.value())
                        .toList();
            case LENGTH ->
                text ? List.of("Transfer-Encoding: chunked") : List.of("Content-Length: " + framing.length());
            case CHUNKED -> List.of("Transfer-Encoding: chunked");
            case UNTIL_CLOSE -> List.of();
        };
        Set<String> dropped = new HashSet<>(NOT_RETURNED);
        dropped.addAll(response.tokens("Connection"));
        List<String> extra = new java.util.ArrayList<>(framingFields);
        if (!keepAlive) {
            extra.add("Connection: close");
        }
        writeHead(cout, response, dropped, extra);
        InputStream decoded = framing.body(uin);
        OutputStream sink = switch (framing.kind()) {
            case NONE -> ChunkedStreams.unclosable(cout);
            case LENGTH -> text ? ChunkedStreams.encoding(cout) : ChunkedStreams.unclosable(cout);
            case CHUNKED -> ChunkedStreams.encoding(cout);
            case UNTIL_CLOSE -> ChunkedStreams.unclosable(cout);
        };
        try (OutputStream out = text ? scrubber.scrubbing(sink) : sink) {
            Pipe.copy(decoded, out);
        }
        cout.flush();
        return keepAlive;
    }

    private static boolean compressed(HttpHead response) {
        return response.tokens("Content-Encoding").stream().anyMatch(c -> !c.equals("identity"));
    }

    private String upstreamHead(RequestLine line, Substitution.Result rewritten, HttpHead request) {
        Set<String> dropped = new HashSet<>(NOT_FORWARDED);
        dropped.addAll(request.tokens("Connection"));
        StringBuilder head = new StringBuilder(512)
                .append(line.method())
                .append(' ')
                .append(rewritten.target())
                .append(" HTTP/1.1\r\n");
        for (HttpHead.Field field : rewritten.fields()) {
            String name = field.name().toLowerCase(Locale.ROOT);
            if (!dropped.contains(name) && !name.startsWith("proxy-")) {
                head.append(field.name()).append(": ").append(field.value()).append("\r\n");
            }
        }
        return head.append("Accept-Encoding: identity\r\n\r\n").toString();
    }

    private void writeHead(OutputStream out, HttpHead head, Set<String> dropped, List<String> extra)
            throws IOException {
        StringBuilder text = new StringBuilder(512).append(head.startLine()).append("\r\n");
        for (HttpHead.Field field : head.fields()) {
            if (!dropped.contains(field.name().toLowerCase(Locale.ROOT))) {
                text.append(field.name())
                        .append(": ")
                        .append(scrubber.header(field.value()))
                        .append("\r\n");
            }
        }
        extra.forEach(f -> text.append(f).append("\r\n"));
        out.write(text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Tells the listener what happened to each secret of one request; the path without its query. */
    static void report(
            EgressPolicy policy,
            EgressListener listener,
            Substitution.Result rewritten,
            String host,
            String method,
            String target) {
        String session = policy.sessionId();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        for (Substitution.Outcome outcome : rewritten.outcomes()) {
            try {
                if (outcome.substituted()) {
                    listener.substituted(session, outcome.secret(), host, method, path);
                } else {
                    listener.misused(session, outcome.secret(), host, method, path, outcome.reason());
                }
            } catch (RuntimeException e) {
                log.warn("egress listener failed for session {}", session, e);
            }
        }
    }
}

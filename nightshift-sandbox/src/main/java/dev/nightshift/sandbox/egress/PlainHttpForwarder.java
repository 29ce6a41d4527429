package dev.nightshift.sandbox.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Forwards one absolute-form plain-HTTP request to its vetted origin and relays the response.
 * One request per connection: the origin is asked to close after it, and the client is told the
 * same, so every request on a connection is vetted on its own.
 */
final class PlainHttpForwarder {
    static final int MAX_RESPONSE_HEAD_BYTES = 64 * 1024;
    static final int MAX_RESPONSE_FIELDS = 256;

    /** Hop-by-hop headers (RFC 9110 section 7.6.1), and Host, which is rewritten from the URL. */
    private static final Set<String> NOT_FORWARDED =
            Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "host");

    private final ThreadFactory threads;

    PlainHttpForwarder(ThreadFactory threads) {
        this.threads = threads;
    }

    /**
     * Sends the rewritten request and its body, then relays the response until the origin
     * closes. Errors before any response byte reached the client become a status for the client.
     */
    void forward(
            RequestLine line,
            HttpHead request,
            Destination destination,
            RequestBody body,
            Map<String, String> injected,
            EchoScrubber scrubber,
            InputStream clientIn,
            OutputStream clientOut,
            Socket origin)
            throws IOException, HttpProblem {
        OutputStream originOut = origin.getOutputStream();
        originOut.write(originHead(line, request, destination, injected).getBytes(StandardCharsets.ISO_8859_1));
        originOut.flush();
        AtomicReference<String> uploadProblem = new AtomicReference<>();
        // the body goes up on its own thread: an origin may answer (413, 401) before reading it
        Thread upload = threads.newThread(() -> {
            try {
                body.relay(clientIn, originOut);
            } catch (IOException e) {
                uploadProblem.set(e.getMessage());
                closeQuietly(origin);
            }
        });
        upload.start();
        ResponseRelay relay = new ResponseRelay(origin.getInputStream(), clientOut, line.method(), scrubber);
        try {
            relay.run();
        } catch (SocketTimeoutException e) {
            if (relay.started()) {
                throw e;
            }
            throw new HttpProblem(504, destination.hostHeader() + " did not answer in time");
        } catch (IOException e) {
            if (relay.started()) {
                throw e;
            }
            String problem = uploadProblem.get();
            throw problem != null
                    ? HttpProblem.badRequest("the request body is malformed: " + problem)
                    : new HttpProblem(
                            502,
                            destination.hostHeader() + " closed the connection without a valid answer: "
                                    + e.getMessage());
        } finally {
            // also ends the upload, whose writes now fail; its reads end when the client is closed
            closeQuietly(origin);
        }
    }

    static String originHead(
            RequestLine line, HttpHead request, Destination destination, Map<String, String> injected) {
        Set<String> dropped = new HashSet<>(NOT_FORWARDED);
        dropped.addAll(request.tokens("Connection")); // headers the client marked hop-by-hop
        injected.keySet().forEach(name -> dropped.add(name.toLowerCase(Locale.ROOT)));
        StringBuilder head = new StringBuilder(512);
        head.append(line.method())
                .append(' ')
                .append(destination.pathAndQuery())
                .append(" HTTP/1.1\r\n");
        head.append("Host: ").append(destination.hostHeader()).append("\r\n");
        for (HttpHead.Field field : request.fields()) {
            String name = field.name().toLowerCase(Locale.ROOT);
            if (!dropped.contains(name) && !name.startsWith("proxy-")) {
                head.append(field.name()).append(": ").append(field.value()).append("\r\n");
            }
        }
        injected.forEach((name, value) -> {
            if (!HeadReader.isToken(name) || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                throw new IllegalStateException("the egress policy returned an invalid header: " + name);
            }
            head.append(name).append(": ").append(value).append("\r\n");
        });
        head.append("Connection: close\r\n\r\n");
        return head.toString();
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already broken; nothing left to release
        }
    }
}

package dev.nightshift.sandbox.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Relays an origin's response to the client: interim 1xx heads as they are, then the final head
 * with {@code Connection: close} (the proxy takes one request per connection, and a client that
 * expected to reuse the connection would otherwise wait), then the body until the origin closes.
 */
final class ResponseRelay {
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection");
    private static final int SWITCHING_PROTOCOLS = 101;

    private final InputStream origin;
    private final OutputStream client;
    private final String requestMethod;
    private final EchoScrubber scrubber;
    private boolean started;

    /**
     * @param requestMethod the method of the request answered (a HEAD response has no body)
     * @param scrubber puts placeholders back in the response's headers and textual body
     */
    ResponseRelay(InputStream origin, OutputStream client, String requestMethod, EchoScrubber scrubber) {
        this.origin = origin;
        this.client = client;
        this.requestMethod = requestMethod;
        this.scrubber = scrubber;
    }

    /** Whether any byte reached the client, after which no error status can be sent. */
    boolean started() {
        return started;
    }

    void run() throws IOException {
        while (true) {
            HttpHead head = readHead();
            int status = ResponseFraming.status(head.startLine());
            if (status >= 100 && status < 200 && status != SWITCHING_PROTOCOLS) {
                write(head, Set.of(), false);
                continue;
            }
            Set<String> dropped = new HashSet<>(NOT_FORWARDED);
            dropped.addAll(head.tokens("Connection"));
            ResponseFraming framing = ResponseFraming.of(requestMethod, status, head);
            boolean text = scrubber.active()
                    && framing.kind() != ResponseFraming.Kind.NONE
                    && EchoScrubber.textual(head.value("Content-Type").orElse(null));
            if (!text) {
                write(head, dropped, true);
                Pipe.copy(origin, client);
                return;
            }
            if (head.tokens("Content-Encoding").stream().anyMatch(c -> !c.equals("identity"))) {
                started = true;
                Responses.plain(
                        client,
                        502,
                        "the origin sent a compressed text response although the proxy asked for none;"
                                + " it cannot be checked for secrets, so it is not passed on");
                return;
            }
            // the body is rewritten, so its length changes: it ends where the connection does
            dropped.addAll(Set.of("content-length", "transfer-encoding"));
            write(head, dropped, true);
            try (OutputStream out = scrubber.scrubbing(ChunkedStreams.unclosable(client))) {
                Pipe.copy(framing.body(origin), out);
            }
            return;
        }
    }

    private HttpHead readHead() throws IOException {
        try {
            HttpHead head = HeadReader.read(
                    origin, PlainHttpForwarder.MAX_RESPONSE_HEAD_BYTES, PlainHttpForwarder.MAX_RESPONSE_FIELDS);
            if (head == null) {
                throw new IOException("no response");
            }
            return head;
        } catch (HttpProblem e) {
            throw new IOException("malformed response head: " + e.getMessage());
        }
    }

    private void write(HttpHead head, Set<String> dropped, boolean closing) throws IOException {
        StringBuilder text = new StringBuilder(512).append(head.startLine()).append("\r\n");
        for (HttpHead.Field field : head.fields()) {
            if (!dropped.contains(field.name().toLowerCase(Locale.ROOT))) {
                text.append(field.name())
                        .append(": ")
                        .append(scrubber.header(field.value()))
                        .append("\r\n");
            }
        }
        if (closing) {
            text.append("Connection: close\r\n");
        }
        text.append("\r\n");
        started = true;
        client.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        client.flush();
    }
}

package dev.nightshift.sandbox.egress;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * How a response's body is delimited (RFC 9112 section 6.3), read from its head and the request
 * it answers.
 *
 * @param kind none, a length, chunked, or until the origin closes
 * @param length the body's length for {@link Kind#LENGTH}
 */
record ResponseFraming(Kind kind, long length) {
    enum Kind {
        NONE,
        LENGTH,
        CHUNKED,
        UNTIL_CLOSE
    }

    static ResponseFraming of(String requestMethod, int status, HttpHead head) throws IOException {
        if (requestMethod.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return new ResponseFraming(Kind.NONE, 0);
        }
        List<String> codings = head.tokens("Transfer-Encoding");
        if (!codings.isEmpty()) {
            return new ResponseFraming(codings.getLast().equals("chunked") ? Kind.CHUNKED : Kind.UNTIL_CLOSE, 0);
        }
        List<String> lengths = head.values("Content-Length");
        if (lengths.isEmpty()) {
            return new ResponseFraming(Kind.UNTIL_CLOSE, 0);
        }
        String first = lengths.getFirst();
        boolean digits =
                !first.isEmpty() && first.length() <= 18 && first.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits || lengths.stream().anyMatch(l -> !l.equals(first))) {
            throw new IOException("the origin sent an invalid Content-Length: " + lengths);
        }
        return new ResponseFraming(Kind.LENGTH, Long.parseLong(first));
    }

    /** The body's bytes, decoded from its framing, read from {@code in}. */
    InputStream body(InputStream in) {
        return switch (kind) {
            case NONE -> InputStream.nullInputStream();
            case LENGTH -> ChunkedStreams.bounded(in, length);
            case CHUNKED -> ChunkedStreams.decoding(in);
            case UNTIL_CLOSE -> in;
        };
    }

    /** The status code of a response's status line. */
    static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2
                || !parts[0].startsWith("HTTP/1.")
                || parts[1].length() != 3
                || !parts[1].chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IOException("malformed status line: " + HeadReader.shorten(statusLine));
        }
        return Integer.parseInt(parts[1]);
    }
}

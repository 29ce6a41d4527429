package dev.nightshift.sandbox.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How a forwarded request's body is delimited, and relaying exactly that body: never a byte
 * more, so that nothing the client sends after it can reach the origin as a second request on a
 * connection that was vetted for the first (request smuggling).
 */
sealed interface RequestBody {
    /** Longest chunk-size or trailer line accepted; real ones are a few bytes. */
    int MAX_CHUNK_LINE_BYTES = 4096;

    /** Copies the body from the client to the origin. */
    void relay(InputStream client, OutputStream origin) throws IOException;

    record None() implements RequestBody {
        @Override
        public void relay(InputStream client, OutputStream origin) {}
    }

    record Length(long bytes) implements RequestBody {
        @Override
        public void relay(InputStream client, OutputStream origin) throws IOException {
            Pipe.copyExactly(client, origin, bytes);
        }
    }

    /** Re-encoded chunk by chunk in canonical form; extensions and trailers are dropped. */
    record Chunked() implements RequestBody {
        @Override
        public void relay(InputStream client, OutputStream origin) throws IOException {
            while (true) {
                String line = readLine(client);
                int semicolon = line.indexOf(';');
                String sizeText = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
                long size = parseChunkSize(sizeText);
                if (size == 0) {
                    while (!readLine(client).isEmpty()) {
                        // trailer fields: not forwarded
                    }
                    origin.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    origin.flush();
                    return;
                }
                origin.write((Long.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                Pipe.copyExactly(client, origin, size);
                if (!readLine(client).isEmpty()) {
                    throw new IOException("a chunk is longer than its declared size");
                }
                origin.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        }

        static long parseChunkSize(String text) throws IOException {
            if (text.isEmpty() || text.length() > 15 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IOException("not a chunk size: \"" + HeadReader.shorten(text) + '"');
            }
            return Long.parseLong(text, 16);
        }

        static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(16);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the chunked body ended early");
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                }
                if (line.size() >= MAX_CHUNK_LINE_BYTES) {
                    throw new IOException("a chunk line is longer than " + MAX_CHUNK_LINE_BYTES + " bytes");
                }
                line.write(b);
            }
        }
    }

    /** Reads the framing from the request head; ambiguous framing is refused, as RFC 9112 advises. */
    static RequestBody of(HttpHead request) throws HttpProblem {
        List<String> codings = request.tokens("Transfer-Encoding");
        List<String> lengths = request.values("Content-Length");
        if (!codings.isEmpty()) {
            if (!lengths.isEmpty()) {
                throw HttpProblem.badRequest("a request may not have both Transfer-Encoding and Content-Length");
            }
            if (!codings.equals(List.of("chunked"))) {
                throw new HttpProblem(501, "only the chunked transfer coding is supported, got " + codings);
            }
            return new Chunked();
        }
        if (lengths.isEmpty()) {
            return new None();
        }
        String first = lengths.getFirst();
        boolean digits =
                !first.isEmpty() && first.length() <= 18 && first.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits || lengths.stream().anyMatch(l -> !l.equals(first))) {
            throw HttpProblem.badRequest("the Content-Length is invalid: " + lengths);
        }
        return new Length(Long.parseLong(first));
    }
}

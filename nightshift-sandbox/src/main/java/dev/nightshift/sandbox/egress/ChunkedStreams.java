package dev.nightshift.sandbox.egress;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The chunked transfer coding (RFC 9112 section 7.1), decoded from a stream and encoded onto one. */
final class ChunkedStreams {
    private ChunkedStreams() {}

    /** The body of a chunked message read from {@code in}; extensions and trailers are dropped. */
    static InputStream decoding(InputStream in) {
        return new InputStream() {
            private long left;
            private boolean done;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                if (left == 0 && !nextChunk()) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(length, left));
                if (n < 0) {
                    throw new IOException("the chunked body ended early");
                }
                left -= n;
                if (left == 0 && !RequestBody.Chunked.readLine(in).isEmpty()) {
                    throw new IOException("a chunk is longer than its declared size");
                }
                return n;
            }

            private boolean nextChunk() throws IOException {
                if (done) {
                    return false;
                }
                String line = RequestBody.Chunked.readLine(in);
                int semicolon = line.indexOf(';');
                left = RequestBody.Chunked.parseChunkSize(
                        (semicolon < 0 ? line : line.substring(0, semicolon)).strip());
                if (left == 0) {
                    while (!RequestBody.Chunked.readLine(in).isEmpty()) {
                        // trailer fields: not forwarded
                    }
                    done = true;
                    return false;
                }
                return true;
            }
        };
    }

    /**
     * Writes each write as one chunk to {@code out}; {@link OutputStream#close()} writes the last
     * chunk and flushes but leaves {@code out} open (the connection may carry another message).
     */
    static OutputStream encoding(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return; // an empty chunk would end the body
                }
                out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(b, off, len);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }

            @Override
            public void close() throws IOException {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        };
    }

    /** A view of {@code out} whose close only flushes. */
    static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    /** At most {@code length} bytes of {@code in}; fails if {@code in} ends first. */
    static InputStream bounded(InputStream in, long length) {
        return new InputStream() {
            private long left = length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int len) throws IOException {
                if (left == 0) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(len, left));
                if (n < 0) {
                    throw new IOException("the body ended " + left + " bytes before its declared length");
                }
                left -= n;
                return n;
            }
        };
    }
}

package dev.nightshift.sandbox.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies bytes from one side of a proxied connection to the other. */
final class Pipe {
    private static final int BUFFER_BYTES = 16 * 1024;

    private Pipe() {}

    /** Copies until {@code in} ends; returns the bytes copied. */
    static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
            total += n;
        }
        return total;
    }

    /** Copies exactly {@code length} bytes; fails if {@code in} ends first. */
    static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long remaining = length;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("the stream ended " + remaining + " bytes before the declared length");
            }
            out.write(buffer, 0, n);
            remaining -= n;
        }
        out.flush();
    }
}

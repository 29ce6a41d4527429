package dev.nightshift.github;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reading at most so many bytes of a text stream, from its start or its end, without holding more
 * than that in memory: a pull request's diff or a CI job's log can run to megabytes, and an agent
 * only needs a bounded piece. Cuts fall between characters, never inside a UTF-8 sequence.
 */
final class BoundedText {

    private static final int CHUNK_BYTES = 8192;

    private BoundedText() {}

    /** The first {@code maxBytes} bytes (fewer when that would split a character); reads no further. */
    static String head(InputStream in, int maxBytes) throws IOException {
        byte[] bytes = in.readNBytes(maxBytes);
        boolean cut = bytes.length == maxBytes && in.read() != -1;
        int end = cut ? characterStartAtOrBefore(bytes, bytes.length) : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * The last {@code maxBytes} bytes (fewer when that would split a character). Reads the whole
     * stream through a ring of {@code maxBytes}, so memory stays bounded whatever its length.
     */
    static String tail(InputStream in, int maxBytes) throws IOException {
        byte[] ring = new byte[maxBytes];
        byte[] chunk = new byte[Math.min(CHUNK_BYTES, maxBytes)];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) != -1) {
            for (int i = 0; i < n; ) { // copy in up to two pieces, wrapping at the ring's end
                int at = (int) ((total + i) % maxBytes);
                int piece = Math.min(n - i, maxBytes - at);
                System.arraycopy(chunk, i, ring, at, piece);
                i += piece;
            }
            total += n;
        }
        if (total <= maxBytes) {
            return new String(ring, 0, (int) total, StandardCharsets.UTF_8);
        }
        int oldest = (int) (total % maxBytes);
        byte[] last = new byte[maxBytes];
        System.arraycopy(ring, oldest, last, 0, maxBytes - oldest);
        System.arraycopy(ring, 0, last, maxBytes - oldest, oldest);
        int start = 0;
        while (start < last.length && isContinuation(last[start])) {
            start++;
        }
        return new String(last, start, last.length - start, StandardCharsets.UTF_8);
    }

    /** Where the character that {@code end} would cut begins, or {@code end} when it cuts none. */
    private static int characterStartAtOrBefore(byte[] bytes, int end) {
        int lead = end;
        while (lead > 0 && isContinuation(bytes[lead - 1])) {
            lead--;
        }
        if (lead == 0) {
            return end; // not UTF-8 anyway; keep the bytes
        }
        int expected = sequenceLength(bytes[lead - 1]);
        return end - (lead - 1) >= expected ? end : lead - 1;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static int sequenceLength(byte lead) {
        if ((lead & 0x80) == 0) {
            return 1;
        }
        if ((lead & 0xE0) == 0xC0) {
            return 2;
        }
        if ((lead & 0xF0) == 0xE0) {
            return 3;
        }
        return 4;
    }
}

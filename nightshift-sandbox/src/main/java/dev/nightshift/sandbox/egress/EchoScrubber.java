package dev.nightshift.sandbox.egress;

import dev.nightshift.core.secret.EgressSecret;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Echo protection: puts a session's placeholders back wherever an origin sends one of its secret
 * values, in response headers and textual response bodies, so that a real value never reaches
 * the sandbox. Bodies are rewritten while they stream; a value split across reads is still found,
 * because up to the longest value's length minus one byte is held back until more arrives.
 */
final class EchoScrubber {
    /** Media types rewritten; anything else (images, archives, compressed data) passes unchanged. */
    private static final List<String> TEXT_TYPES = List.of(
            "application/json",
            "application/xml",
            "application/javascript",
            "application/x-www-form-urlencoded",
            "application/x-ndjson");

    private final Map<String, String> replacements = new LinkedHashMap<>();
    private final byte[][] values;
    private final byte[][] placeholders;
    private final int longest;

    EchoScrubber(List<EgressSecret> secrets) {
        for (EgressSecret secret : secrets) {
            if (secret.value() != null && !secret.value().isEmpty()) {
                replacements.put(secret.value(), secret.placeholder());
            }
        }
        values = replacements.keySet().stream()
                .map(v -> v.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        placeholders = replacements.values().stream()
                .map(p -> p.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        longest = Arrays.stream(values).mapToInt(v -> v.length).max().orElse(0);
    }

    /** Whether there is anything to protect. */
    boolean active() {
        return longest > 0;
    }

    String header(String value) {
        String out = value;
        for (Map.Entry<String, String> e : replacements.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Whether a body of this {@code Content-Type} is text that could carry a value back. */
    static boolean textual(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip()
                .toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.endsWith("+json") || type.endsWith("+xml") || TEXT_TYPES.contains(type);
    }

    /**
     * A stream that writes to {@code out} with every value replaced by its placeholder. {@link
     * OutputStream#close()} writes what was held back and closes {@code out}.
     */
    OutputStream scrubbing(OutputStream out) {
        return new FilterOutputStream(out) {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                pending.write(b, off, len);
                drain(false);
            }

            @Override
            public void close() throws IOException {
                drain(true);
                super.close();
            }

            private void drain(boolean all) throws IOException {
                byte[] data = pending.toByteArray();
                int emitted = 0;
                int i = 0;
                scan:
                while (i < data.length) {
                    for (int v = 0; v < values.length; v++) {
                        int match = matchAt(data, i, values[v]);
                        if (match == values[v].length) {
                            out.write(data, emitted, i - emitted);
                            out.write(placeholders[v]);
                            i += match;
                            emitted = i;
                            continue scan;
                        }
                        if (match == data.length - i && !all) {
                            break scan; // may be the start of a value the next write completes
                        }
                    }
                    i++;
                }
                out.write(data, emitted, i - emitted);
                pending.reset();
                pending.write(data, i, data.length - i);
            }
        };
    }

    /** How many bytes of {@code value} match {@code data} at {@code at}, up to the end of {@code data}. */
    private static int matchAt(byte[] data, int at, byte[] value) {
        int n = 0;
        while (n < value.length && at + n < data.length && data[at + n] == value[n]) {
            n++;
        }
        return n;
    }
}

package dev.nightshift.sandbox.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one HTTP message head (start line and header fields) from a stream, byte by byte so that
 * whatever follows the head stays in the stream. Bounded in bytes and in fields, because the
 * sender is a sandbox (or an origin) and may send anything.
 */
final class HeadReader {
    private HeadReader() {}

    /**
     * @return the head, or {@code null} if the stream ended before its first byte
     * @throws HttpProblem 431 if the head is larger than allowed, 400 if it is malformed
     */
    static HttpHead read(InputStream in, int maxBytes, int maxFields) throws IOException, HttpProblem {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (total == 0) {
                    return null;
                }
                throw HttpProblem.badRequest("the message ended before its head was complete");
            }
            if (++total > maxBytes) {
                throw new HttpProblem(431, "the message head is larger than " + maxBytes + " bytes");
            }
            if (b == '\n') {
                // a bare LF ends a line too (RFC 9112 section 2.2); a CR before it is dropped
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                line.reset();
                if (text.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue; // RFC 9112 section 2.2: ignore empty lines before a request line
                    }
                    return parse(lines);
                }
                if (lines.size() > maxFields) {
                    throw new HttpProblem(431, "the message head has more than " + maxFields + " header fields");
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
    }

    private static HttpHead parse(List<String> lines) throws HttpProblem {
        String startLine = lines.getFirst();
        requireNoControls(startLine, "start line");
        List<HttpHead.Field> fields = new ArrayList<>(lines.size() - 1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw HttpProblem.badRequest("folded header lines are not accepted");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw HttpProblem.badRequest("a header line has no name: " + shorten(line));
            }
            String name = line.substring(0, colon);
            if (!isToken(name)) {
                throw HttpProblem.badRequest("a header name is not a token: " + shorten(name));
            }
            String value = line.substring(colon + 1).strip();
            requireNoControls(value, "header " + name);
            fields.add(new HttpHead.Field(name, value));
        }
        return new HttpHead(startLine, List.copyOf(fields));
    }

    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A CR or NUL inside a line is how request smuggling starts; tabs are fine. */
    private static void requireNoControls(String text, String where) throws HttpProblem {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw HttpProblem.badRequest("the " + where + " contains a control character");
            }
        }
    }

    static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}

package dev.nightshift.sandbox.egress;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The proxy's own answers: a status and one plain-text line saying why. */
final class Responses {
    static final String PREFIX = "nightshift egress: ";

    private static final Map<Integer, String> REASONS = Map.of(
            400, "Bad Request",
            403, "Forbidden",
            431, "Request Header Fields Too Large",
            500, "Internal Server Error",
            501, "Not Implemented",
            502, "Bad Gateway",
            503, "Service Unavailable",
            504, "Gateway Timeout");

    private Responses() {}

    static void plain(OutputStream out, int status, String message) throws IOException {
        byte[] body = (PREFIX + message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + REASONS.getOrDefault(status, "Error") + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    static void connectionEstablished(OutputStream out) throws IOException {
        out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}

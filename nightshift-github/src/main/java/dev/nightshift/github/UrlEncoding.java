package dev.nightshift.github;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding for URL paths and query values. {@link java.net.URLEncoder} is for HTML forms:
 * it writes spaces as '+', which a path keeps literally.
 */
final class UrlEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlEncoding() {}

    /** A path made of segments: '/' stays (GitHub reads "feature/x" as one branch). */
    static String path(String s) {
        return encode(s, true);
    }

    /** A query parameter's name or value. */
    static String query(String s) {
        return encode(s, false);
    }

    private static String encode(String s, boolean keepSlash) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (unreserved(c) || (keepSlash && c == '/')) {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }
}

package dev.nightshift.sandbox.egress;

import java.util.Locale;

/**
 * Where a proxied request wants to go, parsed strictly from a {@code CONNECT} authority or an
 * absolute {@code http://} URL. Anything unusual (user info, percent-encoded or odd host
 * characters, a missing port on CONNECT) is a bad request, not something to guess about.
 *
 * @param host lower case; an IPv6 literal without its brackets
 * @param port 1 to 65535
 * @param pathAndQuery origin-form request target, {@code /} at least; empty for CONNECT
 */
record Destination(String host, int port, String pathAndQuery) {
    private static final int HTTP_PORT = 80;
    private static final int MAX_HOST_CHARS = 253;

    /** {@code CONNECT host:port}: the port is required. */
    static Destination ofAuthority(String authority) throws HttpProblem {
        return parseAuthority(authority, -1, "");
    }

    /** {@code GET http://host[:port]/path?query}: forwarded as origin-form, fragment dropped. */
    static Destination ofAbsoluteUrl(String target) throws HttpProblem {
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            throw HttpProblem.badRequest(
                    "send https:// requests through CONNECT (any HTTPS client does this when given the proxy)");
        }
        if (!lower.startsWith("http://")) {
            throw HttpProblem.badRequest("this is an egress proxy: send absolute http:// URLs or CONNECT, not "
                    + HeadReader.shorten(target));
        }
        String rest = target.substring("http://".length());
        int end = 0;
        while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        String path = rest.substring(end);
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        if (path.isEmpty() || path.startsWith("?")) {
            path = "/" + path;
        }
        return parseAuthority(rest.substring(0, end), HTTP_PORT, path);
    }

    /** The {@code Host} header an origin should see: the host, and the port unless it is 80. */
    String hostHeader() {
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        return port == HTTP_PORT ? shownHost : shownHost + ":" + port;
    }

    private static Destination parseAuthority(String authority, int defaultPort, String path) throws HttpProblem {
        if (authority.contains("@")) {
            throw HttpProblem.badRequest("credentials in the URL are not passed on; remove the user@ part");
        }
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw HttpProblem.badRequest("an IPv6 address is missing its closing ]");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw HttpProblem.badRequest("unexpected text after the IPv6 address: " + HeadReader.shorten(after));
            }
            portText = after.isEmpty() ? null : after.substring(1);
            if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw HttpProblem.badRequest("not an IPv6 address: " + HeadReader.shorten(host));
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
            if (!isHostName(host)) {
                throw HttpProblem.badRequest("not a host name: \"" + HeadReader.shorten(host) + '"');
            }
        }
        int port = portText == null ? defaultPort : parsePort(portText);
        if (port < 0) {
            throw HttpProblem.badRequest("CONNECT needs host:port, got \"" + HeadReader.shorten(authority) + '"');
        }
        return new Destination(host.toLowerCase(Locale.ROOT), port, path);
    }

    private static boolean isHostName(String host) {
        if (host.isEmpty() || host.length() > MAX_HOST_CHARS) {
            return false;
        }
        return host.chars()
                .allMatch(c -> (c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9')
                        || c == '.'
                        || c == '-'
                        || c == '_');
    }

    private static int parsePort(String text) throws HttpProblem {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw HttpProblem.badRequest("not a port: \"" + HeadReader.shorten(text) + '"');
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw HttpProblem.badRequest("port " + port + " is out of range");
        }
        return port;
    }
}

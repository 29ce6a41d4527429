package dev.nightshift.server.sandbox;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host of a host-based preview, {@code p<port>-<session>.<domain>}: port {@code 3000} of session
 * {@code ses_01abc} under {@code preview.example.com} is {@code p3000-01abc.preview.example.com}
 * (the session id without its {@code ses_} prefix). Defined here once, formatting and parsing, as
 * pure functions: a host that is not exactly this form names no preview (it gets the server's
 * normal routes), so nothing else under the domain, no other spelling of a port (a sign, leading
 * zeros, a port over 65535) and no label of the wrong length is ever read as one.
 *
 * @param sessionId the session's full id ({@code ses_…})
 * @param port the port inside the session's sandbox, 1 to 65535
 */
public record PreviewHost(String sessionId, int port) {
    static final String SESSION_PREFIX = "ses_";
    /** The longest DNS label: the host's first label carries the port and the session. */
    static final int MAX_LABEL_CHARS = 63;

    private static final Pattern LABEL = Pattern.compile("p([1-9][0-9]{0,4})-([0-9a-z]+)");
    private static final Pattern DOMAIN_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public PreviewHost {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a port is 1 to 65535, got " + port);
        }
    }

    /**
     * The preview host of a session's port under a domain, or empty when the session's id cannot be
     * a DNS label (only {@code ses_} and lower-case letters and digits can).
     */
    public static Optional<String> format(String sessionId, int port, String domain) {
        if (sessionId == null || !sessionId.startsWith(SESSION_PREFIX) || port < 1 || port > 65535) {
            return Optional.empty();
        }
        String label = "p" + port + "-" + sessionId.substring(SESSION_PREFIX.length());
        if (label.length() > MAX_LABEL_CHARS || !LABEL.matcher(label).matches()) {
            return Optional.empty();
        }
        return Optional.of(label + "." + domain);
    }

    /**
     * The preview a request's host names under the domain, or empty for any other host. Accepts what
     * a {@code Host} header carries: a name in any case, with or without a trailing dot and a
     * {@code :port}.
     */
    public static Optional<PreviewHost> parse(String host, String domain) {
        if (host == null || domain == null || domain.isEmpty() || host.length() > 255) {
            return Optional.empty();
        }
        String name = host.toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            String port = name.substring(colon + 1);
            if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty(); // an IPv6 literal or junk, never a preview host
            }
            name = name.substring(0, colon);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        String suffix = "." + domain;
        if (!name.endsWith(suffix)) {
            return Optional.empty();
        }
        String label = name.substring(0, name.length() - suffix.length());
        if (label.isEmpty() || label.length() > MAX_LABEL_CHARS) {
            return Optional.empty();
        }
        Matcher m = LABEL.matcher(label);
        if (!m.matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(m.group(1));
        if (port > 65535) {
            return Optional.empty();
        }
        return Optional.of(new PreviewHost(SESSION_PREFIX + m.group(2), port));
    }

    /**
     * The origin a browser opens: the public URL's scheme and port (so a server reached at
     * {@code http://localhost:8080} previews at {@code http://p3000-….localhost:8080}) with the
     * preview host.
     */
    public static Optional<String> origin(String publicUrl, String domain, String sessionId, int port) {
        URI base = URI.create(publicUrl);
        String scheme = base.getScheme() == null ? "http" : base.getScheme().toLowerCase(Locale.ROOT);
        return format(sessionId, port, domain)
                .map(host -> scheme + "://" + host + (base.getPort() < 0 ? "" : ":" + base.getPort()));
    }

    /**
     * The operator's {@code NIGHTSHIFT_PREVIEW_DOMAIN} as the one form the rest compares against
     * (lower case, no trailing dot), or an exception that says what is wrong with it. Empty stays
     * empty (host-based previews are off).
     */
    public static String checkDomain(String domain) {
        if (domain == null || domain.isBlank()) {
            return "";
        }
        String d = domain.trim().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.length() > 200) {
            throw new IllegalArgumentException(
                    "NIGHTSHIFT_PREVIEW_DOMAIN is longer than 200 characters: a preview host would not fit in DNS");
        }
        for (String label : d.split("\\.", -1)) {
            if (!DOMAIN_LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("NIGHTSHIFT_PREVIEW_DOMAIN must be a DNS name such as"
                        + " preview.example.com (no scheme, port, path or wildcard), got '" + domain + "'");
            }
        }
        return d;
    }
}

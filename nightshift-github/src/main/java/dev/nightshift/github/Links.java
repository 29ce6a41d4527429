package dev.nightshift.github;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GitHub's pagination: the {@code Link} header's {@code rel="next"} URL. */
final class Links {

    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"([^\"]*)\"");

    private Links() {}

    /**
     * The next page, if any. Only a URL on the same scheme, host and port as {@code base} is
     * followed: the request carries a token, which must not go anywhere else.
     */
    static Optional<URI> next(String linkHeader, URI base) {
        if (linkHeader == null) {
            return Optional.empty();
        }
        Matcher m = LINK.matcher(linkHeader);
        while (m.find()) {
            for (String rel : m.group(2).trim().split("\\s+")) {
                if (rel.equals("next")) {
                    URI next = URI.create(m.group(1));
                    if (!sameOrigin(next, base)) {
                        throw new GitHubException(0, "GitHub's next page " + next + " is not on " + base);
                    }
                    return Optional.of(next);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}

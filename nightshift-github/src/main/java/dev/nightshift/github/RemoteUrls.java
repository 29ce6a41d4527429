package dev.nightshift.github;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Recognises a git remote on a given GitHub host. */
final class RemoteUrls {

    private static final String OWNER = "[A-Za-z0-9][A-Za-z0-9-]*";
    private static final String REPO = "[A-Za-z0-9._-]+?";
    /** The path after the host: /owner/repo, optional .git, optional trailing slash. */
    private static final Pattern PATH = Pattern.compile("/?(" + OWNER + ")/(" + REPO + ")(?:\\.git)?/?");
    /** scp-like ssh syntax: user@host:owner/repo.git */
    private static final Pattern SCP = Pattern.compile("[A-Za-z0-9._-]+@([^:/]+):(.*)");

    private RemoteUrls() {}

    static Optional<String> ownerAndRepo(String gitUrl, URI webUrl) {
        if (gitUrl == null || webUrl == null || webUrl.getHost() == null) {
            return Optional.empty();
        }
        String url = gitUrl.trim();
        String host = webUrl.getHost();
        Matcher scp = SCP.matcher(url);
        if (!url.contains("://") && scp.matches()) {
            return scp.group(1).equalsIgnoreCase(host) ? path(scp.group(2)) : Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (uri.getHost() == null
                || !uri.getHost().equalsIgnoreCase(host)
                || uri.getQuery() != null
                || uri.getFragment() != null) {
            return Optional.empty();
        }
        return switch (scheme) {
            // the web host's port too: a GitHub Enterprise on another port is another server
            case "https", "http" -> port(uri) == port(webUrl) ? path(uri.getPath()) : Optional.empty();
            // ssh listens on its own port, whatever the web's
            case "ssh" -> path(uri.getPath());
            default -> Optional.empty();
        };
    }

    private static Optional<String> path(String path) {
        Matcher m = PATH.matcher(path);
        if (!m.matches() || m.group(2).equals(".") || m.group(2).equals("..")) {
            return Optional.empty();
        }
        return Optional.of(m.group(1) + "/" + m.group(2));
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "http".equalsIgnoreCase(u.getScheme()) ? 80 : 443;
    }
}

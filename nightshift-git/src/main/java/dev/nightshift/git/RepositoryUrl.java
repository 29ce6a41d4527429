package dev.nightshift.git;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A session's repository as given by a person: an {@code https://}, {@code http://},
 * {@code ssh://} or {@code file://} URL, an scp-like {@code git@host:owner/repo.git}, or an
 * absolute local path. Credentials never travel in the URL: they live encrypted in the
 * credential store and reach git through its environment, so a URL carrying a password is refused.
 *
 * @param url what git is given (a local path as {@code file://})
 * @param host the host whose credentials apply ("" for local repositories)
 * @param kind how git reaches it
 */
public record RepositoryUrl(String url, String host, Kind kind) {
    public enum Kind {
        LOCAL,
        HTTPS,
        HTTP,
        SSH
    }

    private static final Pattern SCP_LIKE = Pattern.compile("^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!/)(.+)$");

    /** Parses and checks a repository as a person gave it; the message of the exception says how to fix it. */
    public static RepositoryUrl parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException(
                    "a repository is needed: a git URL (https://, ssh://, file://) or a local path");
        }
        String value = raw.strip();
        if (value.startsWith("-") || value.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("'" + value + "' is not a repository URL or path");
        }
        if (value.startsWith("/")) {
            return new RepositoryUrl("file://" + Path.of(value).normalize(), "", Kind.LOCAL);
        }
        Matcher scp = SCP_LIKE.matcher(value);
        if (scp.matches() && !value.contains("://")) {
            return new RepositoryUrl(value, scp.group(2).toLowerCase(Locale.ROOT), Kind.SSH);
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid repository URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Kind kind = switch (scheme) {
            case "https" -> Kind.HTTPS;
            case "http" -> Kind.HTTP;
            case "ssh" -> Kind.SSH;
            case "file" -> Kind.LOCAL;
            default ->
                throw new IllegalArgumentException("'" + value + "' uses an unsupported scheme; use https://, ssh://, "
                        + "file://, git@host:owner/repo.git or an absolute path");
        };
        if (kind == Kind.LOCAL) {
            if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
                throw new IllegalArgumentException("a file:// URL needs an absolute path, like file:///srv/repo.git");
            }
            return new RepositoryUrl("file://" + Path.of(uri.getPath()).normalize(), "", Kind.LOCAL);
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("'" + value + "' names no host");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && (kind != Kind.SSH || userInfo.contains(":"))) {
            throw new IllegalArgumentException(
                    "the repository URL carries credentials; remove them from the URL and store "
                            + "them with PUT /api/me/credentials/" + uri.getHost() + " instead");
        }
        return new RepositoryUrl(value, uri.getHost().toLowerCase(Locale.ROOT), kind);
    }

    /** True for a repository on this machine, which needs no credentials. */
    public boolean local() {
        return kind == Kind.LOCAL;
    }

    /** The local directory of a {@code file://} repository. */
    public Path localPath() {
        if (!local()) {
            throw new IllegalStateException(url + " is not a local repository");
        }
        return Path.of(URI.create(url).getPath());
    }

    /** A stable, file-name-safe key for this repository's mirror: a readable name plus a hash. */
    public String mirrorKey() {
        String trimmed = url.replaceAll("/+$", "").replaceAll("\\.git$", "");
        String name = trimmed.substring(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(':')) + 1)
                .replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || name.startsWith(".")) {
            name = "repo" + name;
        }
        return (name.length() > 40 ? name.substring(0, 40) : name) + "-"
                + sha256(url).substring(0, 16);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return url;
    }
}

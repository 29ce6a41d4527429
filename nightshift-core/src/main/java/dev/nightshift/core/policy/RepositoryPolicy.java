package dev.nightshift.core.policy;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which repositories a person may start a session on. Remote repositories are compared with an
 * allowlist of patterns ({@code github.com/acme/*}, {@code git@gitlab.example.com:team/**}): an
 * empty list allows every remote, a non-empty one only matches. A pattern is a host and a path;
 * the scheme, a user name, a port and a trailing {@code .git} are ignored on both sides, the host
 * is compared case-insensitively, {@code *} matches within one path segment and {@code **} across
 * segments; a pattern that is only a host allows every repository on it. A repository path with
 * {@code .} or {@code ..} segments never matches.
 *
 * <p>Local repositories (absolute paths, {@code file://}) are for administrators, or for anyone
 * when inside one of the local roots or matching a pattern of the allowlist that is a path. The
 * data directory, and everything under it (the git mirrors included), is never a repository, for
 * anyone: its mirrors hold other people's repositories under predictable names.
 *
 * <p>{@link #decide} is pure; {@link #check} and the constructor resolve symbolic links of the
 * paths that exist, so call them off the event loop like any other file access.
 */
public final class RepositoryPolicy {
    /** Why a repository was refused; the caller names the setting that changes it. */
    public enum Refusal {
        /** A remote repository outside a non-empty allowlist. */
        NOT_ALLOWLISTED,
        /** A local repository, for someone who is no administrator, outside the local roots. */
        LOCAL_NOT_ALLOWED,
        /** The data directory or something in it: refused for everyone, whatever the settings. */
        DATA_DIRECTORY
    }

    /** A repository as the policy compares it: a host and a path, or a local directory. */
    public sealed interface Location {
        /**
         * Reads a repository URL as git would: {@code scheme://[user@]host[:port]/path},
         * scp-like {@code [user@]host:path}, {@code file://} or an absolute path. A local path is
         * percent-decoded (git decodes {@code file://} URLs) and its {@code ..} segments removed.
         */
        static Location of(String url) {
            String value = url.strip();
            if (value.startsWith("/")) {
                return new Local(Path.of(value).normalize());
            }
            if (value.regionMatches(true, 0, "file://", 0, 7)) {
                String rest = value.substring(7);
                String path = rest.startsWith("/") ? rest : rest.substring(Math.max(rest.indexOf('/'), 0));
                return new Local(Path.of("/" + decode(path)).normalize());
            }
            return remote(value);
        }
    }

    /**
     * @param host lower case, without user or port
     * @param path without leading or trailing slashes and without a trailing {@code .git}
     */
    public record Remote(String host, String path) implements Location {
        /** True when a segment is {@code .} or {@code ..}: such a path never matches a pattern. */
        boolean dotSegments() {
            for (String segment : path.split("/", -1)) {
                if (segment.equals(".") || segment.equals("..")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** @param path absolute and normalised; {@link #check} resolves its symbolic links before deciding */
    public record Local(Path path) implements Location {}

    private record RemotePattern(Pattern host, Pattern path) {
        boolean matches(Remote remote) {
            return host.matcher(remote.host()).matches()
                    && path.matcher(remote.path()).matches();
        }
    }

    private final boolean anyRemote;
    private final List<RemotePattern> remotePatterns = new ArrayList<>();
    private final List<Pattern> localPatterns = new ArrayList<>();
    private final List<Path> localRoots;
    private final Path dataDir;

    /**
     * @param allow the allowlist's patterns (empty: every remote repository)
     * @param localRoots absolute directories inside which anyone may use a local repository
     * @param dataDir the control plane's data directory, never a repository
     * @throws IllegalArgumentException for a pattern or root that cannot be read, saying which
     */
    public RepositoryPolicy(List<String> allow, List<Path> localRoots, Path dataDir) {
        this.anyRemote = allow.stream().allMatch(String::isBlank);
        for (String raw : allow) {
            String pattern = raw.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            Location location;
            try {
                location = Location.of(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the repository pattern '" + pattern + "' " + e.getMessage());
            }
            switch (location) {
                case Local local -> localPatterns.add(glob(local.path().toString()));
                case Remote remote ->
                    remotePatterns.add(new RemotePattern(
                            glob(remote.host()),
                            remote.path().isEmpty() ? Pattern.compile(".*") : glob(remote.path())));
            }
        }
        List<Path> roots = new ArrayList<>();
        for (Path root : localRoots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("the local repository root '" + root + "' is not an absolute path");
            }
            roots.add(realPath(root));
        }
        this.localRoots = List.copyOf(roots);
        this.dataDir = realPath(dataDir.toAbsolutePath());
    }

    /** Reads {@code url} (already checked as a repository URL), resolves a local path's links, and decides. */
    public Optional<Refusal> check(String url, boolean admin) {
        Location location = Location.of(url);
        if (location instanceof Local local) {
            location = new Local(realPath(local.path()));
        }
        return decide(location, admin);
    }

    /** Pure: whether {@code location} (a local one with its links resolved) is allowed, and if not why. */
    public Optional<Refusal> decide(Location location, boolean admin) {
        return switch (location) {
            case Local local -> {
                Path path = local.path();
                if (path.startsWith(dataDir)) {
                    yield Optional.of(Refusal.DATA_DIRECTORY);
                }
                boolean allowed = admin
                        || localRoots.stream().anyMatch(path::startsWith)
                        || localPatterns.stream()
                                .anyMatch(p -> p.matcher(path.toString()).matches());
                yield allowed ? Optional.empty() : Optional.of(Refusal.LOCAL_NOT_ALLOWED);
            }
            case Remote remote -> {
                boolean allowed = anyRemote
                        || (!remote.dotSegments() && remotePatterns.stream().anyMatch(p -> p.matches(remote)));
                yield allowed ? Optional.empty() : Optional.of(Refusal.NOT_ALLOWLISTED);
            }
        };
    }

    /**
     * Pure: whether one pattern, written as in the allowlist, matches a repository URL (the
     * vault's repository-scoped secrets use it). A remote repository with {@code .} or {@code ..}
     * segments never matches; a local pattern matches local paths only.
     *
     * @throws IllegalArgumentException when the pattern or the URL cannot be read
     */
    public static boolean matches(String pattern, String repository) {
        Location repo = Location.of(repository);
        return switch (Location.of(pattern)) {
            case Local local ->
                repo instanceof Local l
                        && glob(local.path().toString())
                                .matcher(l.path().toString())
                                .matches();
            case Remote remote ->
                repo instanceof Remote r
                        && !r.dotSegments()
                        && new RemotePattern(
                                        glob(remote.host()),
                                        remote.path().isEmpty() ? Pattern.compile(".*") : glob(remote.path()))
                                .matches(r);
        };
    }

    /**
     * The path with the symbolic links of its longest existing part resolved (and the rest
     * appended), so a link inside a root that points out of it counts where it points. Reads the
     * file system.
     */
    public static Path realPath(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        Path existing = normal;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return normal;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(normal)).normalize();
        } catch (IOException e) {
            return normal; // a dangling link: it points nowhere, so the path as written is what git sees
        }
    }

    private static Remote remote(String value) {
        String host;
        String path;
        int scheme = value.indexOf("://");
        if (scheme > 0) {
            String rest = value.substring(scheme + 3);
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            path = slash < 0 ? "" : rest.substring(slash);
            int end = indexOfAny(path, "?#");
            path = decode(end < 0 ? path : path.substring(0, end));
            host = withoutPort(authority.substring(authority.lastIndexOf('@') + 1));
        } else {
            int at = value.indexOf('@');
            int hostEnd = indexOfAny(value, ":/");
            String withoutUser = at >= 0 && (hostEnd < 0 || at < hostEnd) ? value.substring(at + 1) : value;
            int colon = withoutUser.indexOf(':');
            int slash = withoutUser.indexOf('/');
            if (colon >= 0 && (slash < 0 || colon < slash)) {
                // scp-like host:path, or host:port/path in a pattern
                host = withoutUser.substring(0, colon);
                path = withoutUser.substring(colon + 1);
                int portEnd = path.indexOf('/');
                String maybePort = portEnd < 0 ? path : path.substring(0, portEnd);
                if (!maybePort.isEmpty() && maybePort.chars().allMatch(Character::isDigit)) {
                    path = portEnd < 0 ? "" : path.substring(portEnd);
                }
            } else {
                host = slash < 0 ? withoutUser : withoutUser.substring(0, slash);
                path = slash < 0 ? "" : withoutUser.substring(slash);
            }
        }
        host = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("names no host");
        }
        String trimmed = path.replaceAll("/{2,}", "/").replaceAll("^/+", "").replaceAll("/+$", "");
        if (trimmed.endsWith(".git")) {
            trimmed = trimmed.substring(0, trimmed.length() - 4);
        }
        return new Remote(host, trimmed);
    }

    private static String withoutPort(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            return close < 0 ? hostAndPort : hostAndPort.substring(0, close + 1);
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Percent-decoding only: a {@code +} stays a plus, as in a URL's path. */
    private static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a broken %-escape");
        }
    }

    /** {@code **} any characters, {@code *} any within one segment, everything else literally. */
    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            if (glob.startsWith("**", i)) {
                regex.append(".*");
                i += 2;
            } else if (glob.charAt(i) == '*') {
                regex.append("[^/]*");
                i++;
            } else {
                int next = glob.indexOf('*', i);
                int end = next < 0 ? glob.length() : next;
                regex.append(Pattern.quote(glob.substring(i, end)));
                i = end;
            }
        }
        return Pattern.compile(regex.toString());
    }
}

package dev.nightshift.core.policy;

import dev.nightshift.core.secret.Delivery;
import dev.nightshift.core.secret.StoredSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The vault's rules, pure: what a secret may be called, hold and be sent to; which secrets a
 * session gets; and the placeholder that stands for a secret inside one session's sandbox. Each
 * check returns the broken rule in words fit for the person who sent it, or nothing.
 */
public final class SecretRules {
    public static final int MAX_NAME_CHARS = 100;
    public static final int MAX_VALUE_BYTES = 16 * 1024;
    /** At most this many hosts, methods, path prefixes, headers or query parameters per secret. */
    public static final int MAX_LIST = 50;

    public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** Variables a sandbox's own set-up relies on (case-insensitive); every {@code NIGHTSHIFT_*} too. */
    public static final Set<String> RESERVED = Set.of(
            "PATH",
            "HOME",
            "USER",
            "SHELL",
            "PWD",
            "LANG",
            "TERM",
            "TMPDIR",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "NO_PROXY",
            "ALL_PROXY",
            "SSL_CERT_FILE",
            "NODE_EXTRA_CA_CERTS",
            "REQUESTS_CA_BUNDLE",
            "GIT_SSL_CAINFO",
            "JAVA_TOOL_OPTIONS",
            "LD_PRELOAD",
            "LD_LIBRARY_PATH");

    /** The prefix of every placeholder, so scanners and the proxy can tell one at a glance. */
    public static final String PLACEHOLDER_PREFIX = "NSPH_";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,100}");
    private static final Pattern QUERY_PARAM = Pattern.compile("[A-Za-z0-9_.~-]{1,100}");
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private SecretRules() {}

    /** What a secret is, as someone asks to store it; {@code value} null means "keep the stored one". */
    public record Draft(
            String name,
            String value,
            Delivery delivery,
            List<String> hosts,
            List<String> methods,
            List<String> pathPrefixes,
            List<String> headers,
            List<String> queryParams) {}

    /** The first rule the draft breaks, or empty. Lists are checked as given (see {@link #normalise}). */
    public static Optional<String> check(Draft draft) {
        if (draft.delivery() == Delivery.GIT) {
            return Optional.of("git credentials are kept with PUT /api/me/credentials/{host}, not created as secrets");
        }
        return firstOf(
                checkName(draft.name()),
                draft.value() == null ? Optional.empty() : checkValue(draft.value(), draft.delivery()),
                checkHosts(draft.delivery(), draft.hosts()),
                checkMcpFields(draft),
                checkMethods(draft.methods()),
                checkPathPrefixes(draft.pathPrefixes()),
                checkHeaders(draft.headers()),
                checkQueryParams(draft.queryParams()));
    }

    /** The draft with hosts in lower case and methods in upper case, duplicates dropped, nulls as empty lists. */
    public static Draft normalise(Draft d) {
        return new Draft(
                d.name(),
                d.value(),
                d.delivery() == null ? Delivery.EGRESS : d.delivery(),
                distinct(d.hosts(), s -> s.strip().toLowerCase(Locale.ROOT)),
                distinct(d.methods(), s -> s.strip().toUpperCase(Locale.ROOT)),
                distinct(d.pathPrefixes(), String::strip),
                distinct(d.headers(), String::strip),
                distinct(d.queryParams(), String::strip));
    }

    public static Optional<String> checkName(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("'name' is required: the environment variable the secret is known by, like NPM_TOKEN");
        }
        if (name.length() > MAX_NAME_CHARS) {
            return Optional.of("'name' has at most " + MAX_NAME_CHARS + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("'name' must be a letter or '_' followed by letters, digits or '_' "
                    + "([A-Za-z_][A-Za-z0-9_]*), like NPM_TOKEN");
        }
        String upper = name.toUpperCase(Locale.ROOT);
        if (RESERVED.contains(upper) || upper.startsWith("NIGHTSHIFT_")) {
            return Optional.of("'" + name + "' is reserved: the sandbox sets it itself (reserved are "
                    + String.join(", ", RESERVED.stream().sorted().toList())
                    + " and every NIGHTSHIFT_ name); choose another name");
        }
        return Optional.empty();
    }

    public static Optional<String> checkValue(String value, Delivery delivery) {
        if (value == null || value.isEmpty()) {
            return Optional.of("'value' is required and cannot be empty");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
            return Optional.of("'value' is larger than 16 KiB (" + MAX_VALUE_BYTES + " bytes in UTF-8)");
        }
        if ((delivery == Delivery.EGRESS || delivery == Delivery.MCP)
                && value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of("an " + delivery.wire()
                    + " secret's value cannot contain line breaks or other control characters: "
                    + "it goes into request headers (strip the trailing newline of the file)");
        }
        return Optional.empty();
    }

    /**
     * An egress or MCP secret needs at least one host (with none it could never be used); any
     * delivery's hosts must be valid.
     */
    public static Optional<String> checkHosts(Delivery delivery, List<String> hosts) {
        List<String> list = hosts == null ? List.of() : hosts;
        if (delivery == Delivery.EGRESS && list.isEmpty()) {
            return Optional.of("an egress secret needs at least one allowed host in 'hosts' "
                    + "(like registry.npmjs.org or *.example.com): with none it could never be used");
        }
        if (delivery == Delivery.MCP && list.isEmpty()) {
            return Optional.of("an mcp secret needs the host of its MCP server in 'hosts' (like mcp.example.com): "
                    + "it is sent to no other");
        }
        if (list.size() > MAX_LIST) {
            return Optional.of("'hosts' has more than " + MAX_LIST + " entries");
        }
        for (String host : list) {
            if (!validHost(host)) {
                return Optional.of("'" + host + "' in 'hosts' is not a host name: write a name like api.example.com "
                        + "or *.example.com, without scheme, port or path");
            }
        }
        return Optional.empty();
    }

    /** An MCP credential goes whole into its server's configured header: the egress proxy's narrowing does not apply. */
    static Optional<String> checkMcpFields(Draft draft) {
        if (draft.delivery() != Delivery.MCP) {
            return Optional.empty();
        }
        boolean narrowed = !empty(draft.methods())
                || !empty(draft.pathPrefixes())
                || !empty(draft.headers())
                || !empty(draft.queryParams());
        return narrowed
                ? Optional.of("an mcp secret is sent only to its MCP server, in the header the server's configuration "
                        + "names: 'methods', 'pathPrefixes', 'headers' and 'queryParams' do not apply to it")
                : Optional.empty();
    }

    private static boolean empty(List<String> values) {
        return values == null || values.isEmpty();
    }

    public static Optional<String> checkMethods(List<String> methods) {
        List<String> list = methods == null ? List.of() : methods;
        if (list.size() > MAX_LIST) {
            return Optional.of("'methods' has more than " + MAX_LIST + " entries");
        }
        for (String method : list) {
            if (method == null || !METHODS.contains(method)) {
                return Optional.of("'" + method + "' in 'methods' is not one of "
                        + String.join(", ", METHODS.stream().sorted().toList()));
            }
        }
        return Optional.empty();
    }

    public static Optional<String> checkPathPrefixes(List<String> prefixes) {
        List<String> list = prefixes == null ? List.of() : prefixes;
        if (list.size() > MAX_LIST) {
            return Optional.of("'pathPrefixes' has more than " + MAX_LIST + " entries");
        }
        for (String prefix : list) {
            if (prefix == null
                    || !prefix.startsWith("/")
                    || prefix.length() > 1000
                    || prefix.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c == 0x7f)) {
                return Optional.of("'" + prefix + "' in 'pathPrefixes' must start with '/' and hold no spaces, "
                        + "'?' or '#', like /api/v1/query");
            }
        }
        return Optional.empty();
    }

    public static Optional<String> checkHeaders(List<String> headers) {
        return checkTokens("headers", headers, HEADER, "a header name like Authorization or X-Api-Key");
    }

    public static Optional<String> checkQueryParams(List<String> params) {
        return checkTokens("queryParams", params, QUERY_PARAM, "a query parameter name like api_key");
    }

    /** A repository pattern as the allowlist writes them ({@code github.com/acme/*}), or the rule it breaks. */
    public static Optional<String> checkRepositoryPattern(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return Optional.of("'scope.repository' must be a repository pattern like github.com/acme/*");
        }
        if (pattern.length() > 500) {
            return Optional.of("'scope.repository' has at most 500 characters");
        }
        try {
            RepositoryPolicy.matches(pattern, "example.invalid/x");
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("'scope.repository' '" + pattern + "' " + e.getMessage());
        }
    }

    /** True for a host name (lower case labels) or {@code *.} followed by one. */
    static boolean validHost(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return false;
        }
        String name = host.startsWith("*.") ? host.substring(2) : host;
        if (name.isEmpty()) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.length() > 63 || !LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The secrets a session gets: the deployment's; those of repository patterns matching the
     * session's repository; those of the session's creator. For one name the most specific wins:
     * the user's over a repository's over the deployment's, and among repository patterns the
     * longest pattern (then the oldest secret). Ordered by name.
     */
    public static List<StoredSecret> applicable(List<StoredSecret> all, String repository, String creatorId) {
        Map<String, StoredSecret> chosen = new LinkedHashMap<>();
        all.stream()
                // git and MCP credentials are the control plane's alone: never a sandbox's
                .filter(s -> s.delivery() != Delivery.GIT && s.delivery() != Delivery.MCP)
                .filter(s -> appliesTo(s, repository, creatorId))
                .sorted(Comparator.comparing(SecretRules::specificity)
                        .reversed()
                        .thenComparing(StoredSecret::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(StoredSecret::id))
                .forEach(s -> chosen.putIfAbsent(s.name(), s));
        return chosen.values().stream()
                .sorted(Comparator.comparing(StoredSecret::name))
                .toList();
    }

    /**
     * The MCP credential named {@code name} a session's calls to an MCP server use: among the
     * secrets with {@link Delivery#MCP} delivery that apply to the session, the most specific, as
     * in {@link #applicable}.
     */
    public static Optional<StoredSecret> mcpCredential(
            List<StoredSecret> all, String name, String repository, String creatorId) {
        return all.stream()
                .filter(s -> s.delivery() == Delivery.MCP && s.name().equals(name))
                .filter(s -> appliesTo(s, repository, creatorId))
                .min(Comparator.comparing(SecretRules::specificity)
                        .reversed()
                        .thenComparing(StoredSecret::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(StoredSecret::id));
    }

    /** True when {@code host} (lower case, no port) is one of {@code patterns} ({@code *.} covers subdomains). */
    public static boolean hostAllowed(List<String> patterns, String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        for (String p : patterns) {
            if (p.startsWith("*.") ? h.endsWith(p.substring(1)) : h.equals(p)) {
                return true;
            }
        }
        return false;
    }

    static boolean appliesTo(StoredSecret s, String repository, String creatorId) {
        return switch (s.scope()) {
            case DEPLOYMENT -> true;
            case USER -> creatorId != null && creatorId.equals(s.scopeKey());
            case REPOSITORY -> {
                if (repository == null || repository.isBlank()) {
                    yield false;
                }
                try {
                    yield RepositoryPolicy.matches(s.scopeKey(), repository);
                } catch (IllegalArgumentException e) {
                    yield false; // a repository URL that cannot be read matches no pattern
                }
            }
        };
    }

    private static long specificity(StoredSecret s) {
        return switch (s.scope()) {
            case USER -> 3L << 32;
            case REPOSITORY -> (2L << 32) + s.scopeKey().length();
            case DEPLOYMENT -> 1L << 32;
        };
    }

    /**
     * The placeholder for a secret in one session: {@code NSPH_} and 24 base32 characters of
     * SHA-256 over the deployment's salt, the session id and the secret id. Deterministic, so
     * every node and every restart of a sandbox hands out the same one without storing it; unique
     * per session and secret; never derived from the value; not guessable without the salt.
     *
     * @param salt a per-deployment secret (the vault derives it from the sealing key)
     */
    public static String placeholder(byte[] salt, String sessionId, String secretId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update((byte) 0);
            sha.update(sessionId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(secretId.getBytes(StandardCharsets.UTF_8));
            return PLACEHOLDER_PREFIX + base32(sha.digest(), 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static String base32(byte[] bytes, int chars) {
        StringBuilder out = new StringBuilder(chars);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5 && out.length() < chars) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }

    private static Optional<String> checkTokens(String field, List<String> values, Pattern pattern, String example) {
        List<String> list = values == null ? List.of() : values;
        if (list.size() > MAX_LIST) {
            return Optional.of("'" + field + "' has more than " + MAX_LIST + " entries");
        }
        for (String value : list) {
            if (value == null || !pattern.matcher(value).matches()) {
                return Optional.of("'" + value + "' in '" + field + "' is not " + example);
            }
        }
        return Optional.empty();
    }

    private static List<String> distinct(List<String> values, java.util.function.UnaryOperator<String> clean) {
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            String c = v == null ? null : clean.apply(v);
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    @SafeVarargs
    private static Optional<String> firstOf(Optional<String>... checks) {
        for (Optional<String> c : checks) {
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }
}

package dev.nightshift.sandbox.egress;

import dev.nightshift.core.secret.EgressSecret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a request's placeholders may become values: the pure decision and the rewrite, for one
 * request head. A secret's placeholder found in one of its headers or query parameters is replaced
 * by its value when the host, the method and the path are all in the secret's scope; otherwise
 * the request goes on unchanged (a placeholder is worthless elsewhere) and the outcome says why,
 * so that the misuse can be reported. Values never appear in an outcome.
 */
final class Substitution {
    private Substitution() {}

    /** What happened to one secret in one request: substituted, or not and why. */
    record Outcome(String secret, boolean substituted, String reason) {}

    /** The request head to send on, and what happened to each secret whose placeholder it held. */
    record Result(String target, List<HttpHead.Field> fields, List<Outcome> outcomes) {}

    /** Whether {@code secret} may be sent to {@code host}: an exact name or a {@code *.suffix} below it. */
    static boolean names(EgressSecret secret, String host) {
        String name = normalise(host);
        for (String pattern : secret.hosts()) {
            String p = normalise(pattern);
            if (p.startsWith("*.") ? name.endsWith(p.substring(1)) : name.equals(p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any of {@code secrets} may be sent to {@code host}: such a host's TLS is terminated by the proxy. */
    static boolean anyNames(List<EgressSecret> secrets, String host) {
        return secrets.stream().anyMatch(s -> names(s, host));
    }

    /**
     * Rewrites one request head.
     *
     * @param host the destination host, as the proxy vetted it
     * @param target the origin-form request target, path and query
     */
    static Result apply(
            List<EgressSecret> secrets, String host, String method, String target, List<HttpHead.Field> fields) {
        List<Outcome> outcomes = new ArrayList<>();
        List<HttpHead.Field> out = new ArrayList<>(fields);
        String newTarget = target;
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        for (EgressSecret secret : secrets) {
            String placeholder = secret.placeholder();
            if (placeholder == null || placeholder.isEmpty()) {
                continue;
            }
            List<Integer> headerHits = new ArrayList<>();
            List<String> elsewhere = new ArrayList<>();
            for (int i = 0; i < out.size(); i++) {
                HttpHead.Field field = out.get(i);
                if (field.value().contains(placeholder)) {
                    if (secret.headers().stream().anyMatch(field::is)) {
                        headerHits.add(i);
                    } else {
                        elsewhere.add("header " + field.name());
                    }
                }
            }
            List<String> params =
                    q < 0 ? List.of() : List.of(target.substring(q + 1).split("&", -1));
            boolean queryHit = false;
            for (String param : params) {
                if (param.contains(placeholder)) {
                    int eq = param.indexOf('=');
                    String name = eq < 0 ? param : param.substring(0, eq);
                    if (eq >= 0 && secret.queryParams().contains(name)) {
                        queryHit = true;
                    } else {
                        elsewhere.add("query parameter " + name);
                    }
                }
            }
            if (headerHits.isEmpty() && !queryHit) {
                if (!elsewhere.isEmpty()) {
                    outcomes.add(new Outcome(
                            secret.name(),
                            false,
                            "sent in " + String.join(", ", elsewhere) + ", where it is not substituted"));
                }
                continue;
            }
            String refusal = scopeRefusal(secret, host, method, path);
            if (refusal == null && !headerHits.isEmpty() && !fitsInHeader(secret.value())) {
                refusal = "its value cannot be sent in a header (it contains a control character)";
            }
            if (refusal != null) {
                outcomes.add(new Outcome(secret.name(), false, refusal));
                continue;
            }
            for (int i : headerHits) {
                HttpHead.Field field = out.get(i);
                out.set(i, new HttpHead.Field(field.name(), field.value().replace(placeholder, secret.value())));
            }
            if (queryHit) {
                newTarget = substituteQuery(newTarget, secret);
            }
            outcomes.add(new Outcome(secret.name(), true, null));
        }
        return new Result(newTarget, List.copyOf(out), List.copyOf(outcomes));
    }

    /**
     * Why {@code secret} may not be sent with this request, or {@code null} if it may. A path
     * prefix matches whole segments ({@code /api/v1/query} matches {@code /api/v1/query/x} but not
     * {@code /api/v1/query-admin}); a path with dot segments or encoded separators is outside
     * every prefix, since the origin may resolve it elsewhere.
     */
    static String scopeRefusal(EgressSecret secret, String host, String method, String path) {
        if (!names(secret, host)) {
            return host + " is not an allowed host for this secret (allowed: " + secret.hosts() + ")";
        }
        if (!secret.methods().isEmpty() && !secret.methods().contains(method.toUpperCase(Locale.ROOT))) {
            return "method " + method + " not allowed for this secret (allowed: " + secret.methods() + ")";
        }
        if (!secret.pathPrefixes().isEmpty()) {
            if (hasAmbiguousSegments(path)) {
                return "path outside the allowed prefixes " + secret.pathPrefixes()
                        + " (it has dot segments or encoded separators)";
            }
            if (secret.pathPrefixes().stream().noneMatch(prefix -> underPrefix(path, prefix))) {
                return "path " + HeadReader.shorten(path) + " outside the allowed prefixes " + secret.pathPrefixes();
            }
        }
        return null;
    }

    private static boolean underPrefix(String path, String prefix) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        return prefix.endsWith("/") || path.length() == prefix.length() || path.charAt(prefix.length()) == '/';
    }

    private static boolean hasAmbiguousSegments(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.contains("%2e")
                || lower.contains("%2f")
                || lower.contains("%5c")
                || lower.contains("\\")
                || lower.contains("/./")
                || lower.contains("/../")
                || lower.endsWith("/.")
                || lower.endsWith("/..");
    }

    private static String substituteQuery(String target, EgressSecret secret) {
        int q = target.indexOf('?');
        String encoded = URLEncoder.encode(secret.value(), StandardCharsets.UTF_8);
        List<String> params = new ArrayList<>();
        for (String param : target.substring(q + 1).split("&", -1)) {
            int eq = param.indexOf('=');
            if (eq >= 0 && secret.queryParams().contains(param.substring(0, eq))) {
                param = param.substring(0, eq + 1) + param.substring(eq + 1).replace(secret.placeholder(), encoded);
            }
            params.add(param);
        }
        return target.substring(0, q + 1) + String.join("&", params);
    }

    private static boolean fitsInHeader(String value) {
        return value.chars().noneMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f);
    }

    private static String normalise(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}

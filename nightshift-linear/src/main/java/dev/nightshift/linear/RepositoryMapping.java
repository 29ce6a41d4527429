package dev.nightshift.linear;

import dev.nightshift.core.policy.RepositoryPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which repository an issue's session works on, from a setting like
 * {@code ENG=https://github.com/acme/app.git;WEB=https://github.com/acme/web.git;label:backend=https://github.com/acme/api.git}.
 * A Linear team rarely maps to one repository exactly, so a label can say otherwise: a rule for one
 * of the issue's labels wins over the rule for its team; among label rules, the first one written
 * wins. Team keys and label names are compared regardless of case (Linear shows team keys upper
 * case, people type them either way).
 *
 * <p>Immutable once parsed, so any thread may share one.
 */
public final class RepositoryMapping {

    /** What introduces a label rule; anything else before {@code =} is a team key. */
    public static final String LABEL_PREFIX = "label:";

    private static final Set<String> REMOTE_SCHEMES = Set.of("https", "http", "ssh", "git");
    private static final int MAX_TEAM_KEY_CHARS = 20;
    private static final int MAX_LABEL_CHARS = 200;

    /** Team key (lower case) to repository. */
    private final Map<String, String> teams;
    /** Label name (lower case) to repository, in the order written. */
    private final Map<String, String> labels;

    private RepositoryMapping(Map<String, String> teams, Map<String, String> labels) {
        this.teams = Map.copyOf(teams);
        this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A mapping with no rules: every issue resolves to nothing. */
    public static RepositoryMapping empty() {
        return new RepositoryMapping(Map.of(), Map.of());
    }

    /**
     * Reads the setting: rules separated by {@code ;}, each {@code TEAMKEY=url} or
     * {@code label:name=url}. Spaces around parts are ignored, and so are empty rules (a trailing
     * {@code ;}); null or blank is the empty mapping. A repository is a remote git URL
     * ({@code https://host/owner/repo.git}, {@code http://}, {@code ssh://}, {@code git://}, or
     * scp-like {@code git@host:owner/repo.git}); local paths are refused.
     *
     * @throws IllegalArgumentException naming the first bad rule and what is wrong with it: no
     *     {@code =}, an empty or malformed team key (letters, digits, {@code _}, at most
     *     {@value #MAX_TEAM_KEY_CHARS} characters), an empty label, a team or label given twice, or
     *     a repository that is not a remote git URL or an http(s) URL with credentials in it
     */
    public static RepositoryMapping parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return empty();
        }
        Map<String, String> teams = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        int position = 0;
        for (String raw : setting.split(";", -1)) {
            String rule = raw.strip();
            if (rule.isEmpty()) {
                continue;
            }
            position++;
            int eq = rule.indexOf('=');
            if (eq < 0) {
                throw invalid(position, rule, "it has no '='; write TEAMKEY=url or label:name=url");
            }
            String key = rule.substring(0, eq).strip();
            String repository =
                    repository(position, rule, rule.substring(eq + 1).strip());
            if (key.regionMatches(true, 0, LABEL_PREFIX, 0, LABEL_PREFIX.length())) {
                String label = key.substring(LABEL_PREFIX.length()).strip();
                if (label.isEmpty()) {
                    throw invalid(position, rule, "the label name is empty; write label:name=url");
                }
                if (label.length() > MAX_LABEL_CHARS) {
                    throw invalid(position, rule, "the label name is longer than " + MAX_LABEL_CHARS + " characters");
                }
                if (labels.putIfAbsent(label.toLowerCase(Locale.ROOT), repository) != null) {
                    throw invalid(position, rule, "the label \"" + label + "\" is mapped twice; keep one rule");
                }
            } else {
                if (key.isEmpty()) {
                    throw invalid(position, rule, "the team key is empty; write TEAMKEY=url, e.g. ENG=https://…");
                }
                if (key.length() > MAX_TEAM_KEY_CHARS || !key.chars().allMatch(RepositoryMapping::teamKeyChar)) {
                    throw invalid(
                            position,
                            rule,
                            "\"" + key + "\" is not a team key (letters, digits and _, at most " + MAX_TEAM_KEY_CHARS
                                    + " characters); labels are written label:name");
                }
                if (teams.putIfAbsent(key.toLowerCase(Locale.ROOT), repository) != null) {
                    throw invalid(position, rule, "the team " + key + " is mapped twice; keep one rule");
                }
            }
        }
        return new RepositoryMapping(teams, labels);
    }

    /**
     * The repository for an issue of team {@code teamKey} with {@code labels}: the first label rule
     * (in the order written) naming one of the labels, else the team's rule, else empty.
     *
     * @param teamKey the issue's team key, e.g. {@code ENG}; null or empty matches no team rule
     * @param labels the issue's label names; null is none
     */
    public Optional<String> resolve(String teamKey, Collection<String> labels) {
        if (labels != null && !this.labels.isEmpty()) {
            List<String> lower = new ArrayList<>();
            for (String label : labels) {
                if (label != null) {
                    lower.add(label.strip().toLowerCase(Locale.ROOT));
                }
            }
            for (Map.Entry<String, String> rule : this.labels.entrySet()) {
                if (lower.contains(rule.getKey())) {
                    return Optional.of(rule.getValue());
                }
            }
        }
        if (teamKey == null || teamKey.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(teams.get(teamKey.strip().toLowerCase(Locale.ROOT)));
    }

    /** Whether there are no rules at all. */
    public boolean isEmpty() {
        return teams.isEmpty() && labels.isEmpty();
    }

    private static String repository(int position, String rule, String url) {
        if (url.isEmpty()) {
            throw invalid(position, rule, "the repository after '=' is empty");
        }
        int scheme = url.indexOf("://");
        String schemeName = scheme < 0 ? "" : url.substring(0, scheme).toLowerCase(Locale.ROOT);
        if (schemeName.startsWith("http")) {
            String rest = url.substring(scheme + 3);
            int end = indexOfAny(rest, "/?#");
            if ((end < 0 ? rest : rest.substring(0, end)).contains("@")) {
                // checked first, and the rule not repeated: the message would show the credentials
                throw invalid(
                        position,
                        rule.substring(0, rule.indexOf('=') + 1) + "…",
                        "the repository URL carries credentials; remove them, Nightshift brings its own"
                                + " for pushing");
            }
        }
        if (url.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw invalid(position, rule, "the repository contains spaces");
        }
        RepositoryPolicy.Location location;
        try {
            location = RepositoryPolicy.Location.of(url);
        } catch (IllegalArgumentException unreadable) {
            location = null;
        }
        boolean knownForm = scheme < 0
                ? url.indexOf('@') > 0 && url.indexOf(':') > url.indexOf('@')
                : REMOTE_SCHEMES.contains(schemeName);
        if (!knownForm
                || !(location instanceof RepositoryPolicy.Remote remote)
                || remote.path().isEmpty()) {
            throw invalid(
                    position,
                    rule,
                    "\"" + url + "\" is not a remote git repository; write https://host/owner/repo.git"
                            + " or git@host:owner/repo.git");
        }
        return url;
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean teamKeyChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static IllegalArgumentException invalid(int position, String rule, String what) {
        return new IllegalArgumentException("repository mapping, rule " + position + " (\"" + rule + "\"): " + what);
    }

    @Override
    public String toString() {
        return "RepositoryMapping[teams=" + teams.keySet() + ", labels=" + labels.keySet() + "]";
    }
}

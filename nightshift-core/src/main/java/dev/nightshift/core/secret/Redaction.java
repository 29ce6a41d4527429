package dev.nightshift.core.secret;

import dev.nightshift.core.event.JsonStrings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The last line of defence: every event written to a session's log has the session's known secret
 * values replaced, so a value a tool printed (an {@code env} secret echoed by a script, a key a
 * prompt-injected agent found) never reaches the log, a live client or a share link. Finds a value
 * as it is and as it looks inside a JSON string (escaped quotes, backslashes, newlines). Pure; one
 * is made per session when its sandbox starts and applied to every event it writes, so the ordering
 * and escaping are done once, not per event.
 */
public final class Redaction {
    /** Values shorter than this are not redacted: replacing "a" or "1" everywhere would wreck the log and hide nothing. */
    public static final int MIN_VALUE_CHARS = 4;

    /** A value as it may appear, and what stands in its place (already escaped for a JSON string). */
    private record Rule(String value, String escapedValue, String replacement) {}

    private final List<Rule> rules;

    private Redaction(List<Rule> rules) {
        this.rules = rules;
    }

    /**
     * @param replacements each real value → what stands in its place (a placeholder, or a marker
     *     naming the secret); longer values are replaced first, so one value inside another is handled
     */
    public static Redaction of(Map<String, String> replacements) {
        List<Map.Entry<String, String>> ordered = new ArrayList<>(replacements.entrySet());
        ordered.removeIf(e -> e.getKey() == null || e.getKey().length() < MIN_VALUE_CHARS);
        ordered.sort(Comparator.comparingInt(
                        (Map.Entry<String, String> e) -> e.getKey().length())
                .reversed());
        return new Redaction(ordered.stream()
                .map(e -> new Rule(e.getKey(), JsonStrings.escape(e.getKey()), JsonStrings.escape(e.getValue())))
                .toList());
    }

    /** {@code text} with every value replaced; the same instance when nothing was found. */
    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Rule r : rules) {
            if (out.contains(r.value())) {
                out = out.replace(r.value(), r.replacement());
            }
            if (!r.escapedValue().equals(r.value()) && out.contains(r.escapedValue())) {
                out = out.replace(r.escapedValue(), r.replacement());
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** As {@link #of}{@code (replacements).}{@link #apply}{@code (text)}, for a single use. */
    public static String redact(String text, Map<String, String> replacements) {
        return replacements.isEmpty() ? text : of(replacements).apply(text);
    }

    /** The marker that stands for a secret that has no placeholder ({@code setup} and {@code env} delivery). */
    public static String marker(String name) {
        return "[secret " + name + "]";
    }
}

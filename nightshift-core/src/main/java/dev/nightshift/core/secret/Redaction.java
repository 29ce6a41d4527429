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
 * as it is and as it looks inside a JSON string (escaped quotes, backslashes, newlines). Pure.
 */
public final class Redaction {
    /** Values shorter than this are not redacted: replacing "a" or "1" everywhere would wreck the log and hide nothing. */
    public static final int MIN_VALUE_CHARS = 4;

    private Redaction() {}

    /**
     * @param replacements each real value → what stands in its place (a placeholder, or a marker
     *     naming the secret); longer values are replaced first, so one value inside another is handled
     */
    public static String redact(String text, Map<String, String> replacements) {
        if (text == null || replacements.isEmpty()) {
            return text;
        }
        List<Map.Entry<String, String>> ordered = new ArrayList<>(replacements.entrySet());
        ordered.sort(Comparator.comparingInt(
                        (Map.Entry<String, String> e) -> e.getKey().length())
                .reversed());
        String out = text;
        for (Map.Entry<String, String> e : ordered) {
            String value = e.getKey();
            if (value == null || value.length() < MIN_VALUE_CHARS) {
                continue;
            }
            String escaped = JsonStrings.escape(value);
            if (out.contains(value)) {
                out = out.replace(value, JsonStrings.escape(e.getValue()));
            }
            if (!escaped.equals(value) && out.contains(escaped)) {
                out = out.replace(escaped, JsonStrings.escape(e.getValue()));
            }
        }
        return out;
    }

    /** The marker that stands for a secret that has no placeholder ({@code setup} and {@code env} delivery). */
    public static String marker(String name) {
        return "[secret " + name + "]";
    }
}

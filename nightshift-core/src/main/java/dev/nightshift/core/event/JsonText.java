package dev.nightshift.core.event;

/**
 * A JSON document kept as text and written into a payload as is (an artifact's own data, which
 * the store already holds as JSON). The writer trusts it: only text that is JSON belongs here.
 */
public record JsonText(String json) {
    /** Null or blank text is an absent value. */
    public static JsonText of(String json) {
        return json == null || json.isBlank() ? null : new JsonText(json);
    }
}

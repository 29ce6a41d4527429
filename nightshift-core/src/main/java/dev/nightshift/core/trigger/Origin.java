package dev.nightshift.core.trigger;

import java.util.Objects;

/**
 * The thing a trigger came from and answers to: {@code automation:<id>},
 * {@code slack:<team>/<channel>/<thread_ts>}, {@code github:<owner>/<repo>#<number>}. Two triggers
 * with the same origin belong to the same conversation: the second one follows up on the session
 * the first one started.
 */
public record Origin(String kind, String id) {
    public Origin {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (kind.isBlank() || kind.contains(":")) {
            throw new IllegalArgumentException("an origin kind is a plain word, got '" + kind + "'");
        }
    }

    /** Parses {@code kind:id} (the id may itself contain colons). */
    public static Origin parse(String value) {
        int colon = value == null ? -1 : value.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("an origin is 'kind:id', got '" + value + "'");
        }
        return new Origin(value.substring(0, colon), value.substring(colon + 1));
    }

    @Override
    public String toString() {
        return kind + ":" + id;
    }
}

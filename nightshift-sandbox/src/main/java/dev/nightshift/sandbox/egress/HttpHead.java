package dev.nightshift.sandbox.egress;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The start line and header fields of an HTTP/1.1 message, as read by {@link HeadReader}.
 *
 * @param startLine the request or status line
 * @param fields header fields in order, duplicates kept
 */
record HttpHead(String startLine, List<Field> fields) {
    record Field(String name, String value) {
        boolean is(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    List<String> values(String name) {
        return fields.stream().filter(f -> f.is(name)).map(Field::value).toList();
    }

    Optional<String> value(String name) {
        return fields.stream().filter(f -> f.is(name)).map(Field::value).findFirst();
    }

    /** Comma-separated tokens of every field called {@code name}, lower case. */
    List<String> tokens(String name) {
        return values(name).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .map(t -> t.strip().toLowerCase(Locale.ROOT))
                .filter(t -> !t.isEmpty())
                .toList();
    }
}

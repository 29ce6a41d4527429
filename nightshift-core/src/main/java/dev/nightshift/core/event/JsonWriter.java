package dev.nightshift.core.event;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Writes the flat records of the event catalogue as JSON, so {@code core} needs no JSON library:
 * records become objects (component names as keys, null components left out), collections
 * arrays, maps objects; strings, numbers, booleans and {@link Instant}s (ISO-8601) are written as
 * JSON writes them, and {@link JsonText} is embedded as is. Anything else is a programming error.
 * Stateless; any thread.
 */
final class JsonWriter {
    private JsonWriter() {}

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        value(out, value);
        return out.toString();
    }

    private static void value(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(out, s);
            case Boolean b -> out.append(b);
            case Integer n -> out.append(n);
            case Long n -> out.append(n);
            case Double d -> decimal(out, d);
            case Float f -> decimal(out, f.doubleValue());
            case Instant t -> string(out, t.toString());
            case JsonText raw -> out.append(raw.json());
            case Record r -> record(out, r);
            case Map<?, ?> m -> map(out, m);
            case Collection<?> c -> array(out, c);
            default ->
                throw new IllegalArgumentException(
                        "no JSON form for " + value.getClass().getName());
        }
    }

    private static void decimal(StringBuilder out, double d) {
        if (Double.isFinite(d)) {
            out.append(d);
        } else {
            out.append("null"); // JSON has no NaN or infinity
        }
    }

    private static void record(StringBuilder out, Record r) {
        out.append('{');
        boolean first = true;
        for (RecordComponent component : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = component.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(
                        "cannot read " + component.getName() + " of "
                                + r.getClass().getName(),
                        e);
            }
            if (v != null) {
                first = field(out, first, component.getName(), v);
            }
        }
        out.append('}');
    }

    private static void map(StringBuilder out, Map<?, ?> m) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getValue() != null) {
                first = field(out, first, String.valueOf(e.getKey()), e.getValue());
            }
        }
        out.append('}');
    }

    private static boolean field(StringBuilder out, boolean first, String name, Object v) {
        if (!first) {
            out.append(',');
        }
        string(out, name);
        out.append(':');
        value(out, v);
        return false;
    }

    private static void array(StringBuilder out, Collection<?> c) {
        out.append('[');
        boolean first = true;
        for (Object item : c) {
            if (!first) {
                out.append(',');
            }
            value(out, item);
            first = false;
        }
        out.append(']');
    }

    private static void string(StringBuilder out, String s) {
        out.append('"').append(JsonStrings.escape(s)).append('"');
    }
}

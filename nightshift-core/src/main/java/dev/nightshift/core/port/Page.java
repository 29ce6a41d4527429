package dev.nightshift.core.port;

import java.util.List;

/** One page of a longer list; {@code hasMore} comes from a look-ahead row, never from a count. */
public record Page<T>(List<T> items, boolean hasMore) {
    public Page {
        items = List.copyOf(items);
    }

    /** Builds a page from a query that fetched {@code limit + 1} rows. */
    public static <T> Page<T> fromLookAhead(List<T> rows, int limit) {
        boolean more = rows.size() > limit;
        return new Page<>(more ? rows.subList(0, limit) : rows, more);
    }
}

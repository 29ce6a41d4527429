package dev.nightshift.core.policy;

/** Validates a client's page size for event history. */
public final class HistoryPaging {
    private HistoryPaging() {}

    /**
     * @return the page size to use
     * @throws IllegalArgumentException naming the accepted range when {@code requested} is outside it
     */
    public static int limit(Integer requested, Limits limits) {
        if (requested == null) {
            return limits.historyPageDefault();
        }
        if (requested < 1 || requested > limits.historyPageMax()) {
            throw new IllegalArgumentException(
                    "limit must be between 1 and " + limits.historyPageMax() + ", got " + requested);
        }
        return requested;
    }
}

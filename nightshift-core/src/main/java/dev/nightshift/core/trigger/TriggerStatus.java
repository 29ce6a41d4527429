package dev.nightshift.core.trigger;

import dev.nightshift.core.model.Wire;

/**
 * Where a trigger is in the pipeline: {@code received → admitted → started | refused | failed}. A
 * trigger is written as {@code received} before its origin is acknowledged, so one that is not
 * yet {@link #terminal()} after a crash is picked up again.
 */
public enum TriggerStatus {
    RECEIVED,
    ADMITTED,
    /** A session was created, or a follow-up prompt queued on the one bound to the same origin. */
    STARTED,
    /** Admission, repository policy or a rate limit said no; the reason says which. */
    REFUSED,
    FAILED;

    public boolean terminal() {
        return this == STARTED || this == REFUSED || this == FAILED;
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static TriggerStatus fromWire(String value) {
        return Wire.parse(TriggerStatus.class, value);
    }
}

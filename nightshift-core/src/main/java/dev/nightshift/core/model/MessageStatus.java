package dev.nightshift.core.model;

/** A prompt's place in its session's queue: {@code pending → processing → completed | failed | cancelled}. */
public enum MessageStatus {
    PENDING,
    PROCESSING,
    COMPLETED,
    FAILED,
    CANCELLED;

    /** Pending and processing prompts count against the per-session limit. */
    public boolean unfinished() {
        return this == PENDING || this == PROCESSING;
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static MessageStatus fromWire(String value) {
        return Wire.parse(MessageStatus.class, value);
    }
}

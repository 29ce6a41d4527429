package dev.nightshift.core.model;

/** Where a session is in its life. */
public enum SessionStatus {
    CREATED,
    ACTIVE,
    COMPLETED,
    FAILED,
    ARCHIVED,
    /** The turn in progress waits for a member's answer to a question, or for a plan's approval. */
    WAITING;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SessionStatus fromWire(String value) {
        return Wire.parse(SessionStatus.class, value);
    }
}

package dev.nightshift.core.model;

/** Where a session is in its life. */
public enum SessionStatus {
    CREATED,
    ACTIVE,
    COMPLETED,
    FAILED,
    ARCHIVED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SessionStatus fromWire(String value) {
        return Wire.parse(SessionStatus.class, value);
    }
}

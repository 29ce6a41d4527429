package dev.nightshift.core.model;

/** A participant's role in a session: what they may do there. */
public enum Role {
    /** Created the session (or was made owner): may do everything, including managing participants. */
    OWNER,
    /** May prompt, cancel prompts and stop turns. */
    MEMBER,
    /** May watch: read the session, its events and artifacts. */
    VIEWER;

    public boolean atLeast(Role other) {
        return ordinal() <= other.ordinal();
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role fromWire(String value) {
        return Wire.parse(Role.class, value);
    }
}

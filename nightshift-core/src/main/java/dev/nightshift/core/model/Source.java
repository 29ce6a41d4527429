package dev.nightshift.core.model;

/** The surface a session or a prompt came from. */
public enum Source {
    WEB,
    CLI,
    API,
    SLACK,
    GITHUB,
    LINEAR,
    SCHEDULE,
    WEBHOOK,
    AGENT;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Source fromWire(String value) {
        return Wire.parse(Source.class, value);
    }
}

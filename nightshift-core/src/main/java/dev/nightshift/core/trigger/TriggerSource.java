package dev.nightshift.core.trigger;

import dev.nightshift.core.model.Wire;

/** What started a session other than a person typing: each source has its own dedupe keys. */
public enum TriggerSource {
    SCHEDULE,
    WEBHOOK,
    SIGNED,
    SLACK,
    GITHUB,
    LINEAR;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static TriggerSource fromWire(String value) {
        return Wire.parse(TriggerSource.class, value);
    }
}

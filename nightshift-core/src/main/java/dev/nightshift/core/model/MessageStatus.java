package dev.nightshift.core.model;

/**
 * A prompt's place in its session's queue: {@code pending → processing → completed | failed | cancelled}, and
 * {@code processing ⇄ waiting} while its turn waits for a member's answer (no node and no thread hold a
 * waiting prompt; the answer, or the question's timeout, makes it processing again).
 */
public enum MessageStatus {
    PENDING,
    PROCESSING,
    COMPLETED,
    FAILED,
    CANCELLED,
    /** The turn asked a question (or proposed a plan) and is paused until it is answered. */
    WAITING;

    /** Pending, processing and waiting prompts count against the per-session limit. */
    public boolean unfinished() {
        return this == PENDING || this == PROCESSING || this == WAITING;
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static MessageStatus fromWire(String value) {
        return Wire.parse(MessageStatus.class, value);
    }
}

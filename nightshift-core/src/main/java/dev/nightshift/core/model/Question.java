package dev.nightshift.core.model;

import java.time.Instant;

/**
 * Something a turn waits for a person about: a question of the agent's ({@code ask_user}) or its plan
 * in a plan-first session ({@code propose_plan}). While it is {@code open} its prompt is {@code waiting}
 * and no node holds it; answering it (or its timeout) makes the prompt processing again, once.
 *
 * @param callId the tool call that asked; the answer becomes that call's result
 * @param data the {@code question} or {@code plan} event's data, as logged
 * @param answeredBy who answered; null while open, when it timed out or was cancelled
 */
public record Question(
        String id,
        String sessionId,
        String messageId,
        String callId,
        Kind kind,
        String data,
        Status status,
        Instant askedAt,
        Instant expiresAt,
        String answeredBy,
        Instant answeredAt) {

    /** What the turn waits for. */
    public enum Kind {
        /** An answer to the agent's questions. */
        QUESTION,
        /** A review of the agent's plan. */
        PLAN;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind fromWire(String value) {
            return Wire.parse(Kind.class, value);
        }
    }

    /** {@code open → answered | timed_out | cancelled} (cancelled: the turn was stopped while it waited). */
    public enum Status {
        OPEN,
        ANSWERED,
        TIMED_OUT,
        CANCELLED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status fromWire(String value) {
            return Wire.parse(Status.class, value);
        }
    }

    public boolean open() {
        return status == Status.OPEN;
    }
}

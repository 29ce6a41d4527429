package dev.nightshift.core.automation;

import dev.nightshift.core.model.Wire;
import java.time.Instant;

/**
 * One firing of an automation, kept as its history: fired, skipped (an earlier run was still active),
 * unmatched (a delivery whose conditions did not match), running, succeeded or failed.
 *
 * @param reason why it was skipped, unmatched or failed (empty otherwise)
 * @param sessionId the session it started; for a skipped run, the running session it yielded to
 * @param dedupeKey unique per automation: a schedule's due time, a webhook's idempotency key, a signed
 *     delivery's id; a repeat returns the first run instead of starting a second session
 * @param triggerId the durable trigger record it came from (empty before one exists)
 */
public record AutomationRun(
        String id,
        String automationId,
        Status status,
        String reason,
        String sessionId,
        String dedupeKey,
        String triggerId,
        Instant createdAt,
        Instant startedAt,
        Instant endedAt) {

    public AutomationRun {
        reason = reason == null ? "" : reason;
        sessionId = sessionId == null ? "" : sessionId;
        dedupeKey = dedupeKey == null ? "" : dedupeKey;
        triggerId = triggerId == null ? "" : triggerId;
    }

    /** Where a run is. {@link #FIRED} and {@link #RUNNING} are active; the others are final. */
    public enum Status {
        /** Accepted and recorded; its session is being created. */
        FIRED,
        /** Its session is working. */
        RUNNING,
        SUCCEEDED,
        FAILED,
        /** Not started because another run of the automation was active. */
        SKIPPED,
        /** A delivery whose conditions did not match: recorded, nothing started. */
        UNMATCHED;

        public boolean active() {
            return this == FIRED || this == RUNNING;
        }

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status fromWire(String value) {
            return Wire.parse(Status.class, value);
        }
    }

    public boolean active() {
        return status.active();
    }
}

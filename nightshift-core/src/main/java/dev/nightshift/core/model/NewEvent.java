package dev.nightshift.core.model;

import dev.nightshift.core.event.EventPayload;

/**
 * An event before the store has given it a sequence number. {@code data} is a JSON document. The
 * platform's own events are made with {@link #of}, from the catalogue's payload records.
 */
public record NewEvent(String type, String messageId, String data) {
    public static NewEvent of(String messageId, EventPayload payload) {
        return new NewEvent(payload.eventType().wire(), messageId, payload.toJson());
    }

    public NewEvent {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("event type is required");
        }
        if (data == null || data.isBlank()) {
            data = "{}";
        }
    }
}

package dev.nightshift.core.model;

/** An event before the store has given it a sequence number. {@code data} is a JSON document. */
public record NewEvent(String type, String messageId, String data) {
    public NewEvent {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("event type is required");
        }
        if (data == null || data.isBlank()) {
            data = "{}";
        }
    }
}

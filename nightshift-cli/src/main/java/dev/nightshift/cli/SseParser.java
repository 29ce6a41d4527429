package dev.nightshift.cli;

import java.util.Optional;

/**
 * Turns the lines of a {@code text/event-stream} into messages, one line at a time. Comments
 * ({@code : keepalive}) are skipped; a message ends at a blank line.
 */
public final class SseParser {
    /** One message; {@code id} is null for the server's frames that are not log events (presence, …). */
    public record Message(String id, String event, String data) {}

    private String id;
    private String event;
    private StringBuilder data;

    /** @return the message this line completes, if it is the blank line ending one */
    public Optional<Message> line(String line) {
        if (line.isEmpty()) {
            Optional<Message> done = data == null
                    ? Optional.empty()
                    : Optional.of(new Message(id, event == null ? "message" : event, data.toString()));
            id = null;
            event = null;
            data = null;
            return done;
        }
        if (line.startsWith(":")) {
            return Optional.empty();
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> id = value;
            case "event" -> event = value;
            case "data" ->
                data = data == null
                        ? new StringBuilder(value)
                        : data.append('\n').append(value);
            default -> {} // retry and unknown fields mean nothing to us
        }
        return Optional.empty();
    }
}

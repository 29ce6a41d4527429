package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.event.EventType;

/**
 * Prints a session's events until one turn ends. The end is the {@code turn_complete} event of
 * that prompt, which the server writes for every outcome, stop included.
 */
final class TurnWatch implements EventFollower.Listener {
    private final EventPrinter printer;
    private final String messageId;
    private TurnEnd end;

    TurnWatch(EventPrinter printer, String messageId) {
        this.printer = printer;
        this.messageId = messageId;
    }

    @Override
    public boolean onEvent(JsonNode event) {
        printer.print(event);
        if (EventType.TURN_COMPLETE.wire().equals(event.path("type").asText())
                && messageId.equals(event.path("messageId").asText())) {
            end = TurnEnd.from(event);
            return false;
        }
        return true;
    }

    /** Null until the turn's end was seen. */
    TurnEnd end() {
        return end;
    }
}

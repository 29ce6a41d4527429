package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Shows a session's events as they come: for people ({@link HumanEventPrinter}) or scripts ({@link JsonLinesPrinter}). */
public interface EventPrinter extends AutoCloseable {
    void print(JsonNode event);

    /** Ends any progress line and stops the spinner; the printer may not be used afterwards. */
    @Override
    void close();

    static EventPrinter forOutput(Terminal terminal, boolean json) {
        return json ? new JsonLinesPrinter(terminal) : new HumanEventPrinter(terminal);
    }
}

package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code --json}: each event exactly as the API shapes it, one JSON object per line. */
final class JsonLinesPrinter implements EventPrinter {
    private final Terminal terminal;

    JsonLinesPrinter(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public void print(JsonNode event) {
        terminal.out().println(event.toString());
        terminal.out().flush();
    }

    @Override
    public void close() {
        terminal.out().flush();
    }
}

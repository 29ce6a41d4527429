package dev.nightshift.cli;

/**
 * The common end of {@code run}, {@code attach} and {@code prompt --follow}: follow a session
 * until a turn ends, detach on Ctrl-C, then say how it went and return the exit code.
 */
final class SessionFollow {
    private SessionFollow() {}

    /**
     * @param afterSeq replay the events after this sequence number first (null: the server's recent events)
     * @param printer  already showing the session; closed here
     */
    static int untilTurnEnds(
            Terminal terminal,
            NightshiftApi api,
            String sessionId,
            String messageId,
            Long afterSeq,
            EventPrinter printer,
            boolean json) {
        TurnWatch watch = new TurnWatch(printer, messageId);
        try (printer;
                DetachOnInterrupt detach = new DetachOnInterrupt(terminal, sessionId, printer::close)) {
            new EventFollower(api, terminal).follow(sessionId, afterSeq, watch);
        }
        return finish(terminal, api, sessionId, watch.end(), json);
    }

    /** Prints the summary of an ended turn and explains a failure on stderr. */
    static int finish(Terminal terminal, NightshiftApi api, String sessionId, TurnEnd end, boolean json) {
        TurnSummary.fetch(api, sessionId, end).print(terminal, json);
        if (!end.completed()) {
            terminal.err()
                    .println("nightshift: the turn "
                            + ("stopped".equals(end.status())
                                    ? "was stopped"
                                    : end.status() + (end.error() == null ? "" : ": " + end.error())));
            terminal.err().flush();
        }
        return end.exitCode();
    }
}

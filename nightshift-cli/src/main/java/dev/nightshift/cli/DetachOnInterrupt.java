package dev.nightshift.cli;

/**
 * While a command follows a session, Ctrl-C (or SIGTERM) only stops the following: the session
 * keeps running on the server, and the user is told how to get back to it. The JVM's shutdown
 * hook is the one portable place to see the signal.
 */
final class DetachOnInterrupt implements AutoCloseable {
    private final Thread hook;

    /** @param tidy ends the live display (spinner, open line) before the notice is printed */
    DetachOnInterrupt(Terminal terminal, String sessionId, Runnable tidy) {
        this.hook = new Thread(
                () -> {
                    tidy.run();
                    terminal.out().flush();
                    terminal.err()
                            .println("nightshift: detached; session " + sessionId + " keeps running on the server."
                                    + " Follow it again with: nightshift attach " + sessionId);
                    terminal.err().flush();
                    // the exit status a shell expects after Ctrl-C; nothing else needs to run on the way out
                    Runtime.getRuntime().halt(ExitCodes.DETACHED);
                },
                "nightshift-detach");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs
        }
    }
}

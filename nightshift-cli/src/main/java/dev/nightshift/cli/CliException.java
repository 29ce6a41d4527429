package dev.nightshift.cli;

/** A failure to report to the user as one line on stderr, ending the command with {@link #exitCode()}. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

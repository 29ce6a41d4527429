package dev.nightshift.core.sandbox;

/** Receives a running command's output as it arrives. Must return quickly. */
@FunctionalInterface
public interface OutputListener {
    OutputListener IGNORE = (stream, chunk) -> {};

    enum Stream {
        STDOUT,
        STDERR
    }

    void output(Stream stream, byte[] chunk);
}

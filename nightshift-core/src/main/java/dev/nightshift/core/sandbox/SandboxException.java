package dev.nightshift.core.sandbox;

/** A sandbox could not do what was asked; the message says why and, where it can, what to do. */
public class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}

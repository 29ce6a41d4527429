package dev.nightshift.core.port;

/** A store refused a write because it would break an invariant (e.g. a duplicate login). */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

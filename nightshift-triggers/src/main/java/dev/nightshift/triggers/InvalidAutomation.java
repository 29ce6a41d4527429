package dev.nightshift.triggers;

/**
 * An automation, or a delivery to one, that cannot be accepted as given. The message names the
 * problem in the API's own words and is safe to show to the person who sent it (the server answers
 * 400 with it); nothing has changed when it is thrown.
 */
public final class InvalidAutomation extends IllegalArgumentException {
    public InvalidAutomation(String message) {
        super(message);
    }

    public InvalidAutomation(String message, Throwable cause) {
        super(message, cause);
    }
}

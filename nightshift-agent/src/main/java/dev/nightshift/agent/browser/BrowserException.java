package dev.nightshift.agent.browser;

import com.microsoft.playwright.TimeoutError;

/** A browser action that failed, with a message for the agent (what happened, what to do). */
final class BrowserException extends Exception {
    BrowserException(String message) {
        super(message);
    }

    BrowserException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure's message as the agent reads it: Playwright's first lines, without its call log. */
    static String describe(Throwable e) {
        if (e instanceof BrowserException) {
            return e.getMessage();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int log = message.indexOf("Call log:");
        if (log > 0) {
            message = message.substring(0, log);
        }
        message = message.strip();
        if (message.length() > 1_000) {
            message = message.substring(0, 1_000) + "…";
        }
        return e instanceof TimeoutError ? "timed out: " + message : message;
    }
}

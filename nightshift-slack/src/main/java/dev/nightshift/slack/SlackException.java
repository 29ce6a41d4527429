package dev.nightshift.slack;

/**
 * A Slack Web API call failed: Slack answered {@code "ok": false}, answered with an HTTP error after
 * the retries {@link SlackClient} makes, or could not be reached.
 */
public final class SlackException extends RuntimeException {

    /** {@link #error()} when Slack could not be reached or its answer could not be read. */
    public static final String REQUEST_FAILED = "request_failed";
    /** {@link #error()} when the calling thread was interrupted while waiting to retry. */
    public static final String INTERRUPTED = "interrupted";

    private static final long serialVersionUID = 1L;

    private final String method;
    private final String error;
    private final int httpStatus;

    SlackException(String method, String error, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.method = method;
        this.error = error;
        this.httpStatus = httpStatus;
    }

    /** The Web API method called, such as {@code chat.postMessage}. */
    public String method() {
        return method;
    }

    /**
     * Slack's {@code error} code ({@code channel_not_found}, {@code invalid_auth}, {@code
     * ratelimited}, {@code not_in_channel} …), {@code http_<status>} for an HTTP error without one, or
     * {@link #REQUEST_FAILED} / {@link #INTERRUPTED}.
     */
    public String error() {
        return error;
    }

    /** The HTTP status Slack answered with (200 for {@code "ok": false}); 0 when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }
}

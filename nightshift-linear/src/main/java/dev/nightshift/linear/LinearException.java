package dev.nightshift.linear;

import java.util.Objects;

/**
 * Linear refused a request or could not be reached. The message says what was being done and what
 * Linear answered (its own message when it sent one), so it can be shown to the person who asked.
 */
public class LinearException extends RuntimeException {

    /** Linear's code for a token it does not accept (missing, revoked, expired). */
    public static final String AUTHENTICATION_ERROR = "AUTHENTICATION_ERROR";
    /** Linear's code for a request over its rate limits. */
    public static final String RATELIMITED = "RATELIMITED";
    /**
     * OAuth's code for a code or refresh token that is unknown, used up, expired or revoked (RFC
     * 6749 §5.2): the installation has to be made again.
     */
    public static final String INVALID_GRANT = "invalid_grant";

    private final int status;
    private final String code;

    public LinearException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    public LinearException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The HTTP status of Linear's answer, or 0 when none was received (connection failed, interrupted). */
    public int status() {
        return status;
    }

    /**
     * The error's code as Linear's GraphQL errors carry it in {@code extensions.code}
     * ({@value #AUTHENTICATION_ERROR}, {@value #RATELIMITED}, …), or an OAuth endpoint's {@code error}
     * ({@value #INVALID_GRANT}, {@code invalid_client}, …); empty when the answer had none.
     */
    public String code() {
        return code;
    }

    /** Whether Linear refused the token: refresh it or have the app installed again. */
    public boolean authentication() {
        return AUTHENTICATION_ERROR.equals(code) || status == 401;
    }
}

package dev.nightshift.agent.model;

import java.time.Duration;

/** A model call failed; {@link #kind()} decides whether the gateway retries or falls back. */
public final class ModelException extends RuntimeException {
    public enum Kind {
        /** 429: try again after {@link #retryAfter()} or fall back. */
        RATE_LIMITED,
        /** 5xx: fall back. */
        SERVER_ERROR,
        TIMEOUT,
        CONNECTION,
        /** The conversation does not fit the model's window: condense, do not fall back. */
        CONTEXT_OVERFLOW,
        /** 401/403: the key is wrong; say so. */
        AUTHENTICATION,
        /** 400 and friends: our request was wrong. */
        BAD_REQUEST,
        /** The provider's stream could not be understood. */
        MALFORMED,
        /** Stopped on purpose. */
        CANCELLED,
        /** No model is configured, or its provider is not. */
        NOT_CONFIGURED
    }

    private final Kind kind;
    private final Duration retryAfter;

    public ModelException(Kind kind, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public ModelException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The provider's Retry-After, when it sent one. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether another model (or a later try) might succeed where this one failed. */
    public boolean transientFailure() {
        return kind == Kind.RATE_LIMITED
                || kind == Kind.SERVER_ERROR
                || kind == Kind.TIMEOUT
                || kind == Kind.CONNECTION;
    }
}

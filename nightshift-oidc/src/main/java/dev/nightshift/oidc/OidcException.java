package dev.nightshift.oidc;

import java.util.Objects;

/**
 * A sign-in with an OpenID provider failed. {@link #getMessage()} is safe to show the person signing
 * in and to write to the audit log: it says what went wrong in Nightshift's words and never carries
 * a token, a code or the provider's own error text. What the library underneath reported (e.g.
 * "Expired JWT", "Unexpected JWT audience") is {@link #detail()}, for the operator's log and the
 * administrators' audit entry.
 */
public final class OidcException extends Exception {

    /** Why, coarsely: the server maps these to statuses (a provider fault is not the user's). */
    public enum Reason {
        /** The discovery document could not be read, does not name the configured issuer, or the provider offers nothing Nightshift accepts: an operator's problem. */
        DISCOVERY_FAILED,
        /** The token endpoint or the key set could not be reached in time, or answered with something unreadable. */
        PROVIDER_UNREACHABLE,
        /** The provider refused the code exchange (a used, expired or forged code, a wrong PKCE verifier, a wrong client secret). */
        PROVIDER_REFUSED,
        /** The ID token failed a check: signature, algorithm, issuer, audience, expiry or nonce. */
        INVALID_ID_TOKEN
    }

    private final Reason reason;

    public OidcException(Reason reason, String message) {
        this(reason, message, null);
    }

    public OidcException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /** The underlying library's message when there is one, else the message itself. Not for end users. */
    public String detail() {
        Throwable cause = getCause();
        return cause != null && cause.getMessage() != null ? cause.getMessage() : getMessage();
    }
}

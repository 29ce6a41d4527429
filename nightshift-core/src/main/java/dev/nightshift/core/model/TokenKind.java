package dev.nightshift.core.model;

/** What a bearer token grants. */
public enum TokenKind {
    /** A user's API token: acts as that user everywhere. */
    API,
    /** A short-lived token that lets one user join one session's live stream. */
    LIVE,
    /** A read-only share link: viewer access to one session, for whoever holds it. */
    SHARE;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package dev.nightshift.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GitHub webhook deliveries: checking they come from GitHub, reading {@code pull_request} events,
 * and deciding whether a delivery is newer than what is stored (GitHub does not deliver in order
 * and redelivers on failure).
 */
public final class Webhooks {

    /** The header carrying {@code sha256=<hex HMAC of the raw body>}. */
    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    /** The header naming the event; {@link #parsePullRequest} is for {@code pull_request}. */
    public static final String EVENT_HEADER = "X-GitHub-Event";

    private static final String PREFIX = "sha256=";
    private static final int HMAC_SHA256_HEX_LENGTH = 64;

    private Webhooks() {}

    /**
     * Whether {@code signatureHeader} is GitHub's signature of {@code rawBody} (the bytes as
     * received, before any parsing) with the webhook {@code secret}. Missing or malformed headers
     * and an empty secret are refused; the comparison takes the same time wherever it differs.
     */
    public static boolean verify(byte[] secret, byte[] rawBody, String signatureHeader) {
        if (secret == null || secret.length == 0 || rawBody == null || signatureHeader == null) {
            return false;
        }
        String header = signatureHeader.trim();
        if (!header.startsWith(PREFIX) || header.length() != PREFIX.length() + HMAC_SHA256_HEX_LENGTH) {
            return false;
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(header, PREFIX.length(), header.length());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(hmacSha256(secret, rawBody), presented);
    }

    /**
     * The pull request event in a delivery's body, or empty when the body is not one (another
     * event's payload, or not JSON). Call it for deliveries whose {@link #EVENT_HEADER} is
     * {@code pull_request}: review events carry a {@code pull_request} object too.
     */
    public static Optional<PullRequestEvent> parsePullRequest(byte[] body) {
        JsonNode root;
        try {
            root = Http.JSON.readTree(body);
        } catch (IOException notJson) {
            return Optional.empty();
        }
        if (root == null) {
            return Optional.empty();
        }
        JsonNode pr = root.path("pull_request");
        String action = root.path("action").asText(null);
        String repository = root.path("repository").path("full_name").asText(null);
        String updatedAt = pr.path("updated_at").asText(null);
        if (!pr.isObject()
                || action == null
                || repository == null
                || updatedAt == null
                || !pr.path("number").canConvertToInt()) {
            return Optional.empty();
        }
        try {
            String html = pr.path("html_url").asText(null);
            return Optional.of(new PullRequestEvent(
                    action,
                    repository,
                    pr.path("number").asInt(),
                    pr.path("head").path("ref").asText(null),
                    pr.path("base").path("ref").asText(null),
                    PullRequestState.of(
                            pr.path("state").asText(), pr.path("merged").asBoolean(false)),
                    html == null ? null : URI.create(html),
                    Instant.parse(updatedAt)));
        } catch (DateTimeParseException | IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /**
     * Whether a delivery with {@code incomingUpdatedAt} should replace what was stored from one with
     * {@code storedUpdatedAt}: only when strictly newer. A late or repeated delivery (older or equal
     * {@code updated_at}) never overwrites, so a merged pull request does not go back to open.
     * Nothing stored yet ({@code null}) is superseded by anything.
     */
    public static boolean supersedes(Instant storedUpdatedAt, Instant incomingUpdatedAt) {
        if (incomingUpdatedAt == null) {
            return false;
        }
        return storedUpdatedAt == null || incomingUpdatedAt.isAfter(storedUpdatedAt);
    }

    /**
     * Like {@link #supersedes(Instant, Instant)}, also knowing the states: merged is final (GitHub
     * cannot reopen a merged pull request), and since {@code updated_at} has one-second resolution a
     * merge wins over another event stamped the same second.
     */
    public static boolean supersedes(
            Instant storedUpdatedAt,
            PullRequestState storedState,
            Instant incomingUpdatedAt,
            PullRequestState incomingState) {
        if (storedState == PullRequestState.MERGED) {
            return false;
        }
        if (storedUpdatedAt != null && incomingUpdatedAt != null && incomingUpdatedAt.equals(storedUpdatedAt)) {
            return incomingState == PullRequestState.MERGED;
        }
        return supersedes(storedUpdatedAt, incomingUpdatedAt);
    }

    private static byte[] hmacSha256(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

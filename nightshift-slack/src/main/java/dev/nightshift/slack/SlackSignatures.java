package dev.nightshift.slack;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Whether an HTTP request comes from Slack: Slack signs each request it sends (Events API,
 * interactivity, slash commands) with the app's signing secret. {@value #SIGNATURE_HEADER} carries
 * {@code v0=} and the hex HMAC-SHA256 of {@code v0:<timestamp>:<raw body>}, keyed with the signing
 * secret, where the timestamp is {@value #TIMESTAMP_HEADER} in Unix seconds; a request more than
 * {@link #MAX_CLOCK_SKEW} away from {@code now}, in either direction, is refused so a captured request
 * cannot be replayed later.
 *
 * <p>Bolt's {@code SlackSignature.Verifier} is not used: it compares the signatures as strings (time
 * depends on where they differ), turns the body into a string in the platform's charset, accepts any
 * timestamp in the future and logs the body. Here the bytes are hashed as received and compared in
 * constant time.
 *
 * <p>Pure and thread-safe: the server calls it on the request thread with its clock's time. Socket
 * Mode needs none of this: its connection is opened with the app-level token.
 */
public final class SlackSignatures {

    /** The header with {@code v0=<hex HMAC-SHA256>}. */
    public static final String SIGNATURE_HEADER = "X-Slack-Signature";
    /** The header with the request's sending time in Unix seconds. */
    public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
    /** How far a request's timestamp may be from the server's time, either way: Slack's five minutes. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final String VERSION = "v0";
    private static final String PREFIX = VERSION + "=";
    private static final int HMAC_SHA256_HEX_CHARS = 64;
    /** Unix seconds until the year 33658: enough, and far from overflowing a long. */
    private static final int MAX_TIMESTAMP_DIGITS = 12;

    private SlackSignatures() {}

    /** What {@link #verify} decided. */
    public sealed interface Verdict {
        /** Whether the request may be handled. */
        boolean accepted();

        /** Signed with the signing secret, and in time. */
        record Accepted() implements Verdict {
            @Override
            public boolean accepted() {
                return true;
            }
        }

        /**
         * Not from Slack, or not now.
         *
         * @param reason what is wrong, safe to answer with: it names headers and the window, never the
         *     secret or the signature that was expected
         */
        record Refused(String reason) implements Verdict {
            @Override
            public boolean accepted() {
                return false;
            }
        }
    }

    /**
     * Checks, in this order: both headers are there, the timestamp is Unix seconds, the signature is
     * {@code v0=} and 64 hex digits, the signature matches, and the timestamp is within
     * {@link #MAX_CLOCK_SKEW} of {@code now}. Only a sender holding the secret learns that a request
     * was refused for its time.
     *
     * @param signingSecret the app's signing secret; blank refuses every request
     * @param timestampHeader {@value #TIMESTAMP_HEADER}, null when absent
     * @param rawBody the body exactly as received, before any parsing or decoding
     * @param signatureHeader {@value #SIGNATURE_HEADER}, null when absent
     * @param now the server clock's time
     */
    public static Verdict verify(
            String signingSecret, String timestampHeader, byte[] rawBody, String signatureHeader, Instant now) {
        Objects.requireNonNull(rawBody, "rawBody");
        Objects.requireNonNull(now, "now");
        if (signingSecret == null || signingSecret.isBlank()) {
            return refused("no Slack signing secret is configured");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return refused("missing header " + SIGNATURE_HEADER);
        }
        if (timestampHeader == null || timestampHeader.isBlank()) {
            return refused("missing header " + TIMESTAMP_HEADER);
        }
        String timestamp = timestampHeader.strip();
        if (timestamp.length() > MAX_TIMESTAMP_DIGITS || !timestamp.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return refused("header " + TIMESTAMP_HEADER + " must be Unix seconds");
        }
        String signature = signatureHeader.strip();
        if (!signature.startsWith(PREFIX) || signature.length() != PREFIX.length() + HMAC_SHA256_HEX_CHARS) {
            return refused("header " + SIGNATURE_HEADER + " must be v0=<64 hex digits>");
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(signature, PREFIX.length(), signature.length());
        } catch (IllegalArgumentException notHex) {
            return refused("header " + SIGNATURE_HEADER + " must be v0=<64 hex digits>");
        }
        if (!MessageDigest.isEqual(sign(signingSecret, timestamp, rawBody), presented)) {
            return refused("the signature does not match the body; check the app's signing secret");
        }
        Instant sent = Instant.ofEpochSecond(Long.parseLong(timestamp));
        if (Duration.between(sent, now).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
            return refused("header " + TIMESTAMP_HEADER + " is more than " + MAX_CLOCK_SKEW.toMinutes()
                    + " minutes away from this server's time; check both clocks");
        }
        return new Verdict.Accepted();
    }

    /**
     * {@code v0=} and the hex HMAC-SHA256 of {@code v0:<timestamp>:<body>}: what Slack sends in
     * {@value #SIGNATURE_HEADER}. For tests and fakes that play Slack.
     */
    public static String signature(String signingSecret, String timestamp, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(sign(signingSecret, timestamp, body));
    }

    private static byte[] sign(String signingSecret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((VERSION + ":" + timestamp + ":").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static Verdict refused(String reason) {
        return new Verdict.Refused(reason);
    }
}

package dev.nightshift.linear;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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
 * Checks that a webhook delivery comes from Linear and is fresh. Linear sends, in the
 * {@value #SIGNATURE_HEADER} header, the hex HMAC-SHA256 of the raw body keyed with the webhook's
 * signing secret; the body carries {@code webhookTimestamp}, the sending time in Unix milliseconds.
 * The timestamp is inside the signed body, so once the signature matches it can be trusted, and a
 * captured delivery replayed later falls outside the window. Linear's guidance (and its SDK) allow
 * {@link #DEFAULT_WINDOW one minute} either way.
 *
 * <p>Stateless, so any thread may call it; it reads no clock itself: the caller passes its
 * {@link java.time.Clock}'s instant.
 */
public final class LinearSignatures {

    /** The header with the hex HMAC-SHA256 of the raw body. */
    public static final String SIGNATURE_HEADER = "Linear-Signature";
    /** The header with the delivery's unique id (a UUID), the same on Linear's retries of it. */
    public static final String DELIVERY_HEADER = "Linear-Delivery";
    /** The header naming the payload's type: {@code Issue}, {@code Comment}, {@code AgentSessionEvent}… */
    public static final String EVENT_HEADER = "Linear-Event";
    /** The body field with the sending time in Unix milliseconds. */
    public static final String TIMESTAMP_FIELD = "webhookTimestamp";
    /** How far the sending time may be from the server's: Linear's guidance. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

    private static final int HMAC_SHA256_HEX_CHARS = 64;

    private LinearSignatures() {}

    /** What {@link #verify} decided about a delivery. */
    public sealed interface Result {
        /** Whether the delivery may be read and acted on. */
        boolean accepted();

        /**
         * Signed with the secret and sent within the window.
         *
         * @param sentAt the body's {@code webhookTimestamp}
         */
        record Accepted(Instant sentAt) implements Result {
            public Accepted {
                Objects.requireNonNull(sentAt, "sentAt");
            }

            @Override
            public boolean accepted() {
                return true;
            }
        }

        /**
         * Not accepted.
         *
         * @param reason what is wrong, safe to show the sender: it names the header, the field and the
         *     window, never the secret or the signature that was expected
         */
        record Refused(String reason) implements Result {
            public Refused {
                Objects.requireNonNull(reason, "reason");
            }

            @Override
            public boolean accepted() {
                return false;
            }
        }
    }

    /**
     * Whether a delivery is Linear's. Checks, in this order: a secret is configured, the header is
     * there and 64 hex digits (either case), the HMAC matches (compared in constant time), the body
     * has a numeric {@code webhookTimestamp}, and it is within {@code window} of {@code now}. Only a
     * sender with the secret learns anything about the time check.
     *
     * @param webhookSecret the webhook's signing secret; null or blank refuses every delivery
     * @param rawBody the body exactly as received, before any parsing
     * @param signatureHeader the {@value #SIGNATURE_HEADER} header's value, null when absent
     * @param now the server clock's time
     * @param window how far the sending time may be from {@code now}, either way; positive
     * @throws IllegalArgumentException when {@code window} is not positive (a configuration error,
     *     never the sender's)
     */
    public static Result verify(
            String webhookSecret, byte[] rawBody, String signatureHeader, Instant now, Duration window) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(window, "window");
        if (!window.isPositive()) {
            throw new IllegalArgumentException("the timestamp window must be positive, got " + window);
        }
        if (webhookSecret == null || webhookSecret.isBlank()) {
            return new Result.Refused("no Linear webhook secret is configured; set it before sending deliveries");
        }
        if (rawBody == null) {
            return new Result.Refused("the delivery has no body");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return new Result.Refused("missing header " + SIGNATURE_HEADER);
        }
        byte[] presented = hex(signatureHeader.strip());
        if (presented == null) {
            return new Result.Refused("header " + SIGNATURE_HEADER + " must be " + HMAC_SHA256_HEX_CHARS
                    + " hex digits, the HMAC-SHA256 of the body");
        }
        byte[] expected = hmacSha256(webhookSecret.getBytes(StandardCharsets.UTF_8), rawBody);
        if (!MessageDigest.isEqual(expected, presented)) {
            return new Result.Refused("signature does not match");
        }
        Long millis = timestampMillis(rawBody);
        if (millis == null) {
            return new Result.Refused("the body has no numeric " + TIMESTAMP_FIELD);
        }
        Instant sentAt = Instant.ofEpochMilli(millis);
        if (Duration.between(sentAt, now).abs().compareTo(window) > 0) {
            return new Result.Refused(TIMESTAMP_FIELD + " " + millis + " is outside the " + window.toSeconds()
                    + " s window around the server's time; a replayed delivery, or check the server's clock");
        }
        return new Result.Accepted(sentAt);
    }

    /** The hex HMAC-SHA256 of {@code body} keyed with {@code secret}, as Linear writes it. */
    static String sign(byte[] body, String secret) {
        return HexFormat.of().formatHex(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    private static byte[] hmacSha256(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The 32 bytes of 64 ASCII hex digits, or null for anything else. */
    private static byte[] hex(String text) {
        if (text.length() != HMAC_SHA256_HEX_CHARS) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!HexFormat.isHexDigit(text.charAt(i))) {
                return null;
            }
        }
        return HexFormat.of().parseHex(text);
    }

    /**
     * The body's {@code webhookTimestamp}: a JSON number (the schema says Float) of milliseconds, at
     * least zero and finite; null when the body is not a JSON object or the field is anything else.
     */
    private static Long timestampMillis(byte[] rawBody) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(rawBody);
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        JsonNode value = root.path(TIMESTAMP_FIELD);
        if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0) {
            return value.longValue();
        }
        if (value.isFloatingPointNumber()) {
            double d = value.doubleValue();
            if (Double.isFinite(d) && d >= 0 && d < Long.MAX_VALUE) {
                return (long) d;
            }
        }
        return null;
    }
}

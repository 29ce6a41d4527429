package dev.nightshift.triggers;

import dev.nightshift.core.automation.AutomationTrigger.Condition;
import dev.nightshift.core.automation.AutomationTrigger.Signed;
import dev.nightshift.core.automation.AutomationTrigger.Signed.Preset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Whether a delivery to a signed automation comes from the holder of its secret: HMAC-SHA256 over
 * the raw body, compared in constant time, plus the checks each {@link Preset} adds. Pure and
 * thread-safe: the server calls {@link #verify} on the request thread with the body as received, a
 * header lookup, the unsealed secret and its clock's time; nothing here reads a clock or the network.
 *
 * <p><b>Sentry</b> ({@link Preset#SENTRY}): {@value #SENTRY_SIGNATURE_HEADER} is the hex HMAC-SHA256
 * of the body with the integration's client secret, and {@value #SENTRY_DELIVERY_ID_HEADER} names the
 * delivery. Sentry does not sign its {@value #SENTRY_TIMESTAMP_HEADER}, so {@link #sentryDefaults}
 * checks no time; a trigger that names a timestamp header and window anyway only has stale deliveries
 * refused (the delivery id is what stops a replay).
 *
 * <p><b>Any other sender</b> ({@link Preset#GENERIC}): the named signature header holds {@code
 * sha256=<hex>}, the same format as GitHub's {@code X-Hub-Signature-256}. Without a timestamp header
 * the HMAC is over the body alone. With one, the header must carry the sending time in Unix seconds
 * within the window of the server's time, and the HMAC covers the timestamp too, so an old delivery
 * cannot be sent again with a fresh time: the signed content is the timestamp exactly as sent, a dot,
 * and the body ({@code <timestamp>.<body>}, as Stripe signs). A sender signs like this:
 *
 * <pre>{@code
 * ts=$(date +%s)
 * sig=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" | cut -d' ' -f2)
 * curl -H "X-Timestamp: $ts" -H "X-Signature-256: sha256=$sig" -d "$body" ...
 * }</pre>
 *
 * <p>The {@code sha256=} prefix is lower case, as GitHub sends it. Hex digits are read in either case
 * ({@code AB} and {@code ab} are the same byte): the bytes are compared, not the text. Spaces around a
 * header value are ignored, as HTTP does.
 */
public final class WebhookSignatures {
    /** Sentry's header with the hex HMAC-SHA256 of the body. */
    public static final String SENTRY_SIGNATURE_HEADER = "Sentry-Hook-Signature";
    /** Sentry's header with a delivery's unique id, used to drop a delivery seen before. */
    public static final String SENTRY_DELIVERY_ID_HEADER = "Request-ID";
    /** Sentry's header naming what the delivery is about: {@code event_alert}, {@code issue} … */
    public static final String SENTRY_RESOURCE_HEADER = "Sentry-Hook-Resource";
    /** Sentry's header with the sending time in Unix seconds; Sentry does not sign it. */
    public static final String SENTRY_TIMESTAMP_HEADER = "Sentry-Hook-Timestamp";

    /** The window a timestamp header gets when none is given. */
    public static final Duration DEFAULT_TIMESTAMP_WINDOW = Duration.ofMinutes(5);
    /** The widest timestamp window: wider would let a captured delivery be replayed for days. */
    public static final Duration MAX_TIMESTAMP_WINDOW = Duration.ofDays(1);
    /** The longest header name a trigger may name. */
    public static final int MAX_HEADER_NAME_CHARS = 100;
    /** The longest delivery id accepted (it is stored and shown with the run). */
    public static final int MAX_DELIVERY_ID_CHARS = 200;

    private static final String GENERIC_PREFIX = "sha256=";
    private static final int HMAC_SHA256_BYTES = 32;
    private static final int HMAC_SHA256_HEX_CHARS = 2 * HMAC_SHA256_BYTES;
    /** Unix seconds up to the year 33658: enough, and far from overflowing a long. */
    private static final int MAX_TIMESTAMP_DIGITS = 12;
    /** The characters of an HTTP header name (RFC 7230 {@code tchar}) besides letters and digits. */
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private WebhookSignatures() {}

    /** What {@link #verify} decided about a delivery. */
    public sealed interface Verdict {
        /** Whether the delivery may go on to the automation's conditions. */
        boolean accepted();

        /**
         * The delivery is signed with the secret (and in time, when checked).
         *
         * @param deliveryId the delivery's id from the trigger's delivery id header; empty when the
         *     trigger names none
         */
        record Accepted(String deliveryId) implements Verdict {
            @Override
            public boolean accepted() {
                return true;
            }
        }

        /**
         * The delivery is not accepted.
         *
         * @param reason what is wrong, for the sender: it names headers and the window, never the
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
     * Whether a delivery is signed with the trigger's secret, in the trigger's preset's format. Checks,
     * in this order: the signature header is there and well formed, the timestamp header (when the
     * trigger names one) is there and in Unix seconds, the signature matches, the timestamp is within
     * the trigger's window of {@code now} (unless the window is zero), and the delivery id header (when
     * named) is there. Only a sender with the secret learns anything about time or ids.
     *
     * @param trigger the automation's trigger
     * @param secret the trigger's secret, unsealed; blank refuses every delivery
     * @param rawBody the body exactly as received, before any parsing or re-encoding
     * @param header the request's header value by name, null when absent; names must be looked up
     *     regardless of case, as HTTP's are
     * @param now the server clock's time
     */
    public static Verdict verify(
            Signed trigger, String secret, byte[] rawBody, Function<String, String> header, Instant now) {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(rawBody, "rawBody");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(now, "now");
        if (secret == null || secret.isBlank()) {
            return refused("this automation has no signing secret; set one before sending to it");
        }
        boolean generic = trigger.preset() == Preset.GENERIC;
        String signatureHeader =
                trigger.signatureHeader() == null || trigger.signatureHeader().isBlank()
                        ? (generic ? "" : SENTRY_SIGNATURE_HEADER)
                        : trigger.signatureHeader();
        if (signatureHeader.isEmpty()) {
            return refused("this automation names no signature header; set one before sending to it");
        }

        String signature = value(header, signatureHeader);
        if (signature == null) {
            return refused("missing header " + signatureHeader);
        }
        String hex = signature;
        if (generic) {
            if (!signature.startsWith(GENERIC_PREFIX)) {
                return refused("header " + signatureHeader + " must be sha256=<64 hex digits>");
            }
            hex = signature.substring(GENERIC_PREFIX.length());
        }
        byte[] presented = hex(hex);
        if (presented == null) {
            return refused("header " + signatureHeader + " must be " + (generic ? "sha256=" : "") + "<"
                    + HMAC_SHA256_HEX_CHARS + " hex digits>, the HMAC-SHA256 of the body");
        }

        String timestampHeader = trigger.timestampHeader();
        String timestamp = null;
        long seconds = 0;
        if (!timestampHeader.isEmpty()) {
            timestamp = value(header, timestampHeader);
            if (timestamp == null) {
                return refused("missing header " + timestampHeader);
            }
            seconds = unixSeconds(timestamp);
            if (seconds < 0) {
                return refused("header " + timestampHeader + " must be the sending time in Unix seconds");
            }
        }

        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        byte[] expected = generic && timestamp != null
                ? hmacSha256(key, (timestamp + ".").getBytes(StandardCharsets.US_ASCII), rawBody)
                : hmacSha256(key, rawBody);
        if (!MessageDigest.isEqual(expected, presented)) {
            return refused("signature does not match");
        }

        Duration window = trigger.timestampWindow();
        if (timestamp != null && window.isPositive()) {
            Duration offset =
                    Duration.between(Instant.ofEpochSecond(seconds), now).abs();
            if (offset.compareTo(window) > 0) {
                return refused("timestamp " + timestamp + " is outside the " + window.toSeconds()
                        + " s window around the server's time; check the sender's clock");
            }
        }

        String deliveryIdHeader = trigger.deliveryIdHeader();
        if (deliveryIdHeader.isEmpty()) {
            return new Verdict.Accepted("");
        }
        String deliveryId = value(header, deliveryIdHeader);
        if (deliveryId == null || deliveryId.isEmpty()) {
            return refused("missing header " + deliveryIdHeader);
        }
        if (deliveryId.length() > MAX_DELIVERY_ID_CHARS || !visibleAscii(deliveryId)) {
            return refused("header " + deliveryIdHeader + " must be 1 to " + MAX_DELIVERY_ID_CHARS
                    + " visible ASCII characters");
        }
        return new Verdict.Accepted(deliveryId);
    }

    /**
     * A Sentry trigger as Sentry sends: the signature in {@value #SENTRY_SIGNATURE_HEADER}, the delivery
     * id in {@value #SENTRY_DELIVERY_ID_HEADER}, no timestamp check (Sentry does not sign its time).
     *
     * @param secretSealed the integration's client secret, sealed
     * @throws InvalidAutomation when the secret is missing or a condition is invalid
     */
    public static Signed sentryDefaults(String secretSealed, List<Condition> conditions) {
        requireSecret(secretSealed);
        List<Condition> checked = conditions == null ? List.of() : conditions;
        JsonConditions.validate(checked);
        return new Signed(
                Preset.SENTRY,
                secretSealed,
                SENTRY_SIGNATURE_HEADER,
                "",
                Duration.ZERO,
                SENTRY_DELIVERY_ID_HEADER,
                checked);
    }

    /**
     * A trigger for any sender that signs with {@code sha256=<hex>} in a header, checked as a person
     * gave it.
     *
     * @param signatureHeader the header with the signature, e.g. {@code X-Signature-256}
     * @param timestampHeader the header with the sending time in Unix seconds, which the signature then
     *     covers; null or blank for none
     * @param window how far that time may be from the server's: 1 s to {@link #MAX_TIMESTAMP_WINDOW};
     *     null or zero for {@link #DEFAULT_TIMESTAMP_WINDOW} with a timestamp header, and only then
     * @param deliveryIdHeader the header naming each delivery, to drop repeats; null or blank for none
     * @throws InvalidAutomation naming the first problem: a missing secret or signature header, a header
     *     name that is not an HTTP token of at most {@value #MAX_HEADER_NAME_CHARS} characters, a header
     *     named twice, a window out of range or without a timestamp header, an invalid condition
     */
    public static Signed generic(
            String secretSealed,
            String signatureHeader,
            String timestampHeader,
            Duration window,
            String deliveryIdHeader,
            List<Condition> conditions) {
        requireSecret(secretSealed);
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new InvalidAutomation(
                    "a signed trigger needs the header that carries its signature," + " e.g. \"X-Signature-256\"");
        }
        String signature = headerName("signature", signatureHeader);
        String timestamp =
                timestampHeader == null || timestampHeader.isBlank() ? "" : headerName("timestamp", timestampHeader);
        String deliveryId = deliveryIdHeader == null || deliveryIdHeader.isBlank()
                ? ""
                : headerName("delivery id", deliveryIdHeader);
        distinct(signature, timestamp);
        distinct(signature, deliveryId);
        distinct(timestamp, deliveryId);

        Duration checkedWindow = window == null ? Duration.ZERO : window;
        if (checkedWindow.isNegative()
                || checkedWindow.getNano() != 0
                || checkedWindow.compareTo(MAX_TIMESTAMP_WINDOW) > 0) {
            throw new InvalidAutomation("the timestamp window must be 0 (the default, "
                    + DEFAULT_TIMESTAMP_WINDOW.toSeconds() + " s) or whole seconds from 1 s to "
                    + MAX_TIMESTAMP_WINDOW.toSeconds() + " s (1 day), not " + checkedWindow.toMillis() + " ms");
        }
        if (timestamp.isEmpty() && checkedWindow.isPositive()) {
            throw new InvalidAutomation("a timestamp window needs a timestamp header, e.g. \"X-Timestamp\"");
        }
        if (!timestamp.isEmpty() && checkedWindow.isZero()) {
            checkedWindow = DEFAULT_TIMESTAMP_WINDOW;
        }
        List<Condition> checked = conditions == null ? List.of() : conditions;
        JsonConditions.validate(checked);
        return new Signed(Preset.GENERIC, secretSealed, signature, timestamp, checkedWindow, deliveryId, checked);
    }

    /** HMAC-SHA256 of the parts, in order, as one message. */
    static byte[] hmacSha256(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The 32 bytes of 64 ASCII hex digits (either case), or null for anything else. */
    static byte[] hex(String text) {
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

    /** Unix seconds as 1 to 12 ASCII digits, or -1. */
    private static long unixSeconds(String text) {
        if (text.isEmpty() || text.length() > MAX_TIMESTAMP_DIGITS) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }

    private static String value(Function<String, String> header, String name) {
        String value = header.apply(name);
        return value == null ? null : value.strip();
    }

    private static boolean visibleAscii(String text) {
        return text.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    private static void requireSecret(String secretSealed) {
        if (secretSealed == null || secretSealed.isBlank()) {
            throw new InvalidAutomation("a signed trigger needs a secret, the one its sender signs with");
        }
    }

    private static String headerName(String role, String name) {
        String trimmed = name.strip();
        if (trimmed.length() > MAX_HEADER_NAME_CHARS) {
            throw new InvalidAutomation("the " + role + " header name is " + trimmed.length()
                    + " characters long; the most is " + MAX_HEADER_NAME_CHARS);
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            boolean token = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || TOKEN_SYMBOLS.indexOf(c) >= 0;
            if (!token) {
                throw new InvalidAutomation("the " + role + " header name \"" + trimmed + "\" is not an HTTP"
                        + " header name: use letters, digits and !#$%&'*+-.^_`|~, e.g. \"X-Signature-256\"");
            }
        }
        return trimmed;
    }

    private static void distinct(String a, String b) {
        if (!a.isEmpty() && a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT))) {
            throw new InvalidAutomation(
                    "the header " + a + " is named for two purposes; name a different one" + " for each");
        }
    }

    private static Verdict refused(String reason) {
        return new Verdict.Refused(reason);
    }
}

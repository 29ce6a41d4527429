package dev.nightshift.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.linear.LinearSignatures.Result;
import dev.nightshift.linear.fake.LinearWebhookPayloads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LinearSignatures}. Linear's documentation gives no worked example of a signature, so the
 * known answer here was computed independently of this code, with OpenSSL:
 * {@code printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'lin_wh_nightshift_test_secret'}.
 */
class LinearSignaturesTest {

    private static final String SECRET = "lin_wh_nightshift_test_secret";
    private static final byte[] BODY = ("{\"action\":\"create\",\"type\":\"Comment\",\"data\":{\"id\":"
                    + "\"7f3c9f0e-2d4b-4f8a-9c61-1b2e3d4f5a60\",\"body\":\"Looks good\"},\"webhookTimestamp\":1763712000000}")
            .getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "59e2adbda2fae336c0356edb620232486d1aed04cab2ad9741fc50589ef2eb38";
    private static final Instant SENT = Instant.parse("2025-11-21T08:00:00Z");
    private static final Duration WINDOW = LinearSignatures.DEFAULT_WINDOW;

    @Test
    void acceptsTheKnownAnswer() {
        assertThat(LinearSignatures.verify(SECRET, BODY, SIGNATURE, SENT, WINDOW))
                .isEqualTo(new Result.Accepted(SENT));
    }

    @Test
    void theSignatureIsTheHexHmacOfTheRawBody() {
        assertThat(LinearSignatures.sign(BODY, SECRET)).isEqualTo(SIGNATURE);
        assertThat(LinearWebhookPayloads.sign(BODY, SECRET)).isEqualTo(SIGNATURE);
    }

    @Test
    void acceptsUpperCaseHexAndSpacesAroundTheHeader() {
        assertThat(LinearSignatures.verify(SECRET, BODY, " " + SIGNATURE.toUpperCase(Locale.ROOT) + " ", SENT, WINDOW)
                        .accepted())
                .isTrue();
    }

    @Test
    void refusesAnotherBodySecretOrSignature() {
        byte[] changed = new String(BODY, StandardCharsets.UTF_8)
                .replace("Looks good", "Looks bad")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(LinearSignatures.verify(SECRET, changed, SIGNATURE, SENT, WINDOW))
                .isEqualTo(new Result.Refused("signature does not match"));
        assertThat(LinearSignatures.verify("another secret", BODY, SIGNATURE, SENT, WINDOW))
                .isEqualTo(new Result.Refused("signature does not match"));
        String lastDigitChanged = SIGNATURE.substring(0, 63) + "9";
        assertThat(LinearSignatures.verify(SECRET, BODY, lastDigitChanged, SENT, WINDOW))
                .isEqualTo(new Result.Refused("signature does not match"));
    }

    @Test
    void reEncodedJsonDoesNotVerify() {
        // the same JSON with a space: a handler that parsed and re-serialised the body would fail here
        byte[] reEncoded = new String(BODY, StandardCharsets.UTF_8)
                .replace("\"action\":", "\"action\": ")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(LinearSignatures.verify(SECRET, reEncoded, SIGNATURE, SENT, WINDOW)
                        .accepted())
                .isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "   ",
                "sha256=59e2adbda2fae336c0356edb620232486d1aed04cab2ad9741fc50589ef2eb38", // GitHub's form
                "59e2adbda2fae336c0356edb620232486d1aed04cab2ad9741fc50589ef2eb3", // too short
                "59e2adbda2fae336c0356edb620232486d1aed04cab2ad9741fc50589ef2eb3800", // too long
                "z9e2adbda2fae336c0356edb620232486d1aed04cab2ad9741fc50589ef2eb38", // not hex
                "WeKtvaL64zbANW7bYgIySG0a7QTKsq2XQfxQWJ7y6zg=", // base64 of the same bytes
            })
    void refusesMissingOrMalformedHeaders(String header) {
        Result result = LinearSignatures.verify(SECRET, BODY, header, SENT, WINDOW);

        assertThat(result.accepted()).isFalse();
        assertThat(((Result.Refused) result).reason()).contains("Linear-Signature");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void refusesEveryDeliveryWithoutASecret(String secret) {
        Result result = LinearSignatures.verify(secret, BODY, SIGNATURE, SENT, WINDOW);

        assertThat(result).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) result).reason()).contains("no Linear webhook secret");
    }

    @Test
    void refusesANullBody() {
        assertThat(LinearSignatures.verify(SECRET, null, SIGNATURE, SENT, WINDOW)
                        .accepted())
                .isFalse();
    }

    @Test
    void acceptsWithinTheWindowEitherWay() {
        assertThat(LinearSignatures.verify(SECRET, BODY, SIGNATURE, SENT.plus(WINDOW), WINDOW)
                        .accepted())
                .isTrue();
        assertThat(LinearSignatures.verify(SECRET, BODY, SIGNATURE, SENT.minus(WINDOW), WINDOW)
                        .accepted())
                .isTrue();
    }

    @Test
    void refusesAReplayOutsideTheWindow() {
        Result late = LinearSignatures.verify(
                SECRET, BODY, SIGNATURE, SENT.plus(WINDOW).plusMillis(1), WINDOW);
        Result early = LinearSignatures.verify(
                SECRET, BODY, SIGNATURE, SENT.minus(WINDOW).minusMillis(1), WINDOW);

        assertThat(late).isInstanceOf(Result.Refused.class);
        assertThat(((Result.Refused) late).reason())
                .isEqualTo("webhookTimestamp 1763712000000 is outside the 60 s window around the server's time;"
                        + " a replayed delivery, or check the server's clock");
        assertThat(early.accepted()).isFalse();
    }

    @Test
    void aWiderWindowAcceptsAnOlderDelivery() {
        Instant tenMinutesLater = SENT.plus(Duration.ofMinutes(10));

        assertThat(LinearSignatures.verify(SECRET, BODY, SIGNATURE, tenMinutesLater, WINDOW)
                        .accepted())
                .isFalse();
        assertThat(LinearSignatures.verify(SECRET, BODY, SIGNATURE, tenMinutesLater, Duration.ofMinutes(15))
                        .accepted())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"Comment\"}",
                "{\"webhookTimestamp\":\"1763712000000\"}",
                "{\"webhookTimestamp\":null}",
                "{\"webhookTimestamp\":-5}",
                "{\"webhookTimestamp\":1e400}",
                "{\"webhookTimestamp\":99999999999999999999999}",
                "[1763712000000]",
                "not json at all",
                "",
            })
    void aSignedBodyWithoutAUsableTimestampIsRefused(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String signature = LinearWebhookPayloads.sign(body, SECRET);

        Result result = LinearSignatures.verify(SECRET, body, signature, SENT, WINDOW);

        assertThat(result).isEqualTo(new Result.Refused("the body has no numeric webhookTimestamp"));
    }

    @Test
    void aFractionalTimestampCounts() {
        // the schema types webhookTimestamp as Float
        byte[] body = "{\"webhookTimestamp\":1763712000000.0}".getBytes(StandardCharsets.UTF_8);

        assertThat(LinearSignatures.verify(SECRET, body, LinearWebhookPayloads.sign(body, SECRET), SENT, WINDOW))
                .isEqualTo(new Result.Accepted(SENT));
    }

    @Test
    void theTimeIsOnlyCheckedOnceTheSignatureMatches() {
        Instant muchLater = SENT.plus(Duration.ofDays(3));

        assertThat(LinearSignatures.verify(SECRET, BODY, SIGNATURE.replace('5', '6'), muchLater, WINDOW))
                .isEqualTo(new Result.Refused("signature does not match"));
    }

    @Test
    void aWindowThatIsNotPositiveIsAConfigurationError() {
        assertThatThrownBy(() -> LinearSignatures.verify(SECRET, BODY, SIGNATURE, SENT, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> LinearSignatures.verify(SECRET, BODY, SIGNATURE, SENT, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusalNeverShowsTheExpectedSignature() {
        String wrong = "0".repeat(64);

        Result result = LinearSignatures.verify(SECRET, BODY, wrong, SENT, WINDOW);

        assertThat(((Result.Refused) result).reason()).doesNotContain(SIGNATURE).doesNotContain(SECRET);
    }
}

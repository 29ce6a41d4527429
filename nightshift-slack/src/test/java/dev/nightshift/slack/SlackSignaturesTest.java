package dev.nightshift.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.slack.SlackSignatures.Verdict;
import dev.nightshift.slack.SlackSignatures.Verdict.Accepted;
import dev.nightshift.slack.SlackSignatures.Verdict.Refused;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Request signatures, against Slack's own worked example from "Verifying requests from Slack"
 * (signing secret, timestamp, slash-command body and the resulting {@code X-Slack-Signature}). The
 * stored copy of that page held only its opening paragraphs, so the example's body was taken as
 * several public test suites quote it from the page, and checked independently: {@code printf
 * 'v0:1531420618:%s' "$body" | openssl dgst -sha256 -hmac 8f742231b10e8888abcd99yyyzzz85a5} prints
 * the documented signature.
 */
class SlackSignaturesTest {

    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String TIMESTAMP = "1531420618";
    static final byte[] BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
                    + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
                    + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
                    + "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                    + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
            .getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    static final Instant SENT = Instant.ofEpochSecond(1531420618);

    @Test
    void slacksWorkedExampleIsAccepted() {
        assertThat(SlackSignatures.verify(SECRET, TIMESTAMP, BODY, SIGNATURE, SENT))
                .isInstanceOf(Accepted.class);
        assertThat(SlackSignatures.signature(SECRET, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
    }

    @Test
    void fiveMinutesEitherWayIsInTimeAndOneSecondMoreIsNot() {
        assertThat(verifyAt(SENT.plusSeconds(300)).accepted()).isTrue();
        assertThat(verifyAt(SENT.minusSeconds(300)).accepted()).isTrue();

        Verdict stale = verifyAt(SENT.plusSeconds(301));
        Verdict future = verifyAt(SENT.minusSeconds(301));

        assertThat(stale)
                .isInstanceOfSatisfying(
                        Refused.class,
                        r -> assertThat(r.reason())
                                .contains(SlackSignatures.TIMESTAMP_HEADER)
                                .contains("5 minutes"));
        assertThat(future)
                .isInstanceOfSatisfying(
                        Refused.class, r -> assertThat(r.reason()).contains(SlackSignatures.TIMESTAMP_HEADER));
    }

    @Test
    void aTamperedBodyIsRefused() {
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8)
                .replace("user_name=roadrunner", "user_name=coyote")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(SlackSignatures.verify(SECRET, TIMESTAMP, tampered, SIGNATURE, SENT))
                .isInstanceOfSatisfying(
                        Refused.class, r -> assertThat(r.reason()).contains("does not match"));
    }

    @Test
    void anotherTimestampWithTheSameSignatureIsRefused() {
        // the timestamp is signed: a captured request cannot be sent again with a fresh time
        String later = "1531420700";

        assertThat(SlackSignatures.verify(SECRET, later, BODY, SIGNATURE, Instant.ofEpochSecond(1531420700))
                        .accepted())
                .isFalse();
    }

    @Test
    void theWrongSecretIsRefused() {
        assertThat(SlackSignatures.verify("8f742231b10e8888abcd99yyyzzz85a6", TIMESTAMP, BODY, SIGNATURE, SENT)
                        .accepted())
                .isFalse();
    }

    @Test
    void missingHeadersAndSecretAreRefusedByName() {
        assertThat(SlackSignatures.verify(SECRET, null, BODY, SIGNATURE, SENT))
                .isEqualTo(new Refused("missing header X-Slack-Request-Timestamp"));
        assertThat(SlackSignatures.verify(SECRET, "  ", BODY, SIGNATURE, SENT))
                .isEqualTo(new Refused("missing header X-Slack-Request-Timestamp"));
        assertThat(SlackSignatures.verify(SECRET, TIMESTAMP, BODY, null, SENT))
                .isEqualTo(new Refused("missing header X-Slack-Signature"));
        assertThat(SlackSignatures.verify(null, TIMESTAMP, BODY, SIGNATURE, SENT))
                .isInstanceOfSatisfying(
                        Refused.class, r -> assertThat(r.reason()).contains("signing secret"));
        assertThat(SlackSignatures.verify(" ", TIMESTAMP, BODY, SIGNATURE, SENT).accepted())
                .isFalse();
    }

    @Test
    void malformedSignaturesAreRefusedWithTheFormat() {
        String hex = SIGNATURE.substring(3);
        for (String malformed : new String[] {
            hex, // no version
            "v1=" + hex, // another version
            "v0=" + hex.substring(1), // 63 digits
            "v0=" + hex + "0", // 65 digits
            "v0=" + hex.substring(1) + "g", // not hex
            "sha256=" + hex,
            "v0="
        }) {
            assertThat(SlackSignatures.verify(SECRET, TIMESTAMP, BODY, malformed, SENT))
                    .as(malformed)
                    .isEqualTo(new Refused("header X-Slack-Signature must be v0=<64 hex digits>"));
        }
    }

    @Test
    void upperCaseHexAndSurroundingSpacesAreTheSameSignature() {
        String upper = "v0=" + SIGNATURE.substring(3).toUpperCase(java.util.Locale.ROOT);

        assertThat(SlackSignatures.verify(SECRET, " " + TIMESTAMP + " ", BODY, " " + upper + " ", SENT)
                        .accepted())
                .isTrue();
    }

    @Test
    void malformedTimestampsAreRefused() {
        for (String malformed : new String[] {"-1531420618", "1531420618.5", "soon", "1e9", "9999999999999"}) {
            assertThat(SlackSignatures.verify(SECRET, malformed, BODY, SIGNATURE, SENT))
                    .as(malformed)
                    .isEqualTo(new Refused("header X-Slack-Request-Timestamp must be Unix seconds"));
        }
    }

    @Test
    void theRawBytesAreSignedNotADecodedString() {
        // a body that is not valid UTF-8 is signed as its bytes: decoding it first would change it
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 'a', 0, (byte) 0xc3};
        String signature = SlackSignatures.signature(SECRET, TIMESTAMP, binary);

        assertThat(SlackSignatures.verify(SECRET, TIMESTAMP, binary, signature, SENT)
                        .accepted())
                .isTrue();
        assertThat(SlackSignatures.verify(
                                SECRET,
                                TIMESTAMP,
                                new String(binary, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8),
                                signature,
                                SENT)
                        .accepted())
                .isFalse();
    }

    @Test
    void aBadSignatureIsRefusedForTheSignatureEvenWhenAlsoStale() {
        // only a sender holding the secret learns that its clock is off
        Verdict verdict =
                SlackSignatures.verify(SECRET, TIMESTAMP, BODY, "v0=" + "0".repeat(64), SENT.plusSeconds(3600));

        assertThat(verdict)
                .isInstanceOfSatisfying(
                        Refused.class,
                        r -> assertThat(r.reason()).contains("does not match").doesNotContain("minutes"));
    }

    private static Verdict verifyAt(Instant now) {
        return SlackSignatures.verify(SECRET, TIMESTAMP, BODY, SIGNATURE, now);
    }
}

package dev.nightshift.triggers;

import static dev.nightshift.triggers.SentryExamples.CLIENT_SECRET;
import static dev.nightshift.triggers.SentryExamples.ISSUE_ALERT;
import static dev.nightshift.triggers.SentryExamples.ISSUE_ALERT_SIGNATURE;
import static dev.nightshift.triggers.SentryExamples.REQUEST_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.automation.AutomationTrigger.Condition;
import dev.nightshift.core.automation.AutomationTrigger.Signed;
import dev.nightshift.core.automation.AutomationTrigger.Signed.Preset;
import dev.nightshift.triggers.WebhookSignatures.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignaturesTest {
    static final Instant NOW = Instant.parse("2023-11-14T22:13:20Z"); // 1700000000 in Unix seconds
    static final byte[] SENTRY_BODY = ISSUE_ALERT.getBytes(StandardCharsets.UTF_8);
    static final Signed SENTRY = WebhookSignatures.sentryDefaults("sealed:client-secret", List.of());

    static final String GENERIC_SECRET = "whsec-generic-test";
    static final byte[] GENERIC_BODY = "{\"alert\":\"disk full\",\"host\":\"db-1\"}".getBytes(StandardCharsets.UTF_8);
    /** HMAC-SHA256 of {@link #GENERIC_BODY}: {@code printf '%s' '<body>' | openssl dgst -sha256 -hmac <secret>}. */
    static final String GENERIC_BODY_SIGNATURE = "3f8e7270c7ee5bd7ae018cb8a03d73397f892f5a2bd13d25657bda931ff0996a";
    /** HMAC-SHA256 of {@code 1700000000.<body>}, computed with openssl the same way. */
    static final String GENERIC_TIMESTAMPED_SIGNATURE =
            "cf0f1cb662c67264fb1d5ec6de05c0c9cecbb6f077566b7c3cd3a27764449748";

    static final Signed GENERIC =
            WebhookSignatures.generic("sealed:generic", "X-Signature-256", null, null, null, List.of());
    static final Signed GENERIC_TIMESTAMPED = WebhookSignatures.generic(
            "sealed:generic", "X-Signature-256", "X-Timestamp", Duration.ofSeconds(300), "X-Delivery", List.of());

    /** Headers as a server hands them over: names matched regardless of case. */
    static Function<String, String> headers(String... namesAndValues) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map::get;
    }

    static Function<String, String> sentryHeaders(String signature) {
        // lower-case names, as Node and many proxies hand them over
        return headers(
                "content-type", "application/json",
                "request-id", REQUEST_ID,
                "sentry-hook-resource", "event_alert",
                "sentry-hook-timestamp", "1700000000",
                "sentry-hook-signature", signature);
    }

    static Verdict sentry(byte[] body, String secret, Function<String, String> headers) {
        return WebhookSignatures.verify(SENTRY, secret, body, headers, NOW);
    }

    static String hmacHex(String secret, String content) {
        return HexFormat.of()
                .formatHex(WebhookSignatures.hmacSha256(
                        secret.getBytes(StandardCharsets.UTF_8), content.getBytes(StandardCharsets.UTF_8)));
    }

    /** A refusal with this reason, which gives away neither secret nor any signature a sender could use. */
    static void assertRefused(Verdict verdict, String reason) {
        assertThat(verdict).isEqualTo(new Verdict.Refused(reason));
        assertThat(verdict.accepted()).isFalse();
        assertThat(reason)
                .doesNotContain(CLIENT_SECRET)
                .doesNotContain(GENERIC_SECRET)
                .doesNotContainIgnoringCase(ISSUE_ALERT_SIGNATURE)
                .doesNotContainIgnoringCase(GENERIC_BODY_SIGNATURE)
                .doesNotContainIgnoringCase(GENERIC_TIMESTAMPED_SIGNATURE)
                .doesNotContain("sealed:");
    }

    // --- HMAC-SHA256 itself

    @Test
    void hmacSha256MatchesRfc4231TestCases1And2() {
        byte[] key1 = new byte[20];
        java.util.Arrays.fill(key1, (byte) 0x0b);
        assertThat(HexFormat.of()
                        .formatHex(WebhookSignatures.hmacSha256(key1, "Hi There".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        assertThat(hmacHex("Jefe", "what do ya want for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // parts are one message: how the timestamp and the body are signed together
        assertThat(HexFormat.of()
                        .formatHex(WebhookSignatures.hmacSha256(
                                "Jefe".getBytes(StandardCharsets.US_ASCII),
                                "what do ya ".getBytes(StandardCharsets.US_ASCII),
                                "want for nothing?".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    // --- Sentry

    @Test
    void aSentryIssueAlertSignedAsSentryDocumentsIsAcceptedWithItsRequestId() {
        Verdict verdict = sentry(SENTRY_BODY, CLIENT_SECRET, sentryHeaders(ISSUE_ALERT_SIGNATURE));
        assertThat(verdict).isEqualTo(new Verdict.Accepted(REQUEST_ID));
        assertThat(verdict.accepted()).isTrue();
        // and the same computation in this code gives the independently computed answer
        assertThat(hmacHex(CLIENT_SECRET, ISSUE_ALERT)).isEqualTo(ISSUE_ALERT_SIGNATURE);
    }

    @Test
    void headerNamesInAnyCaseAreFoundThroughTheCallersLookup() {
        Verdict verdict = sentry(
                SENTRY_BODY,
                CLIENT_SECRET,
                headers("SENTRY-HOOK-SIGNATURE", ISSUE_ALERT_SIGNATURE, "Request-Id", REQUEST_ID));
        assertThat(verdict).isEqualTo(new Verdict.Accepted(REQUEST_ID));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 500, 1000, -1})
    void aBodyWithOneByteChangedIsRefused(int position) {
        byte[] tampered = SENTRY_BODY.clone();
        int at = position < 0 ? tampered.length - 1 : position;
        tampered[at] ^= 0x01;
        assertRefused(
                sentry(tampered, CLIENT_SECRET, sentryHeaders(ISSUE_ALERT_SIGNATURE)), "signature does not match");
    }

    @Test
    void theSameJsonWithOtherWhitespaceIsRefusedBecauseTheRawBytesAreSigned() {
        byte[] reformatted = ISSUE_ALERT.replace("\"action\":", "\"action\": ").getBytes(StandardCharsets.UTF_8);
        assertRefused(
                sentry(reformatted, CLIENT_SECRET, sentryHeaders(ISSUE_ALERT_SIGNATURE)), "signature does not match");
    }

    @Test
    void aWrongSecretIsRefused() {
        String other = CLIENT_SECRET.substring(1) + "0";
        assertRefused(sentry(SENTRY_BODY, other, sentryHeaders(ISSUE_ALERT_SIGNATURE)), "signature does not match");
    }

    @Test
    void aSignatureOfAnotherBodyIsRefused() {
        String signatureOfOther = hmacHex(CLIENT_SECRET, ISSUE_ALERT + " ");
        assertRefused(sentry(SENTRY_BODY, CLIENT_SECRET, sentryHeaders(signatureOfOther)), "signature does not match");
    }

    @Test
    void aMissingSignatureIsRefused() {
        assertRefused(
                sentry(SENTRY_BODY, CLIENT_SECRET, headers("Request-ID", REQUEST_ID)),
                "missing header Sentry-Hook-Signature");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "9cdbcd3918e2c0cd9f57297b80d37d5e2af6f9e468c20b7244e4a4f5438178a", // 63 digits
                "9cdbcd3918e2c0cd9f57297b80d37d5e2af6f9e468c20b7244e4a4f5438178a30", // 65 digits
                "9cdbcd3918e2c0cd9f57297b80d37d5e2af6f9e468c20b7244e4a4f5438178ag", // not hex
                "sha256=9cdbcd3918e2c0cd9f57297b80d37d5e2af6f9e468c20b7244e4a4f5438178a3", // GitHub's format
                "9cdbcd3918e2c0cd9f57297b80d37d5e2af6f9e468c20b7244e4a4f5438178a\u0663", // an Arabic-Indic 3
                "9cdbcd3918e2c0cd9f57297b80d37d5e 2af6f9e468c20b7244e4a4f5438178a3",
                "nCbJ05HGwu...==" // base64
            })
    void aMalformedSentrySignatureIsRefusedWithoutComparing(String signature) {
        assertRefused(
                sentry(SENTRY_BODY, CLIENT_SECRET, sentryHeaders(signature)),
                "header Sentry-Hook-Signature must be <64 hex digits>, the HMAC-SHA256 of the body");
    }

    @Test
    void upperCaseHexAndSurroundingSpacesAreAcceptedBecauseTheBytesAreCompared() {
        assertThat(sentry(SENTRY_BODY, CLIENT_SECRET, sentryHeaders(ISSUE_ALERT_SIGNATURE.toUpperCase(Locale.ROOT))))
                .isEqualTo(new Verdict.Accepted(REQUEST_ID));
        assertThat(sentry(SENTRY_BODY, CLIENT_SECRET, sentryHeaders(" " + ISSUE_ALERT_SIGNATURE + "\t")))
                .isEqualTo(new Verdict.Accepted(REQUEST_ID));
    }

    @Test
    void aBlankSecretRefusesEveryDeliveryEvenOneSignedWithTheEmptyKey() {
        // HMAC-SHA256 of the example with an empty key, from Python's hmac.new(b"", body, hashlib.sha256)
        String signedWithEmptyKey = "bad977c09f43fdcc18ef716525edb3b778a662982ccf4c221fff3842bd56a980";
        for (String secret : new String[] {null, "", "  "}) {
            assertRefused(
                    sentry(SENTRY_BODY, secret, sentryHeaders(signedWithEmptyKey)),
                    "this automation has no signing secret; set one before sending to it");
        }
    }

    @Test
    void theDeliveryIdIsRequiredWhenNamedAndMustBeShortVisibleAscii() {
        assertRefused(
                sentry(SENTRY_BODY, CLIENT_SECRET, headers("Sentry-Hook-Signature", ISSUE_ALERT_SIGNATURE)),
                "missing header Request-ID");
        assertRefused(
                sentry(
                        SENTRY_BODY,
                        CLIENT_SECRET,
                        headers("Sentry-Hook-Signature", ISSUE_ALERT_SIGNATURE, "Request-ID", "  ")),
                "missing header Request-ID");
        String refusal = "header Request-ID must be 1 to 200 visible ASCII characters";
        assertRefused(
                sentry(
                        SENTRY_BODY,
                        CLIENT_SECRET,
                        headers("Sentry-Hook-Signature", ISSUE_ALERT_SIGNATURE, "Request-ID", "a".repeat(201))),
                refusal);
        assertRefused(
                sentry(
                        SENTRY_BODY,
                        CLIENT_SECRET,
                        headers("Sentry-Hook-Signature", ISSUE_ALERT_SIGNATURE, "Request-ID", "id with spaces")),
                refusal);
        assertRefused(
                sentry(
                        SENTRY_BODY,
                        CLIENT_SECRET,
                        headers("Sentry-Hook-Signature", ISSUE_ALERT_SIGNATURE, "Request-ID", "idé")),
                refusal);
        assertThat(sentry(
                        SENTRY_BODY,
                        CLIENT_SECRET,
                        headers("Sentry-Hook-Signature", ISSUE_ALERT_SIGNATURE, "Request-ID", "a".repeat(200))))
                .isEqualTo(new Verdict.Accepted("a".repeat(200)));
    }

    @Test
    void aSentryTriggerNamingItsTimestampDropsStaleDeliveriesButSignsTheBodyAlone() {
        Signed withWindow = new Signed(
                Preset.SENTRY,
                "sealed",
                "",
                WebhookSignatures.SENTRY_TIMESTAMP_HEADER,
                Duration.ofSeconds(60),
                WebhookSignatures.SENTRY_DELIVERY_ID_HEADER,
                List.of());
        Function<String, String> headers = sentryHeaders(ISSUE_ALERT_SIGNATURE);
        assertThat(WebhookSignatures.verify(withWindow, CLIENT_SECRET, SENTRY_BODY, headers, NOW.plusSeconds(60)))
                .isEqualTo(new Verdict.Accepted(REQUEST_ID));
        assertRefused(
                WebhookSignatures.verify(withWindow, CLIENT_SECRET, SENTRY_BODY, headers, NOW.plusSeconds(61)),
                "timestamp 1700000000 is outside the 60 s window around the server's time; check the sender's"
                        + " clock");
    }

    // --- any sender: sha256=<hex>

    @Test
    void aGenericSignatureOverTheBodyIsAcceptedInTheSha256Format() {
        Verdict verdict = WebhookSignatures.verify(
                GENERIC,
                GENERIC_SECRET,
                GENERIC_BODY,
                headers("x-signature-256", "sha256=" + GENERIC_BODY_SIGNATURE),
                NOW);
        assertThat(verdict).isEqualTo(new Verdict.Accepted(""));
        assertThat(WebhookSignatures.verify(
                        GENERIC,
                        GENERIC_SECRET,
                        GENERIC_BODY,
                        headers("X-Signature-256", "sha256=" + GENERIC_BODY_SIGNATURE.toUpperCase(Locale.ROOT)),
                        NOW))
                .isEqualTo(new Verdict.Accepted(""));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                GENERIC_BODY_SIGNATURE, // bare hex: the format is sha256=<hex>
                "SHA256=" + GENERIC_BODY_SIGNATURE,
                "sha1=" + GENERIC_BODY_SIGNATURE,
                "sha256 =" + GENERIC_BODY_SIGNATURE,
            })
    void aGenericSignatureWithoutTheLowerCasePrefixIsRefused(String signature) {
        assertRefused(
                WebhookSignatures.verify(
                        GENERIC, GENERIC_SECRET, GENERIC_BODY, headers("X-Signature-256", signature), NOW),
                "header X-Signature-256 must be sha256=<64 hex digits>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256=", "sha256=zz", "sha256=" + GENERIC_BODY_SIGNATURE + "00"})
    void aGenericSignatureThatIsNotSixtyFourHexDigitsIsRefused(String signature) {
        assertRefused(
                WebhookSignatures.verify(
                        GENERIC, GENERIC_SECRET, GENERIC_BODY, headers("X-Signature-256", signature), NOW),
                "header X-Signature-256 must be sha256=<64 hex digits>, the HMAC-SHA256 of the body");
    }

    @Test
    void aGenericDeliveryWithoutItsHeaderOrWithAnotherSecretIsRefused() {
        assertRefused(
                WebhookSignatures.verify(
                        GENERIC,
                        GENERIC_SECRET,
                        GENERIC_BODY,
                        headers("X-Hub-Signature-256", "sha256=" + GENERIC_BODY_SIGNATURE),
                        NOW),
                "missing header X-Signature-256");
        assertRefused(
                WebhookSignatures.verify(
                        GENERIC,
                        GENERIC_SECRET + "x",
                        GENERIC_BODY,
                        headers("X-Signature-256", "sha256=" + GENERIC_BODY_SIGNATURE),
                        NOW),
                "signature does not match");
    }

    static Function<String, String> timestamped(String timestamp, String signature) {
        return headers("X-Timestamp", timestamp, "X-Signature-256", "sha256=" + signature, "X-Delivery", "d-1");
    }

    static Verdict verifyTimestamped(Function<String, String> headers, Instant now) {
        return WebhookSignatures.verify(GENERIC_TIMESTAMPED, GENERIC_SECRET, GENERIC_BODY, headers, now);
    }

    @Test
    void aTimestampedSignatureCoversTimestampDotBody() {
        assertThat(verifyTimestamped(timestamped("1700000000", GENERIC_TIMESTAMPED_SIGNATURE), NOW))
                .isEqualTo(new Verdict.Accepted("d-1"));
        assertThat(hmacHex(GENERIC_SECRET, "1700000000." + new String(GENERIC_BODY, StandardCharsets.UTF_8)))
                .isEqualTo(GENERIC_TIMESTAMPED_SIGNATURE);
    }

    @Test
    void aTimestampedTriggerRefusesASignatureOfTheBodyAloneAndAMovedTimestamp() {
        assertRefused(
                verifyTimestamped(timestamped("1700000000", GENERIC_BODY_SIGNATURE), NOW), "signature does not match");
        // a captured delivery sent again with a fresh time
        assertRefused(
                verifyTimestamped(timestamped("1700000100", GENERIC_TIMESTAMPED_SIGNATURE), NOW.plusSeconds(100)),
                "signature does not match");
    }

    @Test
    void aTimestampExactlyAtEitherEdgeOfTheWindowIsAcceptedAndOneSecondBeyondIsRefused() {
        Function<String, String> headers = timestamped("1700000000", GENERIC_TIMESTAMPED_SIGNATURE);
        assertThat(verifyTimestamped(headers, NOW.plusSeconds(300))).isEqualTo(new Verdict.Accepted("d-1"));
        assertThat(verifyTimestamped(headers, NOW.minusSeconds(300))).isEqualTo(new Verdict.Accepted("d-1"));
        String outside =
                "timestamp 1700000000 is outside the 300 s window around the server's time; check the sender's clock";
        assertRefused(verifyTimestamped(headers, NOW.plusSeconds(301)), outside);
        assertRefused(verifyTimestamped(headers, NOW.minusSeconds(301)), outside);
        assertRefused(verifyTimestamped(headers, NOW.plusSeconds(300).plusMillis(1)), outside);
    }

    @Test
    void aMissingTimestampIsRefused() {
        assertRefused(
                verifyTimestamped(
                        headers("X-Signature-256", "sha256=" + GENERIC_TIMESTAMPED_SIGNATURE, "X-Delivery", "d-1"),
                        NOW),
                "missing header X-Timestamp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1700000000", "+1700000000", "1700000000.5", "1.7e9", "1234567890123", "１７"})
    void aTimestampThatIsNotUnixSecondsIsRefused(String timestamp) {
        assertRefused(
                verifyTimestamped(timestamped(timestamp, GENERIC_TIMESTAMPED_SIGNATURE), NOW),
                "header X-Timestamp must be the sending time in Unix seconds");
    }

    @Test
    void theLargestTimestampIsReadWithoutOverflowAndRefusedAsOutOfWindow() {
        String largest = "999999999999";
        String signature = hmacHex(GENERIC_SECRET, largest + "." + new String(GENERIC_BODY, StandardCharsets.UTF_8));
        assertRefused(
                verifyTimestamped(timestamped(largest, signature), NOW),
                "timestamp 999999999999 is outside the 300 s window around the server's time; check the sender's"
                        + " clock");
    }

    @Test
    void aGenericTriggerWithoutASignatureHeaderRefusesEverything() {
        Signed broken = new Signed(Preset.GENERIC, "sealed", "", "", Duration.ZERO, "", List.of());
        assertRefused(
                WebhookSignatures.verify(
                        broken,
                        GENERIC_SECRET,
                        GENERIC_BODY,
                        headers("X-Signature-256", "sha256=" + GENERIC_BODY_SIGNATURE),
                        NOW),
                "this automation names no signature header; set one before sending to it");
    }

    // --- creating triggers

    @Test
    void sentryDefaultsNameSentrysHeadersAndCheckNoTime() {
        Condition errors = JsonConditions.condition("$.data.event.level", "eq", "\"error\"");
        Signed signed = WebhookSignatures.sentryDefaults("sealed:s", List.of(errors));
        assertThat(signed)
                .isEqualTo(new Signed(
                        Preset.SENTRY,
                        "sealed:s",
                        "Sentry-Hook-Signature",
                        "",
                        Duration.ZERO,
                        "Request-ID",
                        List.of(errors)));
        assertThatThrownBy(() -> WebhookSignatures.sentryDefaults(" ", List.of()))
                .isInstanceOf(InvalidAutomation.class)
                .hasMessage("a signed trigger needs a secret, the one its sender signs with");
        assertThatThrownBy(() -> WebhookSignatures.sentryDefaults(
                        "sealed", List.of(new Condition("$.level", Condition.Op.EQ, "error"))))
                .isInstanceOf(InvalidAutomation.class)
                .hasMessageContaining("is not JSON");
    }

    @Test
    void aGenericTriggerKeepsItsHeadersAndGetsTheDefaultWindowWithATimestamp() {
        assertThat(WebhookSignatures.generic(
                        "sealed", " X-Signature-256 ", "X-Timestamp", Duration.ZERO, "X-Delivery", null))
                .isEqualTo(new Signed(
                        Preset.GENERIC,
                        "sealed",
                        "X-Signature-256",
                        "X-Timestamp",
                        Duration.ofMinutes(5),
                        "X-Delivery",
                        List.of()));
        assertThat(GENERIC)
                .isEqualTo(new Signed(
                        Preset.GENERIC, "sealed:generic", "X-Signature-256", "", Duration.ZERO, "", List.of()));
        assertThat(WebhookSignatures.generic("s", "a", "b", Duration.ofSeconds(1), "", List.of())
                        .timestampWindow())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(WebhookSignatures.generic("s", "a", "b", Duration.ofDays(1), "", List.of())
                        .timestampWindow())
                .isEqualTo(Duration.ofDays(1));
        String longest = "X-" + "a".repeat(98);
        assertThat(WebhookSignatures.generic("s", longest, "", null, "", List.of())
                        .signatureHeader())
                .isEqualTo(longest);
        String allTokenSymbols = "!#$%&'*+-.^_`|~09AZaz";
        assertThat(WebhookSignatures.generic("s", allTokenSymbols, "", null, "", List.of())
                        .signatureHeader())
                .isEqualTo(allTokenSymbols);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X Signature", "X-Signature:", "X-Sïgnature", "X-Sig(256)", "X-Sig\"", "X-Sig\nX-Other: 1"})
    void aHeaderNameThatIsNotAnHttpTokenIsRefused(String name) {
        assertThatThrownBy(() -> WebhookSignatures.generic("s", name, "", null, "", List.of()))
                .isInstanceOf(InvalidAutomation.class)
                .hasMessageStartingWith("the signature header name \"")
                .hasMessageEndingWith("is not an HTTP header name: use letters, digits and !#$%&'*+-.^_`|~,"
                        + " e.g. \"X-Signature-256\"");
        assertThatThrownBy(() -> WebhookSignatures.generic("s", "X-Sig", name, null, "", List.of()))
                .isInstanceOf(InvalidAutomation.class)
                .hasMessageStartingWith("the timestamp header name");
        assertThatThrownBy(() -> WebhookSignatures.generic("s", "X-Sig", "", null, name, List.of()))
                .isInstanceOf(InvalidAutomation.class)
                .hasMessageStartingWith("the delivery id header name");
    }

    @Test
    void aGenericTriggerIsRefusedWithTheFirstProblemNamed() {
        record Case(Runnable create, String message) {}
        List<Case> cases = List.of(
                new Case(
                        () -> WebhookSignatures.generic(null, "X-Sig", "", null, "", List.of()),
                        "a signed trigger needs a secret, the one its sender signs with"),
                new Case(
                        () -> WebhookSignatures.generic("s", " ", "", null, "", List.of()),
                        "a signed trigger needs the header that carries its signature, e.g. \"X-Signature-256\""),
                new Case(
                        () -> WebhookSignatures.generic("s", "X-" + "a".repeat(99), "", null, "", List.of()),
                        "the signature header name is 101 characters long; the most is 100"),
                new Case(
                        () -> WebhookSignatures.generic("s", "X-Sig", "x-sig", null, "", List.of()),
                        "the header X-Sig is named for two purposes; name a different one for each"),
                new Case(
                        () -> WebhookSignatures.generic("s", "X-Sig", "", null, "X-SIG", List.of()),
                        "the header X-Sig is named for two purposes; name a different one for each"),
                new Case(
                        () -> WebhookSignatures.generic("s", "X-Sig", "X-Id", null, "x-id", List.of()),
                        "the header X-Id is named for two purposes; name a different one for each"),
                new Case(
                        () -> WebhookSignatures.generic("s", "X-Sig", "X-Ts", Duration.ofSeconds(-1), "", List.of()),
                        "the timestamp window must be 0 (the default, 300 s) or whole seconds from 1 s to 86400 s"
                                + " (1 day), not -1000 ms"),
                new Case(
                        () -> WebhookSignatures.generic("s", "X-Sig", "X-Ts", Duration.ofMillis(500), "", List.of()),
                        "the timestamp window must be 0 (the default, 300 s) or whole seconds from 1 s to 86400 s"
                                + " (1 day), not 500 ms"),
                new Case(
                        () -> WebhookSignatures.generic(
                                "s", "X-Sig", "X-Ts", Duration.ofDays(1).plusSeconds(1), "", List.of()),
                        "the timestamp window must be 0 (the default, 300 s) or whole seconds from 1 s to 86400 s"
                                + " (1 day), not 86401000 ms"),
                new Case(
                        () -> WebhookSignatures.generic("s", "X-Sig", "", Duration.ofSeconds(300), "", List.of()),
                        "a timestamp window needs a timestamp header, e.g. \"X-Timestamp\""),
                new Case(
                        () -> WebhookSignatures.generic(
                                "s", "X-Sig", "", null, "", List.of(new Condition("$..[", Condition.Op.EQ, "1"))),
                        "\"$..[\" is not a valid JSONPath"));
        for (Case c : cases) {
            assertThatThrownBy(c.create()::run)
                    .as(c.message())
                    .isInstanceOf(InvalidAutomation.class)
                    .hasMessageStartingWith(c.message());
        }
    }
}

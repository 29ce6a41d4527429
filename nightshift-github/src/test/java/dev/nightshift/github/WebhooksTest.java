package dev.nightshift.github;

import static dev.nightshift.github.PullRequestState.CLOSED;
import static dev.nightshift.github.PullRequestState.MERGED;
import static dev.nightshift.github.PullRequestState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhooksTest {

    // the example from GitHub's "Validating webhook deliveries"
    private static final byte[] SECRET = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void acceptsGitHubsSignature() {
        assertThat(Webhooks.verify(SECRET, BODY, SIGNATURE)).isTrue();
    }

    @Test
    void refusesASignatureOfAnotherBodyOrSecret() {
        assertThat(Webhooks.verify(SECRET, "Hello, World?".getBytes(StandardCharsets.UTF_8), SIGNATURE))
                .isFalse();
        assertThat(Webhooks.verify("another secret".getBytes(StandardCharsets.UTF_8), BODY, SIGNATURE))
                .isFalse();
        assertThat(Webhooks.verify(SECRET, BODY, SIGNATURE.substring(0, SIGNATURE.length() - 1) + "8"))
                .isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", // no prefix
                "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", // other algorithm
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1", // too short
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17aa", // too long
                "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", // not hex
                "sha256=",
            })
    void refusesMissingOrMalformedHeaders(String header) {
        assertThat(Webhooks.verify(SECRET, BODY, header)).isFalse();
    }

    @Test
    void refusesWhenNoSecretIsConfigured() {
        assertThat(Webhooks.verify(new byte[0], BODY, SIGNATURE)).isFalse();
        assertThat(Webhooks.verify(null, BODY, SIGNATURE)).isFalse();
    }

    @Test
    void readsAnOpenedEvent() throws IOException {
        PullRequestEvent e =
                Webhooks.parsePullRequest(payload("pull_request.opened.json")).orElseThrow();

        assertThat(e)
                .isEqualTo(new PullRequestEvent(
                        "opened",
                        "octo-org/hello-world",
                        1347,
                        "nightshift/importer-retries",
                        "main",
                        OPEN,
                        URI.create("https://github.com/octo-org/hello-world/pull/1347"),
                        Instant.parse("2026-11-21T08:02:30Z")));
    }

    @Test
    void aClosedEventIsClosedAndAMergedOneMerged() throws IOException {
        PullRequestEvent closed =
                Webhooks.parsePullRequest(payload("pull_request.closed.json")).orElseThrow();
        PullRequestEvent merged = Webhooks.parsePullRequest(payload("pull_request.closed-merged.json"))
                .orElseThrow();

        assertThat(closed.action()).isEqualTo("closed");
        assertThat(closed.state()).isEqualTo(CLOSED);
        assertThat(merged.action()).isEqualTo("closed");
        assertThat(merged.state()).isEqualTo(MERGED);
        assertThat(merged.updatedAt()).isEqualTo(Instant.parse("2026-11-21T09:15:02Z"));
    }

    @Test
    void aReopenedEventIsOpen() throws IOException {
        PullRequestEvent e =
                Webhooks.parsePullRequest(payload("pull_request.reopened.json")).orElseThrow();

        assertThat(e.action()).isEqualTo("reopened");
        assertThat(e.state()).isEqualTo(OPEN);
        assertThat(e.number()).isEqualTo(1347);
    }

    @Test
    void otherPayloadsAreNotPullRequestEvents() {
        String issues = "{\"action\":\"opened\",\"issue\":{\"number\":1},\"repository\":{\"full_name\":\"o/r\"}}";
        String ping = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":109948940}";

        assertThat(Webhooks.parsePullRequest(issues.getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(Webhooks.parsePullRequest(ping.getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(Webhooks.parsePullRequest("not json".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(Webhooks.parsePullRequest(new byte[0])).isEmpty();
    }

    @Test
    void onlyAStrictlyNewerDeliverySupersedes() {
        Instant t = Instant.parse("2026-11-21T09:15:02Z");

        assertThat(Webhooks.supersedes(null, t)).isTrue();
        assertThat(Webhooks.supersedes(t, t.plusSeconds(1))).isTrue();
        assertThat(Webhooks.supersedes(t, t)).isFalse();
        assertThat(Webhooks.supersedes(t, t.minusSeconds(1))).isFalse();
        assertThat(Webhooks.supersedes(t, null)).isFalse();
    }

    @Test
    void aLateOpenedDeliveryNeverTakesAMergeBack() throws IOException {
        PullRequestEvent opened =
                Webhooks.parsePullRequest(payload("pull_request.opened.json")).orElseThrow();
        PullRequestEvent merged = Webhooks.parsePullRequest(payload("pull_request.closed-merged.json"))
                .orElseThrow();

        assertThat(Webhooks.supersedes(merged.updatedAt(), opened.updatedAt())).isFalse();
        assertThat(Webhooks.supersedes(merged.updatedAt(), MERGED, opened.updatedAt(), OPEN))
                .isFalse();
        // merged is final even against a later timestamp
        assertThat(Webhooks.supersedes(
                        merged.updatedAt(), MERGED, merged.updatedAt().plusSeconds(60), OPEN))
                .isFalse();
        assertThat(Webhooks.supersedes(opened.updatedAt(), OPEN, merged.updatedAt(), MERGED))
                .isTrue();
    }

    @Test
    void withinTheSameSecondAMergeWins() {
        Instant t = Instant.parse("2026-11-21T09:15:02Z");

        assertThat(Webhooks.supersedes(t, OPEN, t, MERGED)).isTrue();
        assertThat(Webhooks.supersedes(t, CLOSED, t, OPEN)).isFalse();
        assertThat(Webhooks.supersedes(null, null, t, OPEN)).isTrue();
    }

    private static byte[] payload(String name) throws IOException {
        try (InputStream in = WebhooksTest.class.getResourceAsStream("/webhooks/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}

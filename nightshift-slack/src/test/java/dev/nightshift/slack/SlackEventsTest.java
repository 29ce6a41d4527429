package dev.nightshift.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.slack.SlackEvent.Mention;
import dev.nightshift.slack.SlackEvent.Message;
import dev.nightshift.slack.SlackEvent.StopPressed;
import dev.nightshift.slack.SlackEvent.UrlVerification;
import dev.nightshift.slack.fake.SlackPayloads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Payloads into events. The files under {@code events/} are Slack's documented examples as the
 * documentation prints them: {@code url_verification}, the {@code app_mention} wrapped in its event
 * envelope (the "app mention that invites your app to a channel" example) and {@code message.im}.
 * The smaller payloads in the tests put Slack's documented inner events ({@code message_changed},
 * {@code bot_message}) into the same envelope.
 */
class SlackEventsTest {

    @Test
    void urlVerificationCarriesTheChallenge() throws IOException {
        assertThat(SlackEvents.parse(resource("url_verification.json")))
                .contains(new UrlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
    }

    @Test
    void slacksAppMentionExampleIsAMention() throws IOException {
        assertThat(SlackEvents.parse(resource("app_mention.json")))
                .contains(new Mention(
                        "T061EG9R6",
                        "C0LAN2Q65",
                        "W021FGA1Z",
                        "You can count on <@U0LAN0Z89> for an honorable mention.",
                        "1515449483.000108",
                        null,
                        "Ev0MDYHUEL"));
    }

    @Test
    void slacksDirectMessageExampleIsAMessageFromAPerson() throws IOException {
        Optional<SlackEvent> event = SlackEvents.parse(resource("message_im.json"));

        assertThat(event)
                .contains(new Message(
                        "T061EG9R6",
                        "D024BE91L",
                        "im",
                        "U2147483697",
                        "Hello hello can you hear me?",
                        "1355517523.000005",
                        null,
                        null,
                        null,
                        "Ev0PV52K21"));
        assertThat(((Message) event.orElseThrow()).fromPerson()).isTrue();
    }

    @Test
    void aMentionInAThreadKnowsItsThread() {
        String payload = SlackPayloads.appMention(
                "C1", "U1", "<@U0BOT> also the docs", "1700000002.000200", "1700000001.000100", "Ev2");

        assertThat(SlackEvents.parse(bytes(payload)))
                .hasValueSatisfying(e -> assertThat(((Mention) e).threadTs()).isEqualTo("1700000001.000100"));
    }

    @Test
    void aThreadTsEqualToTheMessagesOwnIsNoThread() {
        String payload =
                SlackPayloads.message("C1", "channel", "U1", "hi", "1700000001.000100", "1700000001.000100", "Ev3");

        assertThat(SlackEvents.parse(bytes(payload)))
                .hasValueSatisfying(e -> assertThat(((Message) e).threadTs()).isNull());
    }

    @Test
    void anEditIsAMessageChangedWithoutItsTextOrUser() {
        // Slack's documented message_changed event, in the event envelope
        String payload = """
                {"token":"XXYYZZ","team_id":"T061EG9R6","api_app_id":"A0PNCHHK2","type":"event_callback",
                 "event_id":"Ev0EDIT","event_time":1358878755,
                 "event":{"type":"message","subtype":"message_changed","hidden":true,"channel":"C123ABC456",
                   "ts":"1358878755.000001",
                   "message":{"type":"message","user":"U123ABC456","text":"Hello, world!",
                     "ts":"1355517523.000005","edited":{"user":"U123ABC456","ts":"1358878755.000001"}}}}
                """;

        Message message = (Message) SlackEvents.parse(bytes(payload)).orElseThrow();

        assertThat(message.subtype()).isEqualTo("message_changed");
        assertThat(message.user()).isNull();
        assertThat(message.text()).isNull();
        assertThat(message.ts()).isEqualTo("1358878755.000001");
        assertThat(message.fromPerson()).isFalse();
    }

    @Test
    void aBotMessageCarriesItsBotIdAndIsNotFromAPerson() {
        // Slack's documented bot_message event (with the channel every delivered message has)
        String payload = """
                {"team_id":"T061EG9R6","type":"event_callback","event_id":"Ev0BOT","event":{
                  "type":"message","subtype":"bot_message","channel":"C123ABC456","ts":"1358877455.000010",
                  "text":"Pushing is the answer","bot_id":"BB12033","username":"github","icons":{}}}
                """;

        Message message = (Message) SlackEvents.parse(bytes(payload)).orElseThrow();

        assertThat(message.botId()).isEqualTo("BB12033");
        assertThat(message.subtype()).isEqualTo("bot_message");
        assertThat(message.fromPerson()).isFalse();
    }

    @Test
    void theAppsOwnMessageHasItsBotIdAndIsNotFromAPerson() {
        Message message =
                (Message) SlackEvents.parse(bytes(SlackPayloads.ownMessage("D1", "im", "Working on it", "1.2", "Ev4")))
                        .orElseThrow();

        assertThat(message.botId()).isNotNull();
        assertThat(message.fromPerson()).isFalse();
    }

    @Test
    void aFileShareOrThreadBroadcastIsStillFromAPerson() {
        for (String subtype : new String[] {"file_share", "thread_broadcast"}) {
            String payload = """
                    {"team_id":"T1","type":"event_callback","event_id":"Ev5","event":{"type":"message",
                     "subtype":"%s","channel":"C1","user":"U1","text":"see attached","ts":"1.2"}}
                    """.formatted(subtype);

            assertThat(((Message) SlackEvents.parse(bytes(payload)).orElseThrow()).fromPerson())
                    .as(subtype)
                    .isTrue();
        }
    }

    @Test
    void theStopButtonIsAStopPressedWithTheSessionAndThread() {
        String payload = SlackPayloads.stopPressed("C1", "1700000003.000300", "1700000001.000100", "U7", "ses_42");

        assertThat(SlackEvents.parse(bytes(payload)))
                .contains(
                        new StopPressed("T0FAKETEAM", "C1", "1700000003.000300", "1700000001.000100", "U7", "ses_42"));
    }

    @Test
    void anAnswerOrApproveButtonIsAnAnswerPressedWithItsValue() {
        String answer = SlackPayloads.answerPressed(
                "C1", "1700000004.000400", "1700000001.000100", "U7", "nightshift_answer_1", "qst_9 1");
        assertThat(SlackEvents.parse(bytes(answer)))
                .contains(new SlackEvent.AnswerPressed(
                        "T0FAKETEAM", "C1", "1700000004.000400", "1700000001.000100", "U7", false, "qst_9 1"));
        String approve =
                SlackPayloads.answerPressed("C1", "1700000004.000400", null, "U7", "nightshift_approve", "pln_3");
        assertThat(SlackEvents.parse(bytes(approve)))
                .contains(new SlackEvent.AnswerPressed(
                        "T0FAKETEAM", "C1", "1700000004.000400", null, "U7", true, "pln_3"));
        // without a value there is nothing to answer with
        assertThat(SlackEvents.parse(bytes(approve.replace("\"value\":\"pln_3\"", "\"value\":\"\""))))
                .isEmpty();
    }

    @Test
    void otherButtonsAreIgnored() {
        String payload = SlackPayloads.stopPressed("C1", "1.2", null, "U7", "ses_42")
                .replace("nightshift_stop", StatusMessage.OPEN_ACTION_ID);

        assertThat(SlackEvents.parse(bytes(payload))).isEmpty();
    }

    @Test
    void otherEventTypesAreIgnored() {
        String reaction = """
                {"team_id":"T1","type":"event_callback","event_id":"Ev6","event":{"type":"reaction_added",
                 "user":"U1","reaction":"thumbsup","item":{"type":"message","channel":"C1","ts":"1.2"},
                 "event_ts":"1.3"}}
                """;

        assertThat(SlackEvents.parse(bytes(reaction))).isEmpty();
        assertThat(SlackEvents.parse(bytes("{\"type\":\"app_rate_limited\",\"team_id\":\"T1\"}")))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "null",
                "[]",
                "42",
                "\"event_callback\"",
                "{",
                "{\"type\":\"event_callback\"}",
                "{\"type\":\"url_verification\"}",
                "{\"type\":\"url_verification\",\"challenge\":7}",
                "{\"type\":7}",
                "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"E1\",\"event\":\"app_mention\"}",
                "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"E1\",\"event\":[]}",
                // no event id: the server could not deduplicate Slack's retries
                "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event\":{\"type\":\"app_mention\","
                        + "\"user\":\"U1\",\"channel\":\"C1\",\"ts\":\"1.2\"}}",
                // no team
                "{\"type\":\"event_callback\",\"event_id\":\"E1\",\"event\":{\"type\":\"app_mention\","
                        + "\"user\":\"U1\",\"channel\":\"C1\",\"ts\":\"1.2\"}}",
                // a mention without its user, a message without its channel or ts
                "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"E1\",\"event\":{"
                        + "\"type\":\"app_mention\",\"channel\":\"C1\",\"ts\":\"1.2\"}}",
                "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"E1\",\"event\":{"
                        + "\"type\":\"message\",\"user\":\"U1\",\"ts\":\"1.2\"}}",
                "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"E1\",\"event\":{"
                        + "\"type\":\"message\",\"user\":\"U1\",\"channel\":\"C1\",\"ts\":1.2}}",
                // ids of the wrong type
                "{\"type\":\"event_callback\",\"team_id\":[\"T1\"],\"event_id\":\"E1\",\"event\":{"
                        + "\"type\":\"app_mention\",\"user\":\"U1\",\"channel\":\"C1\",\"ts\":\"1.2\"}}",
                "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"E1\",\"event\":{"
                        + "\"type\":\"app_mention\",\"user\":{\"id\":\"U1\"},\"channel\":\"C1\",\"ts\":\"1.2\"}}",
                // a stop without its session, user or message
                "{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},"
                        + "\"container\":{\"channel_id\":\"C1\",\"message_ts\":\"1.2\"},"
                        + "\"actions\":[{\"action_id\":\"nightshift_stop\"}]}",
                "{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\"},"
                        + "\"container\":{\"channel_id\":\"C1\",\"message_ts\":\"1.2\"},"
                        + "\"actions\":[{\"action_id\":\"nightshift_stop\",\"value\":\"s\"}]}",
                "{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},"
                        + "\"actions\":[{\"action_id\":\"nightshift_stop\",\"value\":\"s\"}]}",
                "{\"type\":\"block_actions\",\"actions\":{\"action_id\":\"nightshift_stop\"}}"
            })
    void hostileOrIncompletePayloadsAreEmptyNeverAnError(String payload) {
        assertThat(SlackEvents.parse(bytes(payload))).isEmpty();
    }

    @Test
    void nullAndBinaryAndDeeplyNestedBodiesAreEmpty() {
        assertThat(SlackEvents.parse(null)).isEmpty();
        assertThat(SlackEvents.parse(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}))
                .isEmpty();
        String deep = "{\"type\":\"event_callback\",\"event\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThat(SlackEvents.parse(bytes(deep))).isEmpty();
    }

    // ---- requestText

    @Test
    void theAppsMentionIsRemovedWithTheSpaceAfterIt() {
        assertThat(SlackEvents.requestText("U0BOT", "<@U0BOT> fix the login bug"))
                .isEqualTo("fix the login bug");
        assertThat(SlackEvents.requestText("U0BOT", "hey <@U0BOT> fix it")).isEqualTo("hey fix it");
        assertThat(SlackEvents.requestText("U0BOT", "fix it <@U0BOT>")).isEqualTo("fix it");
        assertThat(SlackEvents.requestText("U0BOT", "<@U0BOT|nightshift> fix it"))
                .isEqualTo("fix it");
        assertThat(SlackEvents.requestText("U0BOT", "  <@U0BOT>\n\n  fix it \n"))
                .isEqualTo("fix it");
    }

    @Test
    void otherMentionsStay() {
        assertThat(SlackEvents.requestText("U0BOT", "<@U0BOT> ask <@U0ALICE> about <@U0BOTX>"))
                .isEqualTo("ask <@U0ALICE> about <@U0BOTX>");
    }

    @Test
    void linksBecomeTheirUrlAndEscapesTheirCharacters() {
        assertThat(SlackEvents.requestText(
                        "U0BOT",
                        "<@U0BOT> see <https://github.com/acme/app/pull/3|the PR> and <https://example.com>: "
                                + "if a &lt; b &amp;&amp; c &gt; d"))
                .isEqualTo("see https://github.com/acme/app/pull/3 and https://example.com: if a < b && c > d");
    }

    @Test
    void anEscapedEscapeIsDecodedOnce() {
        assertThat(SlackEvents.requestText("U0BOT", "write &amp;lt; literally")).isEqualTo("write &lt; literally");
    }

    @Test
    void aBotIdWithRegexCharactersIsTakenLiterally() {
        assertThat(SlackEvents.requestText("U.*", "<@U0BOT> hi")).isEqualTo("<@U0BOT> hi");
    }

    @Test
    void noTextOrNoBotIsHandled() {
        assertThat(SlackEvents.requestText("U0BOT", null)).isEmpty();
        assertThat(SlackEvents.requestText(null, " <@U0BOT> hi ")).isEqualTo("<@U0BOT> hi");
        assertThat(SlackEvents.requestText("U0BOT", "<@U0BOT>")).isEmpty();
    }

    // ---- repository

    @Test
    void slacksLinkFormNamesTheUrlNotTheLabel() {
        assertThat(SlackEvents.repository("<@U0BOT> fix <https://github.com/acme/app|github.com/acme/app>"))
                .contains("https://github.com/acme/app");
        assertThat(SlackEvents.repository("look at <https://github.com/acme/app|github.com/evil/app>"))
                .contains("https://github.com/acme/app");
    }

    @Test
    void aForgeUrlAnywhereNamesItsRepository() {
        assertThat(SlackEvents.repository("the test in https://github.com/acme/app/pull/3 fails"))
                .contains("https://github.com/acme/app");
        assertThat(SlackEvents.repository("see https://github.com/acme/app.git."))
                .contains("https://github.com/acme/app");
        assertThat(SlackEvents.repository("(https://github.com/Acme/App/blob/main/README.md#L3)"))
                .contains("https://github.com/Acme/App");
        assertThat(SlackEvents.repository("https://gitlab.com/group/sub/app/-/merge_requests/7 broke it"))
                .contains("https://gitlab.com/group/sub/app");
        assertThat(SlackEvents.repository("https://bitbucket.org/team/app/src/main/x.py"))
                .contains("https://bitbucket.org/team/app");
        assertThat(SlackEvents.repository("HTTPS://GitHub.com/acme/app?tab=readme"))
                .contains("https://github.com/acme/app");
    }

    @Test
    void otherHostsNeedTheWordOrDotGit() {
        assertThat(SlackEvents.repository("the bug described at https://sentry.example.com/org/issue/12"))
                .isEmpty();
        assertThat(SlackEvents.repository("fix it in https://git.example.com:8443/team/app"))
                .contains("https://git.example.com:8443/team/app");
        assertThat(SlackEvents.repository("clone https://git.example.com/repos/app.git please"))
                .contains("https://git.example.com/repos/app.git");
        assertThat(SlackEvents.repository("repo: <https://git.example.com/team/app/-/tree/main>"))
                .contains("https://git.example.com/team/app");
    }

    @Test
    void ownerSlashRepoCountsOnlyAfterTheWord() {
        assertThat(SlackEvents.repository("fix the login bug in acme/app")).contains("https://github.com/acme/app");
        assertThat(SlackEvents.repository("fix the login bug in acme/app.")).contains("https://github.com/acme/app");
        assertThat(SlackEvents.repository("repo acme/app: bump deps")).contains("https://github.com/acme/app");
        assertThat(SlackEvents.repository("Repo: `acme/my_app.js`")).contains("https://github.com/acme/my_app.js");
        assertThat(SlackEvents.repository("REPOSITORY acme-corp/app.git")).contains("https://github.com/acme-corp/app");
        assertThat(SlackEvents.repository("bump acme/app to v2")).isEmpty();
        assertThat(SlackEvents.repository("fix the and/or logic")).isEmpty();
    }

    @Test
    void theFirstRepositoryInReadingOrderWins() {
        assertThat(SlackEvents.repository("the parser in the CLI in acme/cli, like https://github.com/acme/app"))
                .contains("https://github.com/acme/cli");
        assertThat(SlackEvents.repository("like https://github.com/acme/app, but in acme/cli"))
                .contains("https://github.com/acme/app");
    }

    @Test
    void thingsThatAreNotRepositoriesNameNothing() {
        assertThat(SlackEvents.repository("fix the totals in 2024/25")).isEmpty();
        assertThat(SlackEvents.repository("in ../etc")).isEmpty();
        assertThat(SlackEvents.repository("in acme/..")).isEmpty();
        assertThat(SlackEvents.repository("in -acme/app")).isEmpty();
        assertThat(SlackEvents.repository("in acme/app/extra")).isEmpty();
        assertThat(SlackEvents.repository("https://github.com/acme")).isEmpty();
        assertThat(SlackEvents.repository("https://github.com/orgs/acme/teams")).isEmpty();
        assertThat(SlackEvents.repository("https://github.com/settings/tokens")).isEmpty();
        assertThat(SlackEvents.repository("in https://git.example.com/app")).isEmpty();
        assertThat(SlackEvents.repository("in https://git.example.com/team/../app"))
                .isEmpty();
        assertThat(SlackEvents.repository("in ftp://example.com/team/app")).isEmpty();
        assertThat(SlackEvents.repository("in https://[broken/team/app")).isEmpty();
        assertThat(SlackEvents.repository("mail <mailto:a@example.com|a@example.com> in private"))
                .isEmpty();
        assertThat(SlackEvents.repository("")).isEmpty();
        assertThat(SlackEvents.repository(null)).isEmpty();
    }

    @Test
    void credentialsInAUrlAreDropped() {
        assertThat(SlackEvents.repository("in https://me:s3cret@git.example.com/team/app"))
                .contains("https://git.example.com/team/app");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SlackEventsTest.class.getResourceAsStream("/events/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

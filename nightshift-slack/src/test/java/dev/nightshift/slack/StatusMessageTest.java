package dev.nightshift.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.slack.StatusMessage.PlanItem;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The status message's Block Kit JSON, read back as JSON the way Slack reads it. */
class StatusMessageTest {

    static final String SESSION = "ses_01J9Z";
    static final String URL = "https://nightshift.example.com/sessions/ses_01J9Z";
    static final List<PlanItem> PLAN = List.of(
            new PlanItem("Reproduce the bug", true),
            new PlanItem("Fix the parser", true),
            new PlanItem("Add a test", false));

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void whileWorkingItShowsTheStepTheToolThePlanAndBothButtons() throws Exception {
        StatusMessage status = StatusMessage.working(SESSION, URL, "Running the tests", "bash", PLAN);

        JsonNode blocks = json.readTree(status.blocksJson());

        assertThat(types(blocks)).containsExactly("section", "context", "section", "actions");
        assertThat(blocks.get(0).at("/text/type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(0).at("/text/text").asText()).contains("Working on it");
        assertThat(blocks.get(1).at("/elements/0/text").asText()).isEqualTo("Running the tests · running `bash`");
        assertThat(blocks.get(2).at("/text/text").asText())
                .isEqualTo("*Plan* · 2 of 3 done\n"
                        + ":white_check_mark: Reproduce the bug\n"
                        + ":white_check_mark: Fix the parser\n"
                        + ":white_large_square: Add a test");

        JsonNode open = blocks.get(3).at("/elements/0");
        assertThat(open.path("type").asText()).isEqualTo("button");
        assertThat(open.path("action_id").asText()).isEqualTo(StatusMessage.OPEN_ACTION_ID);
        assertThat(open.at("/text/type").asText()).isEqualTo("plain_text");
        assertThat(open.at("/text/text").asText()).isEqualTo("Open session");
        assertThat(open.path("url").asText()).isEqualTo(URL);

        JsonNode stop = blocks.get(3).at("/elements/1");
        assertThat(stop.path("type").asText()).isEqualTo("button");
        assertThat(stop.path("action_id").asText()).isEqualTo("nightshift_stop");
        assertThat(stop.path("value").asText()).isEqualTo(SESSION);
        assertThat(stop.path("style").asText()).isEqualTo("danger");
        assertThat(stop.at("/text/text").asText()).isEqualTo("Stop");
        assertThat(stop.at("/confirm/title/text").asText()).isEqualTo("Stop this session?");
        assertThat(stop.at("/confirm/confirm/text").asText()).isEqualTo("Stop");
        assertThat(stop.has("url")).isFalse();

        assertThat(status.text()).isEqualTo("Working on it: Running the tests\nSession: " + URL);
    }

    @Test
    void beforeTheFirstStepItSaysStartingAndLeavesOutAnEmptyPlan() throws Exception {
        JsonNode blocks = json.readTree(
                StatusMessage.working(SESSION, URL, null, null, List.of()).blocksJson());

        assertThat(types(blocks)).containsExactly("section", "context", "actions");
        assertThat(blocks.get(1).at("/elements/0/text").asText()).isEqualTo("Starting…");
    }

    @Test
    void whenDoneItShowsTheSummaryBranchAndPullRequestAndNoStop() throws Exception {
        StatusMessage status = StatusMessage.done(
                SESSION,
                URL,
                PLAN,
                "Fixed the parser.\n\nThe tests pass.",
                "nightshift/fix-parser",
                "https://github.com/acme/app/pull/7");

        JsonNode blocks = json.readTree(status.blocksJson());

        assertThat(types(blocks)).containsExactly("section", "section", "section", "section", "actions");
        assertThat(blocks.get(0).at("/text/text").asText()).contains("Done");
        assertThat(blocks.get(2).at("/text/text").asText()).isEqualTo("Fixed the parser.\n\nThe tests pass.");
        assertThat(blocks.get(3).at("/fields/0/text").asText()).isEqualTo("*Branch*\n`nightshift/fix-parser`");
        assertThat(blocks.get(3).at("/fields/1/text").asText())
                .isEqualTo("*Pull request*\n<https://github.com/acme/app/pull/7|https://github.com/acme/app/pull/7>");
        assertThat(blocks.get(4).path("elements")).hasSize(1);
        assertThat(blocks.get(4).at("/elements/0/action_id").asText()).isEqualTo(StatusMessage.OPEN_ACTION_ID);
        assertThat(status.blocksJson()).doesNotContain("nightshift_stop");

        assertThat(status.text())
                .isEqualTo(
                        "Done: Fixed the parser.\nPull request: https://github.com/acme/app/pull/7\nSession: " + URL);
    }

    @Test
    void whenFailedTheHeaderCarriesTheReason() throws Exception {
        StatusMessage status = StatusMessage.failed(
                SESSION, URL, "The model's budget is spent", List.of(), null, "nightshift/x", null);

        JsonNode blocks = json.readTree(status.blocksJson());

        assertThat(blocks.get(0).at("/text/text").asText()).isEqualTo(":x: *Failed*: The model's budget is spent");
        assertThat(types(blocks)).containsExactly("section", "section", "actions");
        assertThat(blocks.get(1).path("fields")).hasSize(1);
        assertThat(status.text()).startsWith("Failed: The model's budget is spent");
        assertThat(status.blocksJson()).doesNotContain("nightshift_stop");
    }

    @Test
    void theSummaryIsCutToItsLimitAfterEscaping() throws Exception {
        String summary = "<&>".repeat(2_000); // 6,000 characters, 26,000 once escaped
        JsonNode blocks = json.readTree(
                StatusMessage.done(SESSION, URL, List.of(), summary, null, null).blocksJson());

        String shown = blocks.get(1).at("/text/text").asText();

        assertThat(shown)
                .hasSizeLessThanOrEqualTo(StatusMessage.MAX_SUMMARY_CHARS)
                .endsWith("…");
        assertThat(shown).startsWith("&lt;&amp;&gt;&lt;");
        assertThat(shown.substring(0, shown.length() - 1)).matches("(&lt;&amp;&gt;)*(&lt;)?(&lt;&amp;)?");
    }

    @Test
    void aShortSummaryIsShownWhole() throws Exception {
        String summary = "x".repeat(StatusMessage.MAX_SUMMARY_CHARS);
        JsonNode blocks = json.readTree(
                StatusMessage.done(SESSION, URL, List.of(), summary, null, null).blocksJson());

        assertThat(blocks.get(1).at("/text/text").asText()).isEqualTo(summary);
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE80"; // one rocket, two chars
        String cut = StatusMessage.fit("a" + emoji.repeat(10), 6);

        assertThat(cut).isEqualTo("a" + emoji + emoji + "…");
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
    }

    @Test
    void whatTheSessionWritesCannotMentionOrLink() throws Exception {
        StatusMessage status = StatusMessage.working(
                SESSION,
                URL,
                "<!channel> look at <https://evil.example|this>",
                "<@U0ADMIN>",
                List.of(new PlanItem("ping <!here> & co", false)));

        // as Slack reads it: Gson escapes < in its output, so look at the JSON values
        String blocksJson = json.readTree(status.blocksJson()).toString();

        assertThat(blocksJson).doesNotContain("<!channel>", "<!here>", "<@U0ADMIN>", "<https://evil");
        assertThat(json.readTree(blocksJson).get(1).at("/elements/0/text").asText())
                .isEqualTo("&lt;!channel&gt; look at &lt;https://evil.example|this&gt; · running `&lt;@U0ADMIN&gt;`");
        assertThat(status.text()).contains("&lt;!channel&gt;").doesNotContain("<!channel>");
    }

    @Test
    void aUrlThatCouldBreakOutOfItsLinkIsShownAsText() throws Exception {
        String sneaky = "https://example.com/|<!channel>";
        StatusMessage status = StatusMessage.done(SESSION, sneaky, List.of(), null, null, sneaky);

        JsonNode blocks = json.readTree(status.blocksJson());

        assertThat(blocks.toString()).doesNotContain("<!channel>");
        assertThat(blocks.get(1).at("/fields/0/text").asText())
                .isEqualTo("*Pull request*\nhttps://example.com/|&lt;!channel&gt;");
        assertThat(types(blocks)).doesNotContain("actions"); // no Open session button to a bad URL
    }

    @Test
    void withoutAnAddressThereIsNoOpenButtonButStopStays() throws Exception {
        JsonNode blocks = json.readTree(
                StatusMessage.working(SESSION, null, "x", null, List.of()).blocksJson());

        JsonNode actions = blocks.get(blocks.size() - 1);
        assertThat(actions.path("elements")).hasSize(1);
        assertThat(actions.at("/elements/0/action_id").asText()).isEqualTo("nightshift_stop");
        assertThat(StatusMessage.working(SESSION, null, "x", null, List.of()).text())
                .doesNotContain("Session:");
    }

    @Test
    void aLongPlanListsItsFirstItemsAndCountsTheRest() throws Exception {
        List<PlanItem> plan = new ArrayList<>();
        IntStream.range(0, 40).forEach(i -> plan.add(new PlanItem("step " + i + " " + "y".repeat(400), i < 10)));

        JsonNode blocks = json.readTree(
                StatusMessage.working(SESSION, URL, "x", null, plan).blocksJson());
        String text = blocks.get(2).at("/text/text").asText();

        assertThat(text).startsWith("*Plan* · 10 of 40 done\n");
        assertThat(text.lines().filter(l -> l.startsWith(":"))).hasSize(StatusMessage.MAX_PLAN_ITEMS);
        assertThat(text).endsWith("\n…and 25 more");
        assertThat(text.length()).isLessThan(3_000); // a section's text limit
    }

    @Test
    void thePlanIsCopiedAndASessionIsRequired() {
        List<PlanItem> plan = new ArrayList<>(PLAN);
        StatusMessage status = StatusMessage.working(SESSION, URL, null, null, plan);
        plan.clear();

        assertThat(status.plan()).hasSize(3);
        assertThat(StatusMessage.working(SESSION, URL, null, null, null).plan()).isEmpty();
        assertThatThrownBy(() -> StatusMessage.working(null, URL, null, null, List.of()))
                .isInstanceOf(NullPointerException.class);
    }

    private static List<String> types(JsonNode blocks) {
        List<String> types = new ArrayList<>();
        blocks.forEach(b -> types.add(b.path("type").asText()));
        return types;
    }
}

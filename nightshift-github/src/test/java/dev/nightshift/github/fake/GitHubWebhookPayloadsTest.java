package dev.nightshift.github.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.github.PullRequestEvent;
import dev.nightshift.github.Webhooks;
import dev.nightshift.github.fake.GitHubWebhookPayloads.Origin;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The payload builders give what GitHub's webhook reference documents, readable by the production parser. */
class GitHubWebhookPayloadsTest {

    private static final Origin ORIGIN = Origin.githubCom(42, "octo-org/hello-world", "octocat");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theSignatureIsWhatWebhooksVerifies() {
        byte[] body = GitHubWebhookPayloads.issueComment(ORIGIN, "created", 7, false, 99, "octocat", "@nightshift go")
                .getBytes(StandardCharsets.UTF_8);

        String signature = GitHubWebhookPayloads.sign(body, "s3cret");

        assertThat(signature).matches("sha256=[0-9a-f]{64}");
        assertThat(Webhooks.verify("s3cret".getBytes(StandardCharsets.UTF_8), body, signature))
                .isTrue();
        assertThat(Webhooks.verify("other".getBytes(StandardCharsets.UTF_8), body, signature))
                .isFalse();
    }

    @Test
    void everyRepositoryEventNamesInstallationRepositoryAndSender() throws Exception {
        Origin bot = Origin.githubCom(42, "octo-org/hello-world", "dependabot[bot]");
        List<String> payloads = List.of(
                GitHubWebhookPayloads.issueComment(bot, "deleted", 7, true, 99, "octocat", "x"),
                GitHubWebhookPayloads.issueCommentEdited(bot, 7, false, 99, "octocat", "new", "old"),
                GitHubWebhookPayloads.pullRequestReviewComment(
                        bot, 3, 5, "octocat", "README.md", 2, "x", "feature", "a".repeat(40)),
                GitHubWebhookPayloads.pullRequest(
                        bot, "synchronize", 3, "T", "octocat", "feature", "a".repeat(40), "main", false, false),
                GitHubWebhookPayloads.issueAssigned(bot, 7, "T", "B", "octocat", "nightshift[bot]"),
                GitHubWebhookPayloads.issueLabeled(bot, 7, "T", "B", "octocat", "nightshift"),
                GitHubWebhookPayloads.checkSuite(bot, 11, "failure", "feature", "a".repeat(40), List.of(3)),
                GitHubWebhookPayloads.workflowRun(bot, 12, "failure", "feature", "a".repeat(40), List.of(3)));

        for (String payload : payloads) {
            JsonNode root = json.readTree(payload);
            assertThat(root.path("installation").path("id").asLong()).isEqualTo(42);
            assertThat(root.path("repository").path("full_name").asText()).isEqualTo("octo-org/hello-world");
            assertThat(root.path("repository").path("clone_url").asText())
                    .isEqualTo("https://github.com/octo-org/hello-world.git");
            assertThat(root.path("repository").path("html_url").asText())
                    .isEqualTo("https://github.com/octo-org/hello-world");
            assertThat(root.path("sender").path("login").asText()).isEqualTo("dependabot[bot]");
            assertThat(root.path("sender").path("type").asText()).isEqualTo("Bot");
            assertThat(root.path("sender").path("id").asLong()).isPositive();
        }
    }

    @Test
    void anIssueCommentOnAPullRequestCarriesIssuePullRequest() throws Exception {
        JsonNode onPr =
                json.readTree(GitHubWebhookPayloads.issueComment(ORIGIN, "created", 7, true, 99, "hubot", "hi"));
        JsonNode onIssue =
                json.readTree(GitHubWebhookPayloads.issueComment(ORIGIN, "created", 8, false, 98, "hubot", "hi"));

        assertThat(onPr.path("issue").has("pull_request")).isTrue();
        assertThat(onPr.path("comment").path("html_url").asText()).contains("/pull/7#issuecomment-99");
        assertThat(onPr.path("comment").path("user").path("type").asText()).isEqualTo("User");
        assertThat(onIssue.path("issue").has("pull_request")).isFalse();
        assertThat(onIssue.path("comment").path("body").asText()).isEqualTo("hi");
    }

    @Test
    void aMergedPullRequestIsReadByTheProductionParser() {
        byte[] body = GitHubWebhookPayloads.pullRequest(
                        ORIGIN, "closed", 3, "Fix", "octocat", "feature", "a".repeat(40), "main", false, true)
                .getBytes(StandardCharsets.UTF_8);

        PullRequestEvent event = Webhooks.parsePullRequest(body).orElseThrow();

        assertThat(event.action()).isEqualTo("closed");
        assertThat(event.repository()).isEqualTo("octo-org/hello-world");
        assertThat(event.number()).isEqualTo(3);
        assertThat(event.headRef()).isEqualTo("feature");
        assertThat(event.baseRef()).isEqualTo("main");
        assertThat(event.state()).isEqualTo(dev.nightshift.github.PullRequestState.MERGED);
    }

    @Test
    void installationEventsListRepositoriesAndCarryNoRepository() throws Exception {
        JsonNode created = json.readTree(
                GitHubWebhookPayloads.installation(ORIGIN, "created", List.of("octo-org/a", "octo-org/b")));
        JsonNode removed =
                json.readTree(GitHubWebhookPayloads.installationRepositories(ORIGIN, "removed", List.of("octo-org/b")));

        assertThat(created.path("action").asText()).isEqualTo("created");
        assertThat(created.path("installation").path("account").path("login").asText())
                .isEqualTo("octo-org");
        assertThat(created.path("repositories"))
                .extracting(r -> r.path("full_name").asText())
                .containsExactly("octo-org/a", "octo-org/b");
        assertThat(created.has("repository")).isFalse();
        assertThat(removed.path("repositories_removed")).hasSize(1);
        assertThat(removed.path("repositories_added")).isEmpty();
        assertThat(removed.path("installation").path("id").asLong()).isEqualTo(42);
    }

    @Test
    void ciEventsListThePullRequestsTheyBelongTo() throws Exception {
        JsonNode run = json.readTree(
                GitHubWebhookPayloads.workflowRun(ORIGIN, 12, "failure", "feature", "a".repeat(40), List.of(3, 4)));
        JsonNode suite = json.readTree(
                GitHubWebhookPayloads.checkSuite(ORIGIN, 11, "failure", "feature", "a".repeat(40), List.of(3)));

        assertThat(run.path("workflow_run").path("conclusion").asText()).isEqualTo("failure");
        assertThat(run.path("workflow_run").path("pull_requests"))
                .extracting(p -> p.path("number").asInt())
                .containsExactly(3, 4);
        assertThat(suite.path("check_suite").path("head_branch").asText()).isEqualTo("feature");
        assertThat(suite.path("check_suite")
                        .path("pull_requests")
                        .get(0)
                        .path("head")
                        .path("sha")
                        .asText())
                .isEqualTo("a".repeat(40));
    }
}

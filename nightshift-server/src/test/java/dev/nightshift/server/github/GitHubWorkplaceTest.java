package dev.nightshift.server.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.github.fake.GitHubWebhookPayloads;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.GitHubRepo;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitHub as a workplace, end to end: the GitHub fake (comments, reactions, permissions, pull requests,
 * issues, Actions jobs and logs) and a real git smart-HTTP server on loopback, a real Nightshift with
 * real sandboxes, and signed webhook deliveries modelled on GitHub's payloads. The agent is a scripted
 * executor that writes the prompt it got into a file, so its turns commit and push.
 */
class GitHubWorkplaceTest {
    static final String SECRET = "whsec-workplace-1";
    static final String REPO = "acme/app";

    @TempDir
    Path dir;

    GitHubFake github;
    TestServer server;
    Path remote;
    String adaGitHubToken;
    final List<String> prompts = new CopyOnWriteArrayList<>();
    final List<String> reviews = new CopyOnWriteArrayList<>();

    /** The GitHub account id the payload builders give a login. */
    static long gitHubId(String login) {
        return (login.hashCode() & 0x7fffffffL) + 1;
    }

    @BeforeEach
    void setUp() throws Exception {
        GitHubRepo repo = GitHubRepo.start(dir, gitHubId("ada"));
        github = repo.github();
        remote = repo.remote();
        adaGitHubToken = repo.adaToken();
        github.appSlug("nightshift");
        github.addUser(gitHubId("eve"), "eve", "Eve", null);
        github.addUser(gitHubId("zed"), "zed", "Zed", null);
        github.setPermission(REPO, "ada", "write");
        github.setPermission(REPO, "eve", "read");
        github.setPermission(REPO, "zed", "write");
        github.addInstallation(99, List.of(REPO));
        Path appKey = Files.writeString(dir.resolve("app.pem"), github.appPrivateKeyPem());
        server = TestServer.start(
                Map.ofEntries(
                        Map.entry("NIGHTSHIFT_GITHUB_APP_ID", github.appId()),
                        Map.entry("NIGHTSHIFT_GITHUB_APP_PRIVATE_KEY_FILE", appKey.toString()),
                        Map.entry("NIGHTSHIFT_GITHUB_API_URL", github.apiUrl().toString()),
                        Map.entry("NIGHTSHIFT_GITHUB_WEB_URL", github.webUrl().toString()),
                        Map.entry("NIGHTSHIFT_GITHUB_WEBHOOK_SECRET", SECRET),
                        Map.entry("NIGHTSHIFT_GITHUB_APP_SLUG", "nightshift"),
                        Map.entry("NIGHTSHIFT_GITHUB_REVIEW_REPOSITORIES", "acme/*"),
                        Map.entry("NIGHTSHIFT_GITHUB_ARCHIVE_AFTER", "1s"),
                        Map.entry("NIGHTSHIFT_GIT_INTERNAL_HOSTS", "127.0.0.1")),
                p -> {
                    p.sandboxes = true;
                    p.executor = turn -> {
                        if (turn.session().settings().readOnly()) {
                            // an automatic review: the agent's answer ends with the review as JSON
                            reviews.add(turn.message().content());
                            turn.emit(new dev.nightshift.core.event.EventPayload.AssistantMessage(
                                    1,
                                    "scripted",
                                    "The change looks right, with one risk.\n```json\n{\"summary\": \"One risk in the"
                                            + " login check.\", \"comments\": [{\"path\": \"src/Login.java\", \"line\": 2,"
                                            + " \"body\": \"An empty password passes here.\"}, {\"path\": \"README.md\","
                                            + " \"line\": 99, \"body\": \"Not in the diff.\"}]}\n```",
                                    List.of(),
                                    "stop",
                                    null,
                                    0));
                            return;
                        }
                        prompts.add(turn.message().content());
                        if (turn.message().content().contains("take your time")) {
                            // a longer turn with a plan, so its status comment is seen changing
                            turn.emit(new dev.nightshift.core.event.EventPayload.Todo(List.of(
                                    new dev.nightshift.core.event.EventPayload.TodoItem("read the form", "completed"),
                                    new dev.nightshift.core.event.EventPayload.TodoItem("fix it", "in_progress"))));
                            turn.emit(new dev.nightshift.core.event.EventPayload.ToolCall("c1", "bash", "{}"));
                            Thread.sleep(7_000);
                        }
                        Sandbox sandbox = turn.sandbox();
                        sandbox.writeFile(
                                "notes/turn-" + prompts.size() + ".txt",
                                turn.message().content().getBytes(StandardCharsets.UTF_8));
                    };
                });
        repo.addAda(server);
        ApiClient.Response linked = server.admin.put(
                "/api/users/ada/identities",
                Map.of(
                        "kind",
                        "github",
                        "issuer",
                        "127.0.0.1",
                        "subject",
                        String.valueOf(gitHubId("ada")),
                        "login",
                        "ada"));
        assertThat(linked.status()).as(linked.raw()).isIn(200, 201);
        server.admin.post("/api/users", Map.of("login", "eve"));
        server.admin.put(
                "/api/users/eve/identities",
                Map.of(
                        "kind",
                        "github",
                        "issuer",
                        "127.0.0.1",
                        "subject",
                        String.valueOf(gitHubId("eve")),
                        "login",
                        "eve"));
    }

    @AfterEach
    void tearDown() {
        server.close();
        github.close();
    }

    GitHubWebhookPayloads.Origin from(String login) {
        return GitHubWebhookPayloads.Origin.on(github, 99, REPO, login);
    }

    HttpResponse<String> deliver(String event, String body) throws Exception {
        return deliver(event, body, UUID.randomUUID().toString());
    }

    HttpResponse<String> deliver(String event, String body, String delivery) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/webhooks/github"))
                                .header("X-GitHub-Event", event)
                                .header("X-GitHub-Delivery", delivery)
                                .header("Content-Type", "application/json")
                                .header(
                                        "X-Hub-Signature-256",
                                        GitHubWebhookPayloads.sign(body.getBytes(StandardCharsets.UTF_8), SECRET))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Comments on the thread by {@code author} whose body contains {@code text}. */
    List<GitHubFake.IssueComment> comments(int number, String author, String text) {
        return github.issueComments(REPO, number).stream()
                .filter(c -> c.author().equals(author) && c.body().contains(text))
                .toList();
    }

    long mention(int number, boolean pullRequest, String author, String body) throws Exception {
        long id = github.addIssueComment(REPO, number, author, body);
        HttpResponse<String> response = deliver(
                "issue_comment",
                GitHubWebhookPayloads.issueComment(from(author), "created", number, pullRequest, id, author, body));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return id;
    }

    @Test
    void aMentionOnAPullRequestEndsWithACommitOnItsBranchByTheCommenterAndALaterOneFollowsUp() throws Exception {
        TestRepos.git(remote, "branch", "feature/login", "main");
        int pr = github.addPullRequest(REPO, "feature/login", "main", "Add login");
        long comment = mention(pr, true, "ada", "@nightshift please add a note about the login form");

        assertThat(github.reactions(comment)).contains("eyes");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(comments(pr, "ada", "✅ Done")).hasSize(1));
        String status = comments(pr, "ada", "✅ Done").getFirst().body();
        assertThat(status).contains(server.url() + "/sessions/ses_");
        assertThat(prompts.getFirst())
                .contains("please add a note about the login form")
                .contains("feature/login");
        // the work is a commit by Ada on the pull request's own branch
        assertThat(TestRepos.git(remote, "log", "-1", "--format=%an|%s", "feature/login"))
                .startsWith("Ada Lovelace|");
        assertThat(TestRepos.git(remote, "ls-tree", "-r", "--name-only", "feature/login"))
                .contains("notes/turn-1.txt");
        assertThat(github.pullRequests(REPO)).hasSize(1); // nothing new opened, the PR kept its title
        assertThat(github.pullRequest(REPO, pr).orElseThrow().title()).isEqualTo("Add login");

        // a later mention in the same thread is a follow-up in the same session
        String session =
                status.substring(status.indexOf("/sessions/") + 10, status.indexOf(')', status.indexOf("/sessions/")));
        mention(pr, true, "ada", "@nightshift and mention the password rules");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(comments(pr, "ada", "✅ Done")).hasSize(2));
        assertThat(comments(pr, "ada", "✅ Done").get(1).body()).contains("/sessions/" + session);
        assertThat(prompts).hasSize(2);
        assertThat(TestRepos.git(remote, "ls-tree", "-r", "--name-only", "feature/login"))
                .contains("notes/turn-2.txt");
    }

    @Test
    void aMentionOnAnIssueEndsWithAPullRequestThatFixesIt() throws Exception {
        github.addIssue(REPO, 7, "Crash on empty input", "Steps: submit the form empty.\n<!-- template -->", "eve");
        mention(7, false, "ada", "@nightshift can you fix this?");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(github.pullRequests(REPO)).hasSize(1));
        GitHubFake.PullRequest opened = github.pullRequests(REPO).getFirst();
        assertThat(opened.body()).contains("Fixes #7").contains(server.url() + "/sessions/");
        assertThat(opened.author()).isEqualTo("ada");
        assertThat(prompts.getFirst())
                .contains("Crash on empty input")
                .contains("submit the form empty")
                .doesNotContain("template");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(comments(7, "ada", "Pull request: "))
                        .singleElement()
                        .satisfies(c -> assertThat(c.body()).contains("/pull/" + opened.number())));
    }

    @Test
    void mentionsFromReadersBotsAndStrangersStartNothingAndStrangersAreToldOnce() throws Exception {
        int pr = github.addPullRequest(REPO, "main", "main", "Self");
        long fromReader = mention(pr, true, "eve", "@nightshift delete everything");
        long fromBot = mention(pr, true, "nightshift[bot]", "@nightshift I am talking to myself");
        long fromStranger = mention(pr, true, "zed", "@nightshift help");
        mention(pr, true, "zed", "@nightshift help again");

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(comments(pr, "nightshift[bot]", "@zed")).hasSize(1));
        assertThat(comments(pr, "nightshift[bot]", "@zed").getFirst().body())
                .contains("Sign in with GitHub at " + server.url());
        assertThat(github.reactions(fromReader)).isEmpty();
        assertThat(github.reactions(fromBot)).isEmpty();
        assertThat(github.reactions(fromStranger)).contains("eyes");
        assertThat(prompts).isEmpty();
        assertThat(server.admin.get("/api/audit?action=github.mention.ignored").raw())
                .contains("eve has read permission")
                .contains("from a bot");
    }

    @Test
    void failingChecksOnASessionsBranchBecomeFollowUpsWithTheErrorThenAskForAHuman() throws Exception {
        TestRepos.git(remote, "branch", "feature/ci", "main");
        int pr = github.addPullRequest(REPO, "feature/ci", "main", "CI work");
        mention(pr, true, "ada", "@nightshift tidy the README");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(comments(pr, "ada", "✅ Done")).hasSize(1));

        String log = "2026-12-05T10:00:00.0000000Z ##[group]Run mvn test\n"
                + "2026-12-05T10:00:01.0000000Z [INFO] Running LoginTest\n".repeat(200)
                + "2026-12-05T10:00:02.0000000Z [ERROR] LoginTest.rejectsEmptyPassword:41 expected: <401> but was: <500>\n"
                + "2026-12-05T10:00:03.0000000Z ##[error]Process completed with exit code 1.\n";
        for (int failure = 1; failure <= 3; failure++) {
            long runId = 5000 + failure;
            github.addWorkflowRun(
                    REPO,
                    runId,
                    "feature/ci",
                    "abc" + failure,
                    List.of(new GitHubFake.JobSpec("test", "failure", List.of("Run mvn test"), log)));
            HttpResponse<String> response = deliver(
                    "workflow_run",
                    GitHubWebhookPayloads.workflowRun(
                            from("ada"), runId, "failure", "feature/ci", "abc" + failure, List.of(pr)));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains(failure < 3 ? "follow-up" : "needs a human");
            if (failure < 3) {
                int expected = failure + 1;
                await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == expected);
                assertThat(prompts.getLast())
                        .contains("LoginTest.rejectsEmptyPassword:41 expected: <401> but was: <500>")
                        .hasSizeLessThan(20_000);
                await().atMost(Duration.ofSeconds(90))
                        .untilAsserted(
                                () -> assertThat(TestRepos.git(remote, "ls-tree", "-r", "--name-only", "feature/ci"))
                                        .contains("notes/turn-" + expected + ".txt"));
            }
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(comments(pr, "nightshift[bot]", "This needs a human"))
                        .hasSize(1));
        assertThat(prompts).hasSize(3);
        // the check state is on the session, where its watchers see it
        String session = sessionOf(comments(pr, "ada", "✅ Done").getFirst().body());
        JsonNode checks = artifact(session, "checks");
        assertThat(checks.path("data").path("conclusion").asText()).isEqualTo("failure");
        assertThat(checks.path("data").path("attempts").asInt()).isEqualTo(3);
        assertThat(server.admin.allEvents(session))
                .anySatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("artifact"));
    }

    String sessionOf(String statusComment) {
        int at = statusComment.indexOf("/sessions/") + 10;
        return statusComment.substring(at, statusComment.indexOf(')', at));
    }

    JsonNode artifact(String session, String type) {
        for (JsonNode a : server.admin
                .get("/api/sessions/" + session + "/artifacts")
                .body()
                .path("artifacts")) {
            if (a.path("type").asText().equals(type)) {
                return a;
            }
        }
        throw new AssertionError("no " + type + " artifact");
    }

    @Test
    void anIssueAssignedToTheAppOrLabelledForItStartsASessionAndAClosedPullRequestArchivesIt() throws Exception {
        github.addIssue(REPO, 11, "Upgrade the parser", "It is three majors behind.", "eve");
        HttpResponse<String> assigned = deliver(
                "issues",
                GitHubWebhookPayloads.issueAssigned(
                        from("ada"), 11, "Upgrade the parser", "It is three majors behind.", "eve", "nightshift[bot]"));
        assertThat(assigned.body()).contains("started");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(comments(11, "ada", "✅ Done")).hasSize(1));
        assertThat(prompts.getFirst()).contains("Upgrade the parser").contains("three majors behind");
        GitHubFake.PullRequest opened = github.pullRequests(REPO).getFirst();
        assertThat(opened.body()).contains("Fixes #11");

        github.addIssue(REPO, 21, "Flaky test", "Sometimes red.", "eve");
        HttpResponse<String> labelled = deliver(
                "issues",
                GitHubWebhookPayloads.issueLabeled(
                        from("ada"), 21, "Flaky test", "Sometimes red.", "eve", "nightshift"));
        assertThat(labelled.body()).contains("started");
        HttpResponse<String> otherLabel = deliver(
                "issues",
                GitHubWebhookPayloads.issueLabeled(from("ada"), 21, "Flaky test", "Sometimes red.", "eve", "bug"));
        assertThat(otherLabel.body()).contains("ignored");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 2);

        // the pull request is merged: its session is archived after the configured delay
        String session = sessionOf(comments(11, "ada", "✅ Done").getFirst().body());
        HttpResponse<String> closed = deliver(
                "pull_request",
                GitHubWebhookPayloads.pullRequest(
                        from("ada"),
                        "closed",
                        opened.number(),
                        opened.title(),
                        "ada",
                        opened.head(),
                        "abc",
                        "main",
                        false,
                        true));
        assertThat(closed.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                server.admin.get("/api/sessions/" + session).text("status"))
                        .isEqualTo("archived"));
    }

    @Test
    void aNewPullRequestGetsAnAutomatedReviewWithALineCommentFromAReadOnlySession() throws Exception {
        TestRepos.git(remote, "branch", "feature/review", "main");
        String before = TestRepos.git(remote, "rev-parse", "feature/review");
        int pr = github.addPullRequest(REPO, "feature/review", "main", "Check passwords");
        github.setPullRequestDiff(
                REPO,
                pr,
                "diff --git a/src/Login.java b/src/Login.java\n--- a/src/Login.java\n+++ b/src/Login.java\n"
                        + "@@ -1,2 +1,3 @@\n class Login {\n+  boolean ok(String p) { return p != null; }\n }\n");
        HttpResponse<String> opened = deliver(
                "pull_request",
                GitHubWebhookPayloads.pullRequest(
                        from("ada"),
                        "opened",
                        pr,
                        "Check passwords",
                        "ada",
                        "feature/review",
                        "abc123",
                        "main",
                        false,
                        false));
        assertThat(opened.body()).contains("reviewing");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(github.reviews(REPO, pr)).hasSize(1));
        GitHubFake.Review review = github.reviews(REPO, pr).getFirst();
        assertThat(review.author()).isEqualTo("nightshift[bot]"); // posted as the App
        assertThat(review.body()).contains("Automated review by Nightshift").contains("One risk in the login check");
        assertThat(review.comments()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("src/Login.java");
            assertThat(c.line()).isEqualTo(2);
        });
        assertThat(reviews.getFirst()).contains("Review pull request #" + pr).contains("+  boolean ok(String p)");
        assertThat(prompts).isEmpty(); // no writing turn ran
        assertThat(TestRepos.git(remote, "rev-parse", "feature/review")).isEqualTo(before); // nothing pushed

        // a draft, a push without re-review and a pull request of a repository not configured are left alone
        assertThat(deliver(
                                "pull_request",
                                GitHubWebhookPayloads.pullRequest(
                                        from("ada"),
                                        "synchronize",
                                        pr,
                                        "Check passwords",
                                        "ada",
                                        "feature/review",
                                        "abc124",
                                        "main",
                                        false,
                                        false))
                        .body())
                .contains("ignored");
        assertThat(deliver(
                                "pull_request",
                                GitHubWebhookPayloads.pullRequest(
                                        from("ada"),
                                        "opened",
                                        pr + 1,
                                        "Draft",
                                        "ada",
                                        "feature/review",
                                        "abc125",
                                        "main",
                                        true,
                                        false))
                        .body())
                .contains("ignored");
    }

    @Test
    void aMentionInAReviewThreadAnswersWithTheLineInViewAndAnEditedCommentStartsNothing() throws Exception {
        TestRepos.git(remote, "branch", "feature/thread", "main");
        int pr = github.addPullRequest(REPO, "feature/thread", "main", "Thread work");
        github.setPullRequestDiff(
                REPO,
                pr,
                "diff --git a/src/A.java b/src/A.java\n--- a/src/A.java\n+++ b/src/A.java\n@@ -1,1 +1,2 @@\n a\n+b\n");
        long comment = github.addReviewComment(REPO, pr, "ada", "src/A.java", 2, "@nightshift rename b to c here");
        HttpResponse<String> delivered = deliver(
                "pull_request_review_comment",
                GitHubWebhookPayloads.pullRequestReviewComment(
                        from("ada"),
                        pr,
                        comment,
                        "ada",
                        "src/A.java",
                        2,
                        "@nightshift rename b to c here",
                        "feature/thread",
                        "abc"));
        assertThat(delivered.body()).as(delivered.body()).contains("started");
        assertThat(github.reactions(comment)).contains("eyes");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 1);
        assertThat(prompts.getFirst()).contains("about src/A.java line 2").contains("rename b to c here");

        // an edit of a comment (even one that now mentions the App) never starts a session
        long plain = github.addIssueComment(REPO, pr, "ada", "looks good");
        HttpResponse<String> edited = deliver(
                "issue_comment",
                GitHubWebhookPayloads.issueCommentEdited(
                        from("ada"), pr, true, plain, "ada", "@nightshift do more", "looks good"));
        assertThat(edited.body()).contains("ignored");
        assertThat(github.reactions(plain)).isEmpty();
    }

    @Test
    void aFailingCheckSuiteFromAnotherCiBecomesAFollowUpWithItsCheckRunsOutput() throws Exception {
        TestRepos.git(remote, "branch", "feature/suite", "main");
        int pr = github.addPullRequest(REPO, "feature/suite", "main", "Suite work");
        mention(pr, true, "ada", "@nightshift tidy the build");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(comments(pr, "ada", "✅ Done")).hasSize(1));
        github.addCheckSuite(
                REPO,
                7001,
                "feature/suite",
                "def1",
                List.of(new GitHubFake.CheckRunSpec(
                        "build",
                        "failure",
                        "2 tests failed",
                        "Build failed",
                        "FAILED tests/test_login.py::test_empty_password - AssertionError: 500 != 401")));
        HttpResponse<String> response = deliver(
                "check_suite",
                GitHubWebhookPayloads.checkSuite(from("ada"), 7001, "failure", "feature/suite", "def1", List.of(pr)));
        assertThat(response.body()).contains("follow-up");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 2);
        assertThat(prompts.getLast()).contains("test_empty_password - AssertionError: 500 != 401");
    }

    @Test
    void theStatusCommentFollowsTheTurnsStepAndPlanWhileItRuns() throws Exception {
        github.addIssue(REPO, 31, "Slow one", "Needs care.", "eve");
        mention(31, false, "ada", "@nightshift take your time");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(comments(31, "ada", "Plan: 1 of 2 done"))
                        .singleElement()
                        .satisfies(c -> assertThat(c.body()).contains("current step: `bash`")));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(comments(31, "ada", "✅ Done")).hasSize(1));
        assertThat(github.issueComments(REPO, 31).stream()
                        .filter(c -> c.author().equals("ada")))
                .as("one status comment, edited in place")
                .hasSize(2); // the mention itself and the status comment
    }

    @Test
    void aDeliveryThatCouldNotBeHandledFailsAndItsRedeliveryIsHandled() throws Exception {
        int pr = github.addPullRequest(REPO, "main", "main", "Outage");
        long id = github.addIssueComment(REPO, pr, "ada", "@nightshift look");
        String body =
                GitHubWebhookPayloads.issueComment(from("ada"), "created", pr, true, id, "ada", "@nightshift look");
        String delivery = UUID.randomUUID().toString();
        github.serverErrorOnce(502); // GitHub fails the App's token request
        HttpResponse<String> failed = deliver("issue_comment", body, delivery);
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(502);
        assertThat(failed.body()).contains("redeliver");
        HttpResponse<String> redelivered = deliver("issue_comment", body, delivery);
        assertThat(redelivered.body()).contains("started");
        assertThat(deliver("issue_comment", body, delivery).body()).contains("duplicate");
    }

    @Test
    void aMentionOnAForksPullRequestWorksOnANewBranchAndLeavesTheForkAlone() throws Exception {
        int pr = github.addForkPullRequest(REPO, "eve/app", "patch-1", "main", "From a fork");
        mention(pr, true, "ada", "@nightshift add a test for this");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(comments(pr, "ada", "✅ Done")).hasSize(1));
        assertThat(prompts.getFirst()).contains("comes from a fork");
        String session = sessionOf(comments(pr, "ada", "✅ Done").getFirst().body());
        String branch = server.admin.get("/api/sessions/" + session).text("workBranch");
        assertThat(branch).isNotEqualTo("patch-1");
        assertThat(TestRepos.git(remote, "ls-tree", "-r", "--name-only", branch))
                .contains("notes/turn-1.txt");
    }
}

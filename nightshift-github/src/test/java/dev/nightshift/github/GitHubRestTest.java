package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.github.GitHubRest.CheckRun;
import dev.nightshift.github.GitHubRest.Comment;
import dev.nightshift.github.GitHubRest.CommentKind;
import dev.nightshift.github.GitHubRest.Issue;
import dev.nightshift.github.GitHubRest.Job;
import dev.nightshift.github.GitHubRest.PullRequest;
import dev.nightshift.github.GitHubRest.ReviewComment;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.github.fake.GitHubFake.CheckRunSpec;
import dev.nightshift.github.fake.GitHubFake.JobSpec;
import dev.nightshift.github.fake.GitHubFake.LineComment;
import dev.nightshift.github.fake.GitHubFake.RecordedRequest;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubRestTest {

    private static final String REPO = "octo-org/hello-world";
    private static final String DIFF = """
            diff --git a/src/Importer.java b/src/Importer.java
            index 3b18e51..a1f2c3d 100644
            --- a/src/Importer.java
            +++ b/src/Importer.java
            @@ -10,4 +10,6 @@ class Importer {
                 void run() {
            -        fetch();
            +        for (int i = 0; i < 3; i++) {
            +            if (fetch()) break;
            +        }
                 }
             }
            """;

    private GitHubFake github;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private GitHubRest rest;
    private String token;

    @BeforeEach
    void start() {
        github = GitHubFake.start();
        github.addUser(583231, "octocat", "The Octocat", null);
        github.addRepository(REPO);
        token = github.issueUserToken("octocat");
        rest = new GitHubRest(github.endpoints(), HttpClient.newHttpClient(), waits::add);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    // ---- comments and reactions ----------------------------------------------------------------

    @Test
    void commentsOnAnIssueAsTheTokensUser() {
        github.addIssue(REPO, 7, "Importer drops rows", "Seen twice", "hubot");

        Comment posted = rest.comment(token, REPO, 7, "On it");

        assertThat(posted.authorLogin()).isEqualTo("octocat");
        assertThat(posted.body()).isEqualTo("On it");
        assertThat(posted.htmlUrl()).isEqualTo(github.webUrl() + "/" + REPO + "/issues/7#issuecomment-" + posted.id());
        assertThat(posted.createdAt()).isNotNull();
        assertThat(github.issueComments(REPO, 7)).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(posted.id());
            assertThat(c.author()).isEqualTo("octocat");
            assertThat(c.body()).isEqualTo("On it");
        });
    }

    @Test
    void aPullRequestTakesConversationCommentsUnderItsNumber() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");

        Comment posted = rest.comment(token, REPO, pr, "Looking at the failure");

        assertThat(posted.htmlUrl()).contains("/" + REPO + "/pull/" + pr + "#issuecomment-");
        assertThat(github.issueComments(REPO, pr)).extracting(c -> c.body()).containsExactly("Looking at the failure");
    }

    @Test
    void withAnInstallationTokenTheAppCommentsAsItsBot() {
        github.addInstallation(7, List.of(REPO));
        github.addIssue(REPO, 1, "Bug", "", "hubot");
        GitHubApp app = new GitHubApp(
                github.endpoints(),
                github.appId(),
                github.appPrivateKeyPem(),
                HttpClient.newHttpClient(),
                Clock.systemUTC());

        Comment posted = rest.comment(app.installationToken(7), REPO, 1, "Queued");

        assertThat(posted.authorLogin()).isEqualTo(github.botLogin()).endsWith("[bot]");
        assertThat(github.issueComments(REPO, 1)).extracting(c -> c.author()).containsExactly(github.botLogin());
    }

    @Test
    void editingACommentReplacesItsBody() {
        github.addIssue(REPO, 3, "Bug", "", "hubot");
        Comment posted = rest.comment(token, REPO, 3, "Working… step 1 of 3");

        rest.editComment(token, REPO, posted.id(), "Done: opened #4");

        assertThat(github.issueComments(REPO, 3)).extracting(c -> c.body()).containsExactly("Done: opened #4");
        assertThat(github.requests("PATCH", "/repos/" + REPO + "/issues/comments/" + posted.id()))
                .hasSize(1);
    }

    @Test
    void editingACommentThatIsNotThereIsNotFound() {
        assertThatThrownBy(() -> rest.editComment(token, REPO, 424242, "x"))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("editing comment 424242")
                .hasMessageContaining("Not Found");
    }

    @Test
    void reactingTwiceWithTheSameContentLeavesOneReaction() {
        github.addIssue(REPO, 2, "Bug", "", "hubot");
        long comment = github.addIssueComment(REPO, 2, "hubot", "@nightshift fix this");

        rest.react(token, REPO, CommentKind.ISSUE, comment, "eyes");
        rest.react(token, REPO, CommentKind.ISSUE, comment, "eyes"); // GitHub answers 200 the second time
        rest.react(token, REPO, CommentKind.ISSUE, comment, "+1");

        assertThat(github.reactions(comment)).containsExactly("eyes", "+1");
        assertThat(github.requests("POST", "/repos/" + REPO + "/issues/comments/" + comment + "/reactions"))
                .hasSize(3);
    }

    @Test
    void reviewCommentsAreReactedToAtTheirOwnUrl() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");
        long comment = github.addReviewComment(REPO, pr, "hubot", "README.md", 3, "@nightshift reword this");

        rest.react(token, REPO, CommentKind.REVIEW, comment, "rocket");

        assertThat(github.reactions(comment)).containsExactly("rocket");
        assertThat(github.requests("POST", "/repos/" + REPO + "/pulls/comments/" + comment + "/reactions"))
                .hasSize(1);
        // the same id is no conversation comment: the other kind's URL does not know it
        assertThatThrownBy(() -> rest.react(token, REPO, CommentKind.ISSUE, comment, "rocket"))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void aReactionGitHubDoesNotHaveIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> rest.react(token, REPO, CommentKind.ISSUE, 1, "thumbsup"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("thumbsup");
        assertThat(github.requests()).isEmpty();
    }

    @Test
    void repliesJoinTheReviewCommentsThread() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");
        long comment = github.addReviewComment(REPO, pr, "hubot", "README.md", 3, "Why?");

        rest.replyToReviewComment(token, REPO, pr, comment, "Because the importer retries now");

        assertThat(github.reviewComments(REPO, pr))
                .extracting(LineComment::body, LineComment::inReplyTo, LineComment::author)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Why?", null, "hubot"),
                        org.assertj.core.groups.Tuple.tuple("Because the importer retries now", comment, "octocat"));
    }

    @Test
    void replyingUnderAnotherPullRequestsNumberIsNotFound() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");
        int other = github.addPullRequest(REPO, "other", "main", "Other");
        long comment = github.addReviewComment(REPO, pr, "hubot", "README.md", 3, "Why?");

        assertThatThrownBy(() -> rest.replyToReviewComment(token, REPO, other, comment, "x"))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    // ---- permissions ----------------------------------------------------------------------------

    @Test
    void permissionIsTheRoleNameSoMaintainAndTriageAreToldApart() {
        github.setPermission(REPO, "maya", "maintain");
        github.setPermission(REPO, "tom", "triage");
        github.setPermission(REPO, "wes", "write");
        github.setPermission(REPO, "gone", "none");
        github.addUser(9, "rita", null, null);

        assertThat(rest.permission(token, REPO, "maya")).isEqualTo("maintain");
        assertThat(rest.permission(token, REPO, "tom")).isEqualTo("triage");
        assertThat(rest.permission(token, REPO, "wes")).isEqualTo("write");
        assertThat(rest.permission(token, REPO, "octo-org")).isEqualTo("admin");
        assertThat(rest.permission(token, REPO, "rita")).isEqualTo("read"); // public repository
        assertThat(rest.permission(token, REPO, "gone")).isEqualTo("none");
    }

    @Test
    void aLoginGitHubDoesNotKnowHasNoPermission() {
        assertThat(rest.permission(token, REPO, "no-such-user")).isEqualTo(GitHubRest.NO_PERMISSION);
        assertThat(github.requests("GET", "/repos/" + REPO + "/collaborators/no-such-user/permission"))
                .hasSize(1);
    }

    @Test
    void onlyAdminMaintainAndWriteCanWrite() {
        assertThat(List.of("admin", "maintain", "write")).allMatch(GitHubRest::canWrite);
        assertThat(List.of("triage", "read", "none", "")).noneMatch(GitHubRest::canWrite);
        assertThat(GitHubRest.canWrite(null)).isFalse();
    }

    // ---- issues and pull requests ---------------------------------------------------------------

    @Test
    void readsAnIssueWithItsLabels() {
        github.addIssue(REPO, 12, "Importer drops rows", "Steps:\n1. import", "hubot");
        github.addIssueLabel(REPO, 12, "bug");
        github.addIssueLabel(REPO, 12, "nightshift");

        Issue issue = rest.issue(token, REPO, 12);

        assertThat(issue)
                .isEqualTo(new Issue(
                        12,
                        "Importer drops rows",
                        "Steps:\n1. import",
                        "hubot",
                        List.of("bug", "nightshift"),
                        false,
                        github.webUrl() + "/" + REPO + "/issues/12"));
    }

    @Test
    void aPullRequestReadAsAnIssueSaysSo() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");

        Issue issue = rest.issue(token, REPO, pr);

        assertThat(issue.pullRequest()).isTrue();
        assertThat(issue.title()).isEqualTo("Add retries");
        assertThat(issue.body()).isEmpty();
        assertThat(issue.htmlUrl()).endsWith("/pull/" + pr);
    }

    @Test
    void anIssueThatIsNotThereIsNotFound() {
        assertThatThrownBy(() -> rest.issue(token, REPO, 99))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void commentsKeepTheNewestOnesOldestFirstAcrossPages() {
        github.maxPageSize(2);
        github.addIssue(REPO, 5, "Bug", "", "hubot");
        for (int i = 1; i <= 5; i++) {
            github.addIssueComment(REPO, 5, i % 2 == 0 ? "hubot" : "octocat", "comment " + i);
        }

        List<Comment> newest = rest.comments(token, REPO, 5, 3);
        List<Comment> all = rest.comments(token, REPO, 5, 50);

        assertThat(newest).extracting(Comment::body).containsExactly("comment 3", "comment 4", "comment 5");
        assertThat(newest).extracting(Comment::authorLogin).containsExactly("octocat", "hubot", "octocat");
        assertThat(all).hasSize(5);
        assertThat(all.get(0).createdAt()).isNotNull();
        assertThat(github.requests("GET", "/repos/" + REPO + "/issues/5/comments"))
                .anySatisfy(r -> assertThat(r.query()).contains("page=3"));
        // authors' logins come with the comments: no request per author
        assertThat(github.requests()).noneMatch(r -> r.path().contains("/users/"));
    }

    @Test
    void askingForNoCommentsAsksGitHubNothing() {
        assertThat(rest.comments(token, REPO, 5, 0)).isEmpty();
        assertThat(github.requests()).isEmpty();
        assertThatThrownBy(() -> rest.comments(token, REPO, 5, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsAPullRequestsBranchesCommitAndAuthor() {
        int pr = github.addPullRequest(REPO, "nightshift/retries", "main", "Add retries");
        github.setPullRequestAuthor(REPO, pr, "renovate[bot]");

        PullRequest read = rest.pullRequest(token, REPO, pr);

        assertThat(read.number()).isEqualTo(pr);
        assertThat(read.title()).isEqualTo("Add retries");
        assertThat(read.body()).isEmpty();
        assertThat(read.headRef()).isEqualTo("nightshift/retries");
        assertThat(read.headRepoFullName()).isEqualTo(REPO);
        assertThat(read.headSha()).matches("[0-9a-f]{40}");
        assertThat(read.baseRef()).isEqualTo("main");
        assertThat(read.draft()).isFalse();
        assertThat(read.authorLogin()).isEqualTo("renovate[bot]");
        assertThat(read.authorType()).isEqualTo("Bot");
        assertThat(read.state()).isEqualTo("open");
        assertThat(read.merged()).isFalse();
        assertThat(read.htmlUrl()).isEqualTo(github.webUrl() + "/" + REPO + "/pull/" + pr);
    }

    @Test
    void aMergedPullRequestIsClosedAndMerged() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");
        github.mergePullRequest(REPO, pr);

        PullRequest read = rest.pullRequest(token, REPO, pr);

        assertThat(read.state()).isEqualTo("closed");
        assertThat(read.merged()).isTrue();
        assertThat(read.authorType()).isEqualTo("User");
    }

    @Test
    void theDiffIsTheUnifiedDiff() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");
        github.setPullRequestDiff(REPO, pr, DIFF);

        assertThat(rest.diff(token, REPO, pr, 1_000_000)).isEqualTo(DIFF);
    }

    @Test
    void aLongDiffIsCutAtMaxBytesBetweenCharacters() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");
        String big = DIFF + "+ ünïcödé ".repeat(100_000);
        github.setPullRequestDiff(REPO, pr, big);

        String cut = rest.diff(token, REPO, pr, 1001);

        assertThat(big).startsWith(cut);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isBetween(1000, 1001);
        assertThat(cut).doesNotContain("\uFFFD");
    }

    @Test
    void aReviewCommentsOnLinesOfTheNewVersion() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");
        github.setPullRequestDiff(REPO, pr, DIFF);
        String sha = rest.pullRequest(token, REPO, pr).headSha();

        long id = rest.review(
                token,
                REPO,
                pr,
                sha,
                "Two notes",
                List.of(
                        new ReviewComment("src/Importer.java", 11, "Three tries is arbitrary"),
                        new ReviewComment("src/Importer.java", 14, "Context lines take comments too")));

        assertThat(github.reviews(REPO, pr)).singleElement().satisfies(review -> {
            assertThat(review.id()).isEqualTo(id);
            assertThat(review.state()).isEqualTo("COMMENTED");
            assertThat(review.body()).isEqualTo("Two notes");
            assertThat(review.commitId()).isEqualTo(sha);
            assertThat(review.author()).isEqualTo("octocat");
            assertThat(review.comments())
                    .extracting(LineComment::path, LineComment::line, LineComment::side, LineComment::body)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    "src/Importer.java", 11, "RIGHT", "Three tries is arbitrary"),
                            org.assertj.core.groups.Tuple.tuple(
                                    "src/Importer.java", 14, "RIGHT", "Context lines take comments too"));
        });
    }

    @Test
    void aReviewCommentOutsideTheDiffFailsTheWholeReview() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");
        github.setPullRequestDiff(REPO, pr, DIFF);

        assertThatThrownBy(() -> rest.review(
                        token,
                        REPO,
                        pr,
                        "a".repeat(40),
                        "Notes",
                        List.of(new ReviewComment("src/Importer.java", 40, "Not in the diff"))))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(422))
                .hasMessageContaining("Unprocessable Entity");
        assertThat(github.reviews(REPO, pr)).isEmpty();
    }

    // ---- CI -------------------------------------------------------------------------------------

    @Test
    void failedJobsAreTheLatestAttemptsFailedTimedOutAndCancelledOnes() {
        github.addWorkflowRun(
                REPO,
                30433642,
                "feature",
                "b".repeat(40),
                List.of(
                        new JobSpec("build", "success", List.of(), "ok"),
                        new JobSpec("test", "failure", List.of("Run tests"), "FAILED ImporterTest"),
                        new JobSpec("lint", "timed_out", List.of("Lint"), "..."),
                        new JobSpec("docs", "skipped", List.of(), "")));

        List<Job> failed = rest.failedJobs(token, REPO, 30433642);

        assertThat(failed).extracting(Job::name).containsExactly("test", "lint");
        assertThat(failed.get(0).conclusion()).isEqualTo("failure");
        assertThat(failed.get(0).failedSteps()).containsExactly("Run tests");
        assertThat(failed.get(0).htmlUrl()).startsWith(github.webUrl() + "/" + REPO + "/actions/runs/30433642/job/");
        assertThat(failed.get(1).conclusion()).isEqualTo("timed_out");
        assertThat(failed.get(1).failedSteps()).containsExactly("Lint");
        assertThat(github.requests("GET", "/repos/" + REPO + "/actions/runs/30433642/jobs"))
                .singleElement()
                .satisfies(r -> assertThat(r.query()).contains("filter=latest"));
    }

    @Test
    void aJobLogIsFollowedToItsDownloadWithoutTheToken() {
        List<Long> jobs = github.addWorkflowRun(
                REPO,
                1,
                "feature",
                "b".repeat(40),
                List.of(new JobSpec("test", "failure", List.of("Run tests"), "line 1\nline 2\nFAILED\n")));

        String log = rest.jobLog(token, REPO, jobs.get(0), 10_000);

        assertThat(log).isEqualTo("line 1\nline 2\nFAILED\n");
        assertThat(github.requests("GET", "/repos/" + REPO + "/actions/jobs/" + jobs.get(0) + "/logs"))
                .singleElement()
                .satisfies(r -> assertThat(r.authorization()).isEqualTo("Bearer " + token));
        RecordedRequest download = github.requests().stream()
                .filter(r -> r.path().endsWith("/logs.txt"))
                .findFirst()
                .orElseThrow();
        assertThat(download.authorization()).isNull();
    }

    @Test
    void ofALogBiggerThanMaxBytesOnlyTheTailIsKept() {
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 3_000_000; i++) {
            big.append("2026-11-21T08:00:00.0000000Z step output line ")
                    .append(i)
                    .append(" ✓\n");
        }
        big.append("Error: ImporterTest.retries expected 3 but was 1\n");
        String full = big.toString();
        List<Long> jobs = github.addWorkflowRun(
                REPO,
                2,
                "feature",
                "b".repeat(40),
                List.of(new JobSpec("test", "failure", List.of("Run tests"), full)));

        String tail = rest.jobLog(token, REPO, jobs.get(0), 4097);

        assertThat(full).endsWith(tail);
        assertThat(tail).endsWith("Error: ImporterTest.retries expected 3 but was 1\n");
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isBetween(4095, 4097);
        assertThat(tail).doesNotContain("\uFFFD");
    }

    @Test
    void failedCheckRunsComeWithTheirOutputFromEveryPage() {
        github.maxPageSize(1);
        github.addCheckSuite(
                REPO,
                5555,
                "feature",
                "c".repeat(40),
                List.of(
                        new CheckRunSpec("compile", "success", "OK", "Compiled", null),
                        new CheckRunSpec("tests", "failure", "2 failed", "ImporterTest failed", "expected 3 but was 1"),
                        new CheckRunSpec("e2e", "cancelled", null, null, null),
                        new CheckRunSpec("style", "neutral", "Notes", "", null)));

        List<CheckRun> failed = rest.failedCheckRuns(token, REPO, 5555);

        assertThat(failed).extracting(CheckRun::name).containsExactly("tests", "e2e");
        CheckRun tests = failed.get(0);
        assertThat(tests.conclusion()).isEqualTo("failure");
        assertThat(tests.title()).isEqualTo("2 failed");
        assertThat(tests.summary()).isEqualTo("ImporterTest failed");
        assertThat(tests.text()).isEqualTo("expected 3 but was 1");
        assertThat(tests.detailsUrl()).startsWith(github.webUrl() + "/" + REPO + "/runs/");
        assertThat(failed.get(1).title()).isNull();
        assertThat(github.requests("GET", "/repos/" + REPO + "/check-suites/5555/check-runs"))
                .hasSize(4);
    }

    // ---- retries and refusals -------------------------------------------------------------------

    @Test
    void a502IsTriedAgainAfterASecond() {
        github.addIssue(REPO, 1, "Bug", "", "hubot");
        github.serverErrorOnce(502);

        Comment posted = rest.comment(token, REPO, 1, "Hello");

        assertThat(posted.body()).isEqualTo("Hello");
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
        assertThat(github.issueComments(REPO, 1)).hasSize(1);
    }

    @Test
    void serverErrorsBackOffDoublingAndHonourRetryAfter() {
        github.setPermission(REPO, "maya", "write");
        github.serverErrorOnce(503, Duration.ofSeconds(7));
        github.serverErrorOnce(504);

        assertThat(rest.permission(token, REPO, "maya")).isEqualTo("write");
        assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(2));
    }

    @Test
    void afterThreeServerErrorsTheCallFailsWithGitHubsAnswer() {
        github.addIssue(REPO, 1, "Bug", "", "hubot");
        long comment = github.addIssueComment(REPO, 1, "hubot", "x");
        github.serverErrorOnce(502);
        github.serverErrorOnce(502);
        github.serverErrorOnce(502);

        assertThatThrownBy(() -> rest.react(token, REPO, CommentKind.ISSUE, comment, "eyes"))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(502))
                .hasMessageContaining("Server Error")
                .hasMessageContaining("after 3 tries");
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(github.reactions(comment)).isEmpty();
    }

    @Test
    void aServerErrorMidwayThroughAGitHubApiChainRetriesTheChain() {
        List<Long> jobs = github.addWorkflowRun(
                REPO, 3, "feature", "b".repeat(40), List.of(new JobSpec("test", "failure", List.of("Run"), "log")));
        github.serverErrorOnce(504);

        assertThat(rest.jobLog(token, REPO, jobs.get(0), 100)).isEqualTo("log");
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void aSecondaryRateLimitIsWaitedOutOnPlainRequests() {
        int pr = github.addPullRequest(REPO, "feature", "main", "Add retries");
        github.secondaryRateLimitOnce(Duration.ofSeconds(3));

        assertThat(rest.pullRequest(token, REPO, pr).title()).isEqualTo("Add retries");
        assertThat(waits).containsExactly(Duration.ofSeconds(3));
        assertThat(github.requests("GET", "/repos/" + REPO + "/pulls/" + pr)).hasSize(2);
    }

    @Test
    void aSecondaryRateLimitWithoutRetryAfterWaitsAMinuteOnGitHubApiCalls() {
        github.addIssue(REPO, 1, "Bug", "", "hubot");
        github.secondaryRateLimitOnce(null);

        assertThat(rest.issue(token, REPO, 1).title()).isEqualTo("Bug");
        assertThat(waits).containsExactly(Duration.ofSeconds(60));
    }

    @Test
    void aSecondaryRateLimitAskingForTooLongFailsWithoutWaiting() {
        github.secondaryRateLimitOnce(Duration.ofHours(1));

        assertThatThrownBy(() -> rest.permission(token, REPO, "octocat"))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("Retry-After: 3600");
        assertThat(waits).isEmpty();
    }

    @Test
    void anExpiredTokenIsAnAuthenticationFailureOnEitherPath() {
        github.addIssue(REPO, 1, "Bug", "", "hubot");
        github.expireToken(token);

        assertThatThrownBy(() -> rest.comment(token, REPO, 1, "x"))
                .isInstanceOf(GitHubAuthException.class)
                .hasMessageContaining("Bad credentials");
        assertThatThrownBy(() -> rest.pullRequest(token, REPO, 1))
                .isInstanceOf(GitHubAuthException.class)
                .hasMessageContaining("Bad credentials");
        assertThat(waits).isEmpty();
    }

    @Test
    void anUnknownRepositoryIsNotFound() {
        assertThatThrownBy(() -> rest.failedJobs(token, "octo-org/missing", 1))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> rest.failedCheckRuns(token, "octo-org/missing", 1))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void refusesWhatIsNotOwnerSlashRepoBeforeAnyRequest() {
        assertThatThrownBy(() -> rest.issue(token, "octo-org/..", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rest.permission(token, "hello-world", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(github.requests()).isEmpty();
    }
}

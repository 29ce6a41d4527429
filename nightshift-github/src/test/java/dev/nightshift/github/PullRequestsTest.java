package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.github.PullRequestOutcome.CompareFallback;
import dev.nightshift.github.PullRequestOutcome.Opened;
import dev.nightshift.github.fake.GitHubFake;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PullRequestsTest {

    private static final String REPO = "octo-org/hello-world";
    private static final String HEAD = "nightshift/importer-retries";

    private GitHubFake github;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private PullRequests pulls;
    private String token;

    @BeforeEach
    void start() {
        github = GitHubFake.start();
        github.addUser(583231, "octocat", "The Octocat", null);
        github.addRepository(REPO);
        token = github.issueUserToken("octocat");
        pulls = new PullRequests(github.endpoints(), HttpClient.newHttpClient(), waits::add);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void opensAPullRequestAsTheUserThenUpdatesTheSameOneInsteadOfOpeningAnother() {
        Opened first = (Opened) pulls.openOrUpdate(token, REPO, HEAD, "main", "Add retries", "First try", false);

        assertThat(first.created()).isTrue();
        assertThat(first.state()).isEqualTo(PullRequestState.OPEN);
        assertThat(first.draft()).isFalse();
        assertThat(first.htmlUrl()).isEqualTo(URI.create(github.webUrl() + "/" + REPO + "/pull/" + first.number()));
        GitHubFake.PullRequest created =
                github.pullRequest(REPO, first.number()).orElseThrow();
        assertThat(created.author()).isEqualTo("octocat");
        assertThat(created.head()).isEqualTo(HEAD);
        assertThat(created.base()).isEqualTo("main");

        Opened second = (Opened)
                pulls.openOrUpdate(token, REPO, HEAD, "main", "Add retries to the importer", "Second try", false);

        assertThat(second.created()).isFalse();
        assertThat(second.number()).isEqualTo(first.number());
        assertThat(github.pullRequests(REPO)).hasSize(1);
        GitHubFake.PullRequest updated =
                github.pullRequest(REPO, first.number()).orElseThrow();
        assertThat(updated.title()).isEqualTo("Add retries to the importer");
        assertThat(updated.body()).isEqualTo("Second try");
        assertThat(github.requests("POST", "/repos/" + REPO + "/pulls")).hasSize(1);
        assertThat(github.requests())
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + token));
    }

    @Test
    void anUnchangedPullRequestIsNotPatched() {
        pulls.openOrUpdate(token, REPO, HEAD, "main", "Add retries", "Body", false);
        github.clearRequests();

        Opened again = (Opened) pulls.openOrUpdate(token, REPO, HEAD, "main", "Add retries", "Body", false);

        assertThat(again.created()).isFalse();
        assertThat(github.requests())
                .noneMatch(r -> r.method().equals("PATCH") || r.method().equals("POST"));
    }

    @Test
    void findsTheOpenPullRequestForTheBaseOnALaterPage() {
        github.maxPageSize(2);
        int ours = github.addPullRequest(REPO, HEAD, "main", "Old title");
        for (int i = 1; i <= 3; i++) { // newer, so listed first: ours ends up on page 2
            github.addPullRequest(REPO, HEAD, "release-" + i, "Backport " + i);
        }

        Opened outcome = (Opened) pulls.openOrUpdate(token, REPO, HEAD, "main", "New title", "", false);

        assertThat(outcome.created()).isFalse();
        assertThat(outcome.number()).isEqualTo(ours);
        assertThat(github.pullRequest(REPO, ours).orElseThrow().title()).isEqualTo("New title");
        assertThat(github.requests("GET", "/repos/" + REPO + "/pulls"))
                .anySatisfy(r -> assertThat(r.query()).contains("page=2"));
        assertThat(github.requests("POST", "/repos/" + REPO + "/pulls")).isEmpty();
    }

    @Test
    void createsOneWhenNoPageHasAnOpenPullRequestIntoTheBase() {
        github.maxPageSize(2);
        for (int i = 1; i <= 3; i++) {
            github.addPullRequest(REPO, HEAD, "release-" + i, "Backport " + i);
        }
        github.addPullRequest(REPO, "someone-else", "main", "Unrelated");

        Opened outcome = (Opened) pulls.openOrUpdate(token, REPO, HEAD, "main", "Add retries", "Body", true);

        assertThat(outcome.created()).isTrue();
        assertThat(outcome.draft()).isTrue();
        assertThat(github.pullRequests(REPO)).hasSize(5);
        assertThat(github.requests("GET", "/repos/" + REPO + "/pulls"))
                .anySatisfy(r -> assertThat(r.query()).contains("page=2"));
    }

    @Test
    void whenGitHubRefusesCreationTheUserGetsAPrefilledComparePage() {
        github.refusePullRequestCreation();

        PullRequestOutcome outcome = pulls.openOrUpdate(
                token, REPO, "nightshift/fix login#2", "main", "Fix login & retry", "Line 1\nLine 2 ünï", false);

        CompareFallback fallback = (CompareFallback) outcome;
        assertThat(fallback.url())
                .isEqualTo(URI.create(github.webUrl() + "/octo-org/hello-world/compare/"
                        + "main...nightshift/fix%20login%232?expand=1&title=Fix%20login%20%26%20retry"
                        + "&body=Line%201%0ALine%202%20%C3%BCn%C3%AF"));
        assertThat(fallback.reason()).contains("403").contains("Resource not accessible by integration");
        assertThat(github.pullRequests(REPO)).isEmpty();
    }

    @Test
    void anExpiredTokenIsAnAuthenticationFailure() {
        github.expireToken(token);

        assertThatThrownBy(() -> pulls.openOrUpdate(token, REPO, HEAD, "main", "T", "B", false))
                .isInstanceOf(GitHubAuthException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("Bad credentials");
        assertThat(github.pullRequests(REPO)).isEmpty();
    }

    @Test
    void aSecondaryRateLimitIsWaitedOutAsToldAndTheRequestRetried() {
        github.secondaryRateLimitOnce();

        Opened outcome = (Opened) pulls.openOrUpdate(token, REPO, HEAD, "main", "T", "B", false);

        assertThat(outcome.created()).isTrue();
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
        assertThat(github.requests("GET", "/repos/" + REPO)).hasSize(2);
        assertThat(github.pullRequests(REPO)).hasSize(1);
    }

    @Test
    void aSecondaryRateLimitWithoutRetryAfterWaitsAMinuteAsGitHubAdvises() {
        github.secondaryRateLimitOnce(null);

        Opened outcome = (Opened) pulls.openOrUpdate(token, REPO, HEAD, "main", "T", "B", false);

        assertThat(outcome.created()).isTrue();
        assertThat(waits).containsExactly(Duration.ofSeconds(60));
    }

    @Test
    void aSecondaryRateLimitAskingForMoreThanTheBoundFailsWithoutWaiting() {
        github.secondaryRateLimitOnce(Duration.ofHours(1));

        assertThatThrownBy(() -> pulls.openOrUpdate(token, REPO, HEAD, "main", "T", "B", false))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("Retry-After: 3600")
                .hasMessageContaining("longer than 60 s");
        assertThat(waits).isEmpty();
        assertThat(github.pullRequests(REPO)).isEmpty();
    }

    @Test
    void anExhaustedPrimaryRateLimitFailsAtOnceAndIsNotMistakenForARefusal() {
        github.exhaustRateLimit();

        assertThatThrownBy(() -> pulls.openOrUpdate(token, REPO, HEAD, "main", "T", "B", false))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("rate limit for this token is used up until");
        assertThat(waits).isEmpty();
        assertThat(github.requests()).hasSize(1);
    }

    @Test
    void anUnknownRepositoryIsANotFoundError() {
        assertThatThrownBy(() -> pulls.openOrUpdate(token, "octo-org/missing", HEAD, "main", "T", "B", false))
                .isInstanceOf(GitHubException.class)
                .satisfies(e -> assertThat(((GitHubException) e).status()).isEqualTo(404));
    }

    @Test
    void stateTellsOpenMergedAndMissingApart() {
        int open = github.addPullRequest(REPO, HEAD, "main", "Open one");
        int merged = github.addPullRequest(REPO, "other", "main", "Merged one");
        github.mergePullRequest(REPO, merged);

        assertThat(pulls.state(token, REPO, open)).contains(PullRequestState.OPEN);
        assertThat(pulls.state(token, REPO, merged)).contains(PullRequestState.MERGED);
        assertThat(pulls.state(token, REPO, 999)).isEmpty();
    }

    @Test
    void refusesSomethingThatIsNotOwnerSlashRepo() {
        assertThatThrownBy(() -> pulls.openOrUpdate(token, "hello-world", HEAD, "main", "T", "B", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owner/repo");
    }
}

package dev.nightshift.github;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kohsuke.github.GHIssueState;
import org.kohsuke.github.GHPullRequest;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.HttpException;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.extras.HttpClientGitHubConnector;

/**
 * Pull requests opened on a user's behalf, with the user's own token, so GitHub shows the user as
 * their author. Thread-safe; one instance serves every user.
 */
public final class PullRequests {

    private static final Pattern OWNER_AND_REPO = Pattern.compile("([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)");
    private static final int PAGE_SIZE = 100;

    private final GitHubEndpoints endpoints;
    private final GitHubConnector connector;
    private final Sleeper sleeper;
    private final Clock clock = Clock.systemUTC();

    /** With a client of its own. */
    public PullRequests(GitHubEndpoints endpoints) {
        this(endpoints, Http.defaultClient());
    }

    public PullRequests(GitHubEndpoints endpoints, HttpClient client) {
        this(endpoints, client, Sleeper.REAL);
    }

    PullRequests(GitHubEndpoints endpoints, HttpClient client, Sleeper sleeper) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.connector = new HttpClientGitHubConnector(Objects.requireNonNull(client, "client"));
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Makes sure a pull request from {@code headBranch} into {@code baseBranch} is open: updates the
     * title and body of an open one if they differ, else creates one. Safe to repeat.
     *
     * @param token the user's access token
     * @param ownerAndRepo e.g. {@code octo-org/hello-world}
     * @param draft whether a newly created pull request is a draft (an existing one keeps its state)
     * @return {@link PullRequestOutcome.Opened}, or {@link PullRequestOutcome.CompareFallback} when
     *     GitHub does not let this token open pull requests here (403)
     * @throws GitHubAuthException when the token is expired or revoked (refresh it and retry once)
     * @throws GitHubException for other refusals, with GitHub's message
     */
    public PullRequestOutcome openOrUpdate(
            String token,
            String ownerAndRepo,
            String headBranch,
            String baseBranch,
            String title,
            String body,
            boolean draft) {
        Matcher repo = parse(ownerAndRepo);
        Objects.requireNonNull(headBranch, "headBranch");
        Objects.requireNonNull(baseBranch, "baseBranch");
        Objects.requireNonNull(title, "title");
        String doing = "opening a pull request from " + headBranch + " into " + baseBranch + " on " + ownerAndRepo;
        return withSecondaryLimitRetries(doing, () -> {
            try {
                return openOrUpdateOnce(token, repo.group(1), ownerAndRepo, headBranch, baseBranch, title, body, draft);
            } catch (HttpException e) {
                if (e.getResponseCode() == 403 && !SecondaryRateLimit.mentioned(Hub4j.message(e))) {
                    return new PullRequestOutcome.CompareFallback(
                            compareUrl(ownerAndRepo, baseBranch, headBranch, title, body),
                            "GitHub refused to open the pull request with your account's token (403: "
                                    + Hub4j.message(e) + "); open it on GitHub from this prefilled page instead");
                }
                throw e;
            }
        });
    }

    /**
     * The state of pull request {@code number}, or empty when it does not exist (or the token cannot
     * see the repository).
     */
    public Optional<PullRequestState> state(String token, String ownerAndRepo, int number) {
        parse(ownerAndRepo);
        return withSecondaryLimitRetries("reading pull request #" + number + " of " + ownerAndRepo, () -> {
            try {
                GHPullRequest pr = connect(token).getRepository(ownerAndRepo).getPullRequest(number);
                return Optional.of(pr.isMerged() ? PullRequestState.MERGED : state(pr));
            } catch (FileNotFoundException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * The {@code owner/repo} of a git remote URL on this GitHub ({@code webUrl}'s host):
     * {@code https://host/o/r(.git)}, {@code git@host:o/r.git} or {@code ssh://git@host/o/r.git}.
     * Empty for anything else, including other hosts.
     */
    public static Optional<String> ownerAndRepo(String gitUrl, URI webUrl) {
        return RemoteUrls.ownerAndRepo(gitUrl, webUrl);
    }

    private PullRequestOutcome openOrUpdateOnce(
            String token,
            String owner,
            String ownerAndRepo,
            String head,
            String base,
            String title,
            String body,
            boolean draft)
            throws IOException {
        GHRepository repo = connect(token).getRepository(ownerAndRepo);
        Optional<GHPullRequest> open = findOpen(repo, owner, head, base);
        if (open.isPresent()) {
            return update(open.get(), title, body);
        }
        try {
            return opened(repo.createPullRequest(title, head, base, body, true, draft), true);
        } catch (HttpException e) {
            // 422 "A pull request already exists": another request created it since we looked
            if (e.getResponseCode() == 422) {
                Optional<GHPullRequest> raced = findOpen(repo, owner, head, base);
                if (raced.isPresent()) {
                    return update(raced.get(), title, body);
                }
            }
            throw e;
        }
    }

    /** GitHub filters by head; a branch may have open pull requests into several bases. */
    private static Optional<GHPullRequest> findOpen(GHRepository repo, String owner, String head, String base) {
        for (GHPullRequest pr : repo.queryPullRequests()
                .state(GHIssueState.OPEN)
                .head(owner + ":" + head)
                .list()
                .withPageSize(PAGE_SIZE)) {
            if (pr.getBase() != null && base.equals(pr.getBase().getRef())) {
                return Optional.of(pr);
            }
        }
        return Optional.empty();
    }

    private static PullRequestOutcome update(GHPullRequest pr, String title, String body) throws IOException {
        if (!title.equals(pr.getTitle())) {
            pr.setTitle(title);
        }
        if (!nullToEmpty(body).equals(nullToEmpty(pr.getBody()))) {
            pr.setBody(nullToEmpty(body));
        }
        return opened(pr, false);
    }

    /** {@code isDraft} fetches the full pull request when {@code pr} came from a list (lists omit some fields). */
    private static PullRequestOutcome.Opened opened(GHPullRequest pr, boolean created) throws IOException {
        return new PullRequestOutcome.Opened(
                pr.getNumber(), URI.create(pr.getHtmlUrl().toString()), state(pr), pr.isDraft(), created);
    }

    private static PullRequestState state(GHPullRequest pr) {
        return pr.getState() == GHIssueState.OPEN ? PullRequestState.OPEN : PullRequestState.CLOSED;
    }

    private GitHub connect(String token) throws IOException {
        return Hub4j.connect(endpoints, connector, token, sleeper, clock);
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    /**
     * github-api waits out secondary limits that come with Retry-After; this covers the ones that
     * only say so in the message, and turns the rest into {@link GitHubException}s.
     */
    private <T> T withSecondaryLimitRetries(String doing, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (HttpException e) {
                boolean limited = (e.getResponseCode() == 403 || e.getResponseCode() == 429)
                        && SecondaryRateLimit.mentioned(Hub4j.message(e));
                if (!limited || attempt >= SecondaryRateLimit.MAX_ATTEMPTS) {
                    throw translate(e, doing);
                }
                pause(SecondaryRateLimit.WAIT_WITHOUT_RETRY_AFTER, doing);
            } catch (LimitHandlers.LimitExceeded e) {
                throw new GitHubException(e.status, doing + ": " + e.getMessage(), e);
            } catch (FileNotFoundException e) {
                throw new GitHubException(404, doing + ": not found, or not visible to your account's token");
            } catch (IOException e) {
                throw new GitHubException(0, doing + ": " + e.getMessage(), e);
            }
        }
    }

    private void pause(Duration wait, String doing) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubException(0, doing + ": interrupted while waiting out GitHub's rate limit", e);
        }
    }

    private static GitHubException translate(HttpException e, String doing) {
        if (e.getResponseCode() == 401) {
            return new GitHubAuthException(
                    doing + ": GitHub refused the token (401 " + Hub4j.message(e) + "); refresh it or sign in again");
        }
        return new GitHubException(
                e.getResponseCode(), doing + ": GitHub answered " + e.getResponseCode() + " " + Hub4j.message(e), e);
    }

    private URI compareUrl(String ownerAndRepo, String base, String head, String title, String body) {
        return endpoints.web("/" + ownerAndRepo + "/compare/" + UrlEncoding.path(base) + "..." + UrlEncoding.path(head)
                + "?expand=1&title=" + UrlEncoding.query(title) + "&body=" + UrlEncoding.query(nullToEmpty(body)));
    }

    /** {@code owner/repo} split in two; refuses anything else, including "." and ".." as a name. */
    static Matcher parse(String ownerAndRepo) {
        Matcher m = OWNER_AND_REPO.matcher(Objects.requireNonNull(ownerAndRepo, "ownerAndRepo"));
        if (!m.matches() || m.group(2).equals(".") || m.group(2).equals("..")) {
            throw new IllegalArgumentException("expected owner/repo, got \"" + ownerAndRepo + "\"");
        }
        return m;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

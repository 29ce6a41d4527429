package dev.nightshift.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import org.kohsuke.github.GHIssue;
import org.kohsuke.github.GHIssueComment;
import org.kohsuke.github.GHLabel;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GHWorkflowJob;
import org.kohsuke.github.GHWorkflowRun;
import org.kohsuke.github.HttpException;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.extras.HttpClientGitHubConnector;

/**
 * What Nightshift does on GitHub around issues, pull requests and CI: comment and react, read an
 * issue or pull request with its conversation and diff, review, check who may ask for work, and
 * read what failed in a workflow run or check suite. Every method takes the token to act with (a
 * user's, or an installation's when acting as the App) and {@code owner/repo}.
 *
 * <p>Every call tries up to {@link SecondaryRateLimit#MAX_ATTEMPTS} times when GitHub answers with
 * its secondary rate limit or 502/503/504 (its load balancers' answers when a backend is briefly
 * gone), waiting as {@code Retry-After} says within {@link SecondaryRateLimit#MAX_WAIT}, else
 * {@link #FIRST_SERVER_ERROR_BACKOFF} doubling. A retried write may, rarely, land twice: GitHub
 * sometimes applies a request it answered 502 for. A 401 is a {@link GitHubAuthException}, any
 * other refusal a {@link GitHubException} with GitHub's message. Tokens are never logged or put in
 * messages.
 *
 * <p>Most calls go through github-api; the ones it cannot express (a comment known only by its id,
 * the role behind a permission, diffs, check suites by id, a review comment's side) are plain
 * requests. Thread-safe and stateless: one instance serves every caller, on the caller's thread,
 * which it blocks for the call (and any wait between tries).
 */
public final class GitHubRest {

    /** The first wait after a 502/503/504 without {@code Retry-After}; doubles each try. */
    static final Duration FIRST_SERVER_ERROR_BACKOFF = Duration.ofSeconds(1);

    /** What {@link #permission} answers for a login GitHub does not know on the repository. */
    public static final String NO_PERMISSION = "none";

    private static final Set<Integer> SERVER_ERRORS = Set.of(502, 503, 504);
    /** GitHub's reaction names. */
    private static final Set<String> REACTIONS =
            Set.of("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes");
    /** Repository roles in GitHub's order, strongest first; custom roles are named otherwise. */
    private static final List<String> ROLES = List.of("admin", "maintain", "write", "triage", "read");

    private static final Set<String> WRITE_ROLES = Set.of("admin", "maintain", "write");
    /** The conclusions of a job, step or check run that count as a failure worth fixing. */
    private static final Set<String> FAILED = Set.of("failure", "timed_out", "cancelled");

    private static final String DIFF_MEDIA_TYPE = "application/vnd.github.diff";
    private static final int PAGE_SIZE = 100;
    private static final int WHOLE_BODY = Integer.MAX_VALUE;

    /** A conversation comment on an issue or pull request. {@code body} is empty when there is none. */
    public record Comment(long id, String htmlUrl, String authorLogin, String body, Instant createdAt) {}

    /** Which kind of comment an id names: they are numbered apart and reacted to at different URLs. */
    public enum CommentKind {
        /** A conversation comment on an issue or pull request. */
        ISSUE,
        /** A comment on a line of a pull request's diff. */
        REVIEW
    }

    /**
     * An issue, or a pull request seen as an issue ({@code pullRequest} true). {@code body} is
     * empty when there is none; {@code labels} are names.
     */
    public record Issue(
            int number,
            String title,
            String body,
            String authorLogin,
            List<String> labels,
            boolean pullRequest,
            String htmlUrl) {

        public Issue {
            labels = List.copyOf(labels);
        }
    }

    /**
     * A pull request. {@code headRepoFullName} is {@code owner/repo} of the branch's repository (a
     * fork's for pull requests from forks), null when that repository was deleted. {@code body} is
     * empty when there is none; {@code authorType} is GitHub's {@code User}, {@code Bot} or
     * {@code Organization}; {@code state} is {@code open} or {@code closed}.
     */
    public record PullRequest(
            int number,
            String title,
            String body,
            String headRef,
            String headRepoFullName,
            String headSha,
            String baseRef,
            boolean draft,
            String authorLogin,
            String authorType,
            String state,
            boolean merged,
            String htmlUrl) {}

    /** A review's comment on line {@code line} (1-based) of {@code path} in the new version of the file. */
    public record ReviewComment(String path, int line, String body) {

        public ReviewComment {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(body, "body");
            if (line < 1) {
                throw new IllegalArgumentException("lines count from 1, got " + line);
            }
        }
    }

    /**
     * A GitHub Actions job that failed: {@code conclusion} is {@code failure}, {@code timed_out}
     * or {@code cancelled}; {@code failedSteps} the names of its steps that ended so.
     */
    public record Job(long id, String name, String conclusion, List<String> failedSteps, String htmlUrl) {

        public Job {
            failedSteps = List.copyOf(failedSteps);
        }
    }

    /**
     * A check run that failed, with the output its app reported ({@code title}, {@code summary},
     * {@code text} are null when the app gave none).
     */
    public record CheckRun(
            long id, String name, String conclusion, String title, String summary, String text, String detailsUrl) {}

    private final GitHubEndpoints endpoints;
    private final GitHubConnector connector;
    private final Http http;
    private final Sleeper sleeper;
    private final Clock clock = Clock.systemUTC();

    /** With a client of its own. */
    public GitHubRest(GitHubEndpoints endpoints) {
        this(endpoints, Http.defaultClient());
    }

    /**
     * @param client must not follow redirects by itself: a job log's redirect leads to another
     *     host, where the token must not go (github-api follows it without the token)
     */
    public GitHubRest(GitHubEndpoints endpoints, HttpClient client) {
        this(endpoints, client, Sleeper.REAL);
    }

    GitHubRest(GitHubEndpoints endpoints, HttpClient client, Sleeper sleeper) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.connector = new HttpClientGitHubConnector(Objects.requireNonNull(client, "client"));
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.http = new Http(client, clock, sleeper);
    }

    // ---- comments and reactions ---------------------------------------------------------------

    /** Posts a conversation comment on issue or pull request {@code issueNumber}. */
    public Comment comment(String token, String ownerAndRepo, int issueNumber, String body) {
        String repo = repoPath(ownerAndRepo);
        // one request (hub4j would read the repository and the issue first)
        ObjectNode request = Http.JSON.createObjectNode().put("body", Objects.requireNonNull(body, "body"));
        JsonNode c = call(
                        "commenting on #" + issueNumber + " of " + ownerAndRepo,
                        token,
                        "POST",
                        api(repo + "/issues/" + issueNumber + "/comments"),
                        request)
                .body();
        return new Comment(
                c.path("id").asLong(),
                c.path("html_url").asText(""),
                c.path("user").path("login").asText(""),
                c.path("body").asText(""),
                c.hasNonNull("created_at")
                        ? java.time.Instant.parse(c.path("created_at").asText())
                        : null);
    }

    /** Replaces the body of conversation comment {@code commentId}, e.g. a progress note as work goes on. */
    public void editComment(String token, String ownerAndRepo, long commentId, String body) {
        String repo = repoPath(ownerAndRepo);
        ObjectNode request = Http.JSON.createObjectNode().put("body", Objects.requireNonNull(body, "body"));
        call(
                "editing comment " + commentId + " on " + ownerAndRepo,
                token,
                "PATCH",
                api(repo + "/issues/comments/" + commentId),
                request);
    }

    /**
     * Reacts to a comment, e.g. {@code eyes} to say a request was seen. Reacting again with the
     * same content changes nothing (GitHub answers 200 instead of 201).
     *
     * @param content one of GitHub's reaction names: {@code +1 -1 laugh confused heart hooray rocket eyes}
     */
    public void react(String token, String ownerAndRepo, CommentKind kind, long commentId, String content) {
        String repo = repoPath(ownerAndRepo);
        Objects.requireNonNull(kind, "kind");
        if (!REACTIONS.contains(content)) {
            throw new IllegalArgumentException("GitHub has no reaction \"" + content + "\"; it has " + REACTIONS);
        }
        String comments = kind == CommentKind.ISSUE ? "/issues/comments/" : "/pulls/comments/";
        call(
                "reacting " + content + " to comment " + commentId + " on " + ownerAndRepo,
                token,
                "POST",
                api(repo + comments + commentId + "/reactions"),
                Http.JSON.createObjectNode().put("content", content));
    }

    /** Answers review comment {@code commentId} of pull request {@code pullNumber} in its thread. */
    public void replyToReviewComment(String token, String ownerAndRepo, int pullNumber, long commentId, String body) {
        String repo = repoPath(ownerAndRepo);
        ObjectNode request = Http.JSON.createObjectNode().put("body", Objects.requireNonNull(body, "body"));
        call(
                "replying to review comment " + commentId + " on #" + pullNumber + " of " + ownerAndRepo,
                token,
                "POST",
                api(repo + "/pulls/" + pullNumber + "/comments/" + commentId + "/replies"),
                request);
    }

    // ---- who may ask ----------------------------------------------------------------------------

    /**
     * {@code login}'s role on the repository: {@code admin}, {@code maintain}, {@code write},
     * {@code triage}, {@code read} or {@link #NO_PERMISSION} (also when GitHub answers 404: no such
     * user, or a repository the token cannot see). A custom role counts as the base role GitHub
     * reports for it.
     */
    public String permission(String token, String ownerAndRepo, String login) {
        String repo = repoPath(ownerAndRepo);
        Objects.requireNonNull(login, "login");
        String doing = "reading " + login + "'s permission on " + ownerAndRepo;
        URI uri = api(repo + "/collaborators/" + UrlEncoding.query(login) + "/permission");
        Http.Reply reply =
                retrying(doing, () -> exchange(token, "GET", uri, Http.API_MEDIA_TYPE, null, WHOLE_BODY, 404));
        if (reply.status() == 404) {
            return NO_PERMISSION;
        }
        String role = reply.body().path("role_name").asText("");
        if (ROLES.contains(role)) {
            return role;
        }
        String base = reply.body().path("permission").asText("");
        return ROLES.contains(base) ? base : NO_PERMISSION;
    }

    /** Whether a {@link #permission} lets its holder push: {@code admin}, {@code maintain} or {@code write}. */
    public static boolean canWrite(String permission) {
        return permission != null && WRITE_ROLES.contains(permission);
    }

    // ---- issues and pull requests ---------------------------------------------------------------

    /** Issue {@code number}, which may be a pull request ({@link Issue#pullRequest()}). */
    public Issue issue(String token, String ownerAndRepo, int number) {
        parse(ownerAndRepo);
        return retrying("reading #" + number + " of " + ownerAndRepo, () -> {
            GHIssue issue = repository(token, ownerAndRepo).getIssue(number);
            List<String> labels = new ArrayList<>();
            for (GHLabel label : issue.getLabels()) {
                labels.add(label.getName());
            }
            return new Issue(
                    issue.getNumber(),
                    issue.getTitle(),
                    nullToEmpty(issue.getBody()),
                    issue.getUser().getLogin(),
                    labels,
                    issue.isPullRequest(),
                    issue.getHtmlUrl().toString());
        });
    }

    /**
     * The conversation of issue or pull request {@code number}, oldest first: its newest
     * {@code max} comments when it has more. Reads every page (GitHub lists oldest first).
     */
    public List<Comment> comments(String token, String ownerAndRepo, int number, int max) {
        parse(ownerAndRepo);
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative, got " + max);
        }
        if (max == 0) {
            return List.of();
        }
        return retrying("reading the comments of #" + number + " of " + ownerAndRepo, () -> {
            Deque<Comment> newest = new ArrayDeque<>(Math.min(max, PAGE_SIZE));
            for (GHIssueComment c : repository(token, ownerAndRepo)
                    .getIssue(number)
                    .listComments()
                    .withPageSize(PAGE_SIZE)) {
                newest.addLast(comment(c));
                if (newest.size() > max) {
                    newest.removeFirst();
                }
            }
            return List.copyOf(newest);
        });
    }

    /** Pull request {@code number}. */
    public PullRequest pullRequest(String token, String ownerAndRepo, int number) {
        String repo = repoPath(ownerAndRepo);
        JsonNode pr = call(
                        "reading pull request #" + number + " of " + ownerAndRepo,
                        token,
                        "GET",
                        api(repo + "/pulls/" + number),
                        null)
                .body();
        JsonNode head = pr.path("head");
        return new PullRequest(
                pr.path("number").asInt(),
                pr.path("title").asText(),
                nullToEmpty(text(pr, "body")),
                text(head, "ref"),
                text(head.path("repo"), "full_name"),
                text(head, "sha"),
                text(pr.path("base"), "ref"),
                pr.path("draft").asBoolean(false),
                text(pr.path("user"), "login"),
                text(pr.path("user"), "type"),
                text(pr, "state"),
                pr.path("merged").asBoolean(false),
                text(pr, "html_url"));
    }

    /**
     * Pull request {@code number}'s unified diff, cut after at most {@code maxBytes} bytes (between
     * characters); the rest is not downloaded. GitHub refuses (406) diffs beyond its own limits.
     */
    public String diff(String token, String ownerAndRepo, int number, int maxBytes) {
        String repo = repoPath(ownerAndRepo);
        requirePositive(maxBytes);
        URI uri = api(repo + "/pulls/" + number);
        return retrying(
                        "reading the diff of pull request #" + number + " of " + ownerAndRepo,
                        () -> exchange(token, "GET", uri, DIFF_MEDIA_TYPE, null, maxBytes, 0))
                .text();
    }

    /**
     * Reviews pull request {@code number} at {@code commitSha} (a review of another commit would
     * place the comments on other lines) with {@code body} and comments on lines of the new
     * version of files, as a plain comment (neither approving nor requesting changes). GitHub
     * refuses (422) the whole review when a line is not part of the diff.
     *
     * @return the review's id
     */
    public long review(
            String token,
            String ownerAndRepo,
            int number,
            String commitSha,
            String body,
            List<ReviewComment> comments) {
        String repo = repoPath(ownerAndRepo);
        ObjectNode request = Http.JSON.createObjectNode();
        request.put("commit_id", Objects.requireNonNull(commitSha, "commitSha"));
        request.put("body", Objects.requireNonNull(body, "body"));
        request.put("event", "COMMENT");
        ArrayNode lines = request.putArray("comments");
        for (ReviewComment c : comments) {
            lines.addObject()
                    .put("path", c.path())
                    .put("line", c.line())
                    .put("side", "RIGHT")
                    .put("body", c.body());
        }
        Http.Reply reply = call(
                "reviewing pull request #" + number + " of " + ownerAndRepo,
                token,
                "POST",
                api(repo + "/pulls/" + number + "/reviews"),
                request);
        return reply.body().path("id").asLong();
    }

    // ---- CI -------------------------------------------------------------------------------------

    /**
     * The jobs of workflow run {@code workflowRunId}'s latest attempt that failed, timed out or were
     * cancelled, in GitHub's order.
     */
    public List<Job> failedJobs(String token, String ownerAndRepo, long workflowRunId) {
        parse(ownerAndRepo);
        return retrying("listing the jobs of workflow run " + workflowRunId + " of " + ownerAndRepo, () -> {
            List<Job> failed = new ArrayList<>();
            GHWorkflowRun run = repository(token, ownerAndRepo).getWorkflowRun(workflowRunId);
            for (GHWorkflowJob job : run.listJobs().withPageSize(PAGE_SIZE)) {
                String conclusion = conclusion(job.getConclusion());
                if (!FAILED.contains(conclusion)) {
                    continue;
                }
                List<String> steps = new ArrayList<>();
                for (GHWorkflowJob.Step step : job.getSteps()) {
                    if (FAILED.contains(conclusion(step.getConclusion()))) {
                        steps.add(step.getName());
                    }
                }
                failed.add(new Job(
                        job.getId(),
                        job.getName(),
                        conclusion,
                        steps,
                        job.getHtmlUrl() == null ? null : job.getHtmlUrl().toString()));
            }
            return failed;
        });
    }

    /**
     * The end of job {@code jobId}'s log: its last {@code maxBytes} bytes (fewer to start on a
     * whole character). The log is streamed through a buffer of that size, so a log of many
     * megabytes never sits in memory whole. GitHub redirects to a short-lived download URL on
     * another host, which is fetched without the token.
     */
    public String jobLog(String token, String ownerAndRepo, long jobId, int maxBytes) {
        parse(ownerAndRepo);
        requirePositive(maxBytes);
        return retrying(
                "downloading the log of job " + jobId + " of " + ownerAndRepo,
                () -> repository(token, ownerAndRepo)
                        .getWorkflowJob(jobId)
                        .downloadLogs(in -> BoundedText.tail(in, maxBytes)));
    }

    /** The check runs of check suite {@code checkSuiteId} that failed, timed out or were cancelled. */
    public List<CheckRun> failedCheckRuns(String token, String ownerAndRepo, long checkSuiteId) {
        String repo = repoPath(ownerAndRepo);
        String doing = "listing the check runs of check suite " + checkSuiteId + " of " + ownerAndRepo;
        List<CheckRun> failed = new ArrayList<>();
        Optional<URI> page =
                Optional.of(api(repo + "/check-suites/" + checkSuiteId + "/check-runs?per_page=" + PAGE_SIZE));
        while (page.isPresent()) {
            Http.Reply reply = call(doing, token, "GET", page.get(), null);
            for (JsonNode run : reply.body().path("check_runs")) {
                String conclusion = nullToEmpty(text(run, "conclusion"));
                if (FAILED.contains(conclusion)) {
                    JsonNode output = run.path("output");
                    failed.add(new CheckRun(
                            run.path("id").asLong(),
                            text(run, "name"),
                            conclusion,
                            text(output, "title"),
                            text(output, "summary"),
                            text(output, "text"),
                            text(run, "details_url")));
                }
            }
            page = Links.next(reply.header("Link").orElse(null), endpoints.api());
        }
        return List.copyOf(failed);
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private GHRepository repository(String token, String ownerAndRepo) throws IOException {
        return Hub4j.connect(endpoints, connector, token, sleeper, clock).getRepository(ownerAndRepo);
    }

    /**
     * {@code getUserName}, deprecated for {@code getUser().getLogin()}, because {@code getUser}
     * fetches the whole user: one more request per comment for a login the comment already has.
     */
    @SuppressWarnings("deprecation")
    private static Comment comment(GHIssueComment c) throws IOException {
        return new Comment(
                c.getId(),
                c.getHtmlUrl().toString(),
                c.getUserName(),
                nullToEmpty(c.getBody()),
                c.getCreatedAt().toInstant());
    }

    /** github-api's conclusion as GitHub writes it ({@code timed_out}); empty while still running. */
    private static String conclusion(GHWorkflowRun.Conclusion conclusion) {
        return conclusion == null || conclusion == GHWorkflowRun.Conclusion.UNKNOWN
                ? ""
                : conclusion.name().toLowerCase(Locale.ROOT);
    }

    /** A plain JSON request, tried as {@link #retrying} says; answers only a 2xx. */
    private Http.Reply call(String doing, String token, String method, URI uri, JsonNode body) {
        return retrying(doing, () -> exchange(token, method, uri, Http.API_MEDIA_TYPE, body, WHOLE_BODY, 0));
    }

    /**
     * One try of a plain request. A 2xx, or {@code alsoAnswer} (0 for none), is the answer; anything
     * else is thrown as {@link Refused} for {@link #retrying} to judge.
     */
    private Http.Reply exchange(
            String token, String method, URI uri, String accept, JsonNode body, int maxBodyBytes, int alsoAnswer) {
        HttpRequest.Builder request = Http.apiRequest(uri, Objects.requireNonNull(token, "token"), accept);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        Http.Reply reply = http.once(request.build(), maxBodyBytes);
        if (reply.ok() || reply.status() == alsoAnswer) {
            return reply;
        }
        throw new Refused(new Failure(
                reply.status(), reply.message(), reply.header("Retry-After").orElse(null), null));
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    /** What GitHub answered to one try that did not succeed. */
    private record Failure(int status, String message, String retryAfter, Exception cause) {

        boolean secondaryLimit() {
            return SecondaryRateLimit.applies(status, retryAfter, message);
        }

        boolean retryable() {
            return secondaryLimit() || SERVER_ERRORS.contains(status);
        }

        GitHubException exception(String doing, int tries) {
            if (status == 401) {
                return new GitHubAuthException(
                        doing + ": GitHub refused the token (401 " + message + "); refresh it or sign in again");
            }
            String after = tries > 1 ? " (after " + tries + " tries)" : "";
            return new GitHubException(status, doing + ": GitHub answered " + status + " " + message + after, cause);
        }
    }

    /** A plain request's refusal on its way to {@link #retrying}; never leaves this class. */
    private static final class Refused extends RuntimeException {
        final transient Failure failure;

        Refused(Failure failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }

    /**
     * Runs {@code call}, again after a secondary rate limit or a 502/503/504, at most
     * {@link SecondaryRateLimit#MAX_ATTEMPTS} times in all, waiting on this thread in between.
     * github-api waits out limits that come with {@code Retry-After} by itself (within the same
     * bound, see {@link LimitHandlers}); this covers the rest.
     */
    private <T> T retrying(String doing, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            Failure failure;
            try {
                return call.run();
            } catch (Refused e) {
                failure = e.failure;
            } catch (HttpException e) {
                failure = new Failure(e.getResponseCode(), Hub4j.message(e), Hub4j.header(e, "Retry-After"), e);
            } catch (LimitHandlers.LimitExceeded e) {
                throw new GitHubException(e.status, doing + ": " + e.getMessage(), e);
            } catch (FileNotFoundException e) {
                throw new GitHubException(404, doing + ": not found, or not visible with this token", e);
            } catch (IOException e) {
                throw new GitHubException(0, doing + ": " + e.getMessage(), e);
            }
            if (!failure.retryable() || attempt >= SecondaryRateLimit.MAX_ATTEMPTS) {
                throw failure.exception(doing, attempt);
            }
            pause(waitBeforeRetry(failure, attempt, doing), doing);
        }
    }

    private Duration waitBeforeRetry(Failure failure, int attempt, String doing) {
        if (!failure.secondaryLimit() && failure.retryAfter() == null) {
            return FIRST_SERVER_ERROR_BACKOFF.multipliedBy(1L << (attempt - 1));
        }
        return SecondaryRateLimit.waitFor(failure.retryAfter(), clock.instant())
                .orElseThrow(() -> new GitHubException(
                        failure.status(), doing + ": " + SecondaryRateLimit.tooLong(failure.retryAfter())));
    }

    private void pause(Duration wait, String doing) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubException(0, doing + ": interrupted while waiting to try again", e);
        }
    }

    private URI api(String pathAndQuery) {
        return endpoints.api(pathAndQuery);
    }

    /** {@code /repos/owner/repo}, after checking {@code ownerAndRepo} is that. */
    private static String repoPath(String ownerAndRepo) {
        Matcher m = parse(ownerAndRepo);
        return "/repos/" + m.group(1) + "/" + m.group(2);
    }

    private static Matcher parse(String ownerAndRepo) {
        return PullRequests.parse(ownerAndRepo);
    }

    private static void requirePositive(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
    }

    /** A text field, null when absent or null. */
    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

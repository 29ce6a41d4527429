package dev.nightshift.server.github;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.model.Identity;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.RepositoryPolicy;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.SessionQuery;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.Origin;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSink;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.github.FailureLogs;
import dev.nightshift.github.GitHubApp;
import dev.nightshift.github.GitHubEvent;
import dev.nightshift.github.GitHubRest;
import dev.nightshift.github.IssueText;
import dev.nightshift.github.Mentions;
import dev.nightshift.github.ReviewComments;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.git.GitIntegration;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.session.SessionProgress;
import dev.nightshift.triggers.TriggerPipeline;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub as a place to ask for work: a mention of the App in an issue or pull request comment, an
 * issue assigned to the App or labelled for it, and a failing check on a branch a Nightshift session
 * pushed. Each becomes a trigger of the {@link TriggerPipeline} (so a later mention in the same
 * thread follows up on the same session), attributed to the person who asked, found through their
 * linked GitHub identity; their status comment is edited in place while the turn runs.
 *
 * <p>Who acts: the App (an installation token of the delivery's own installation, so several
 * organisations are served at once) checks permissions, reacts with 👀, reads issues, pull requests
 * and job logs, and answers people it cannot act for; everything done for a person — the status
 * comment, the session's pushes and pull requests — uses that person's token. Every call is audited.
 *
 * <p>Threads: {@link #handle} runs on the webhook's request thread (it records the trigger before
 * GitHub is answered); the sink runs on the pipeline's threads; status comments are refreshed on
 * the server's timer.
 */
public final class GitHubWorkplace {
    private static final Logger LOG = LoggerFactory.getLogger(GitHubWorkplace.class);
    /** Origin kinds: a pull request's conversation, and an issue's. */
    static final String PULL_ORIGIN = "github-pr";

    static final String ISSUE_ORIGIN = GitIntegration.ISSUE_ORIGIN;
    /** An automatic review's origin: its session only looks, and the App posts what it found. */
    public static final String REVIEW_ORIGIN = "github-review";

    private static final int MAX_DIFF_BYTES = 1024 * 1024;
    private static final int MAX_DIFF_IN_PROMPT_CHARS = 60_000;
    private static final String STATUS_ARTIFACT = "github-status";
    private static final int MAX_PROMPT_CHARS = 24_000;
    private static final int MAX_LOG_BYTES = 2 * 1024 * 1024;
    private static final int MAX_SLIM_LOG_CHARS = 6_000;
    private static final int MAX_SUMMARY_CHARS = 3_000;
    private static final long STATUS_REFRESH_MS = 5_000;
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};

    /**
     * What the operator configured for GitHub work.
     *
     * @param reviewRepositories {@code owner/repo} or {@code owner/*}: whose new pull requests get an
     *     automatic review (empty: none)
     */
    public record Settings(
            String appSlug,
            String issueLabel,
            int ciFixAttempts,
            Duration archiveAfter,
            List<String> reviewRepositories,
            boolean reviewNightshiftPulls,
            boolean reviewEveryPush) {
        public Settings {
            reviewRepositories = List.copyOf(reviewRepositories);
        }

        public boolean mentionsOn() {
            return appSlug != null && !appSlug.isBlank();
        }

        /** Whether this repository's pull requests are reviewed automatically. */
        boolean reviews(String repository) {
            String lower = repository.toLowerCase(Locale.ROOT);
            return reviewRepositories.stream()
                    .map(p -> p.toLowerCase(Locale.ROOT))
                    .anyMatch(pattern -> pattern.endsWith("/*")
                            ? lower.startsWith(pattern.substring(0, pattern.length() - 1))
                            : lower.equals(pattern));
        }

        String botLogin() {
            return appSlug + "[bot]";
        }
    }

    private final Store store;
    private final TriggerPipeline pipeline;
    private final GitHubApp app;
    private final GitHubRest rest;
    private final GitCredentials credentials;
    private final String host;
    private final String webUrl;
    private final Settings settings;
    private final RepositoryPolicy repositories;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private final EventLog log;
    /** Told when a session is archived here: its sandbox goes. */
    private final java.util.function.Consumer<String> archived;
    /** Status comments of turns still running on this node's watch: trigger id → comment. */
    private final Map<String, Status> running = new ConcurrentHashMap<>();

    /** One status comment: where it is, whose token edits it, what it said last. */
    private record Status(String repository, long commentId, String token, String sessionId, String said) {}

    public GitHubWorkplace(
            Store store,
            TriggerPipeline pipeline,
            GitHubApp app,
            GitHubRest rest,
            GitCredentials credentials,
            String host,
            String webUrl,
            Settings settings,
            RepositoryPolicy repositories,
            java.util.function.Consumer<String> archived,
            EventLog log,
            Supplier<String> baseUrl,
            Clock clock) {
        this.log = log;
        this.archived = archived;
        this.store = store;
        this.pipeline = pipeline;
        this.app = app;
        this.rest = rest;
        this.credentials = credentials;
        this.host = host;
        this.webUrl = webUrl.endsWith("/") ? webUrl.substring(0, webUrl.length() - 1) : webUrl;
        this.settings = settings;
        this.repositories = repositories;
        this.baseUrl = baseUrl;
        this.clock = clock;
        Sink sink = new Sink();
        pipeline.sink(PULL_ORIGIN, sink);
        pipeline.sink(ISSUE_ORIGIN, sink);
        pipeline.sink(REVIEW_ORIGIN, new ReviewSink());
    }

    /** Refreshes running status comments, and archives sessions of closed pull requests, on {@code timer}. */
    public void start(ScheduledExecutorService timer) {
        this.archiver = timer;
        timer.scheduleWithFixedDelay(this::refreshQuietly, STATUS_REFRESH_MS, STATUS_REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Acts on one verified, first-seen delivery. Returns what was done, for the webhook's answer and
     * the audit log ({@code ignored: …} when nothing).
     */
    public String handle(GitHubEvent event) {
        switch (event) {
            case GitHubEvent.CommentEvent c -> remember(c.repository(), c.installationId());
            case GitHubEvent.IssueChanged i -> remember(i.repository(), i.installationId());
            case GitHubEvent.CheckCompleted c -> remember(c.repository(), c.installationId());
            case GitHubEvent.PullRequestChanged p -> remember(p.repository(), p.installationId());
            case GitHubEvent.InstallationChanged i ->
                i.repositoriesAdded().forEach(r -> remember(r, i.installationId()));
        }
        try {
            return switch (event) {
                case GitHubEvent.CommentEvent comment -> comment(comment);
                case GitHubEvent.IssueChanged issue -> issue(issue);
                case GitHubEvent.CheckCompleted check -> check(check);
                case GitHubEvent.PullRequestChanged pull -> pull(pull);
                case GitHubEvent.InstallationChanged installation -> installation(installation);
            };
        } catch (RuntimeException e) {
            LOG.warn("handling a GitHub {} failed", event.getClass().getSimpleName(), e);
            audit(null, "github.event", event.getClass().getSimpleName(), "failed", e.getMessage());
            return "failed: " + e.getMessage();
        }
    }

    // ---------------------------------------------------------------- mentions

    private String comment(GitHubEvent.CommentEvent c) {
        if (!settings.mentionsOn() || !"created".equals(c.action())) {
            return "ignored: " + c.action() + " comment";
        }
        if (!Mentions.mentions(settings.appSlug(), c.body())) {
            return "ignored: no mention";
        }
        String target = c.repository() + "#" + c.number();
        if (c.author().bot() || c.author().login().equalsIgnoreCase(settings.botLogin())) {
            audit(
                    null,
                    "github.mention.ignored",
                    target,
                    "ignored",
                    "from a bot: " + c.author().login());
            return "ignored: a bot";
        }
        Optional<String> refusal = outsidePolicy(c.repository());
        if (refusal.isPresent()) {
            audit(null, "github.mention.ignored", target, "ignored", refusal.get());
            return "ignored: repository policy";
        }
        String appToken = app.installationToken(c.installationId());
        String permission = rest.permission(appToken, c.repository(), c.author().login());
        audit(null, "github.permission", target, "ok", c.author().login() + ": " + permission);
        if (!GitHubRest.canWrite(permission)) {
            audit(
                    null,
                    "github.mention.ignored",
                    target,
                    "ignored",
                    c.author().login() + " has " + permission + " permission, not write");
            return "ignored: no write permission";
        }
        rest.react(
                appToken,
                c.repository(),
                c.reviewComment() ? GitHubRest.CommentKind.REVIEW : GitHubRest.CommentKind.ISSUE,
                c.commentId(),
                "eyes");
        audit(null, "github.react", target, "ok", "eyes on comment " + c.commentId());
        Optional<User> user = person(c.author());
        if (user.isEmpty()) {
            hintSignIn(appToken, c.repository(), c.number(), c.author().login());
            return "ignored: " + c.author().login() + " has no Nightshift account";
        }
        String request =
                Mentions.request(settings.appSlug(), c.body()).orElse("").strip();
        NewTrigger trigger;
        if (c.pullRequest()) {
            GitHubRest.PullRequest pr = rest.pullRequest(appToken, c.repository(), c.number());
            audit(
                    null,
                    "github.read",
                    target,
                    "ok",
                    "pull request, head " + pr.headRepoFullName() + ":" + pr.headRef());
            boolean sameRepository = c.repository().equalsIgnoreCase(pr.headRepoFullName());
            StringBuilder prompt = new StringBuilder("@")
                    .append(c.author().login())
                    .append(" asks, on pull request #")
                    .append(c.number())
                    .append(" (")
                    .append(pr.title())
                    .append(") of ")
                    .append(c.repository());
            if (c.path() != null) {
                prompt.append(", about ").append(c.path()).append(c.line() == null ? "" : " line " + c.line());
            }
            prompt.append(":\n\n").append(request.isEmpty() ? "(no request: look at the pull request)" : request);
            prompt.append(
                    sameRepository
                            ? "\n\nYou are on the pull request's branch " + pr.headRef()
                                    + "; what you commit is pushed there."
                            : "\n\nThe pull request comes from a fork, which cannot be pushed to: your work goes to a new branch.");
            trigger = new NewTrigger(
                    TriggerPipeline.newTriggerId(),
                    TriggerSource.GITHUB,
                    user.get().id(),
                    repositoryUrl(c.repository()),
                    pr.baseRef(),
                    cap(prompt.toString()),
                    "comment:" + c.commentId(),
                    new Origin(PULL_ORIGIN, target),
                    sameRepository ? pr.headRef() : null);
        } else {
            trigger =
                    issueTrigger(appToken, c.repository(), c.number(), user.get(), request, "comment:" + c.commentId());
        }
        pipeline.record(trigger);
        audit(user.get().id(), "github.mention", target, "ok", "comment " + c.commentId());
        return "started: " + trigger.id();
    }

    private NewTrigger issueTrigger(
            String appToken, String repository, int number, User user, String request, String dedupe) {
        GitHubRest.Issue issue = rest.issue(appToken, repository, number);
        List<String[]> comments = new ArrayList<>();
        for (GitHubRest.Comment comment : rest.comments(appToken, repository, number, 50)) {
            comments.add(new String[] {comment.authorLogin(), comment.body()});
        }
        audit(null, "github.read", repository + "#" + number, "ok", "issue and " + comments.size() + " comments");
        String text = IssueText.prompt(issue.title(), issue.body(), comments, MAX_PROMPT_CHARS - 2_000);
        String prompt = "Work on issue #" + number + " of " + repository + " (" + issue.htmlUrl() + ")"
                + (request.isEmpty() ? "" : "; @" + user.login() + " asks: " + request)
                + ".\nMake the change on a new branch with tests; the pull request will close the issue.\n\n"
                + text;
        return new NewTrigger(
                TriggerPipeline.newTriggerId(),
                TriggerSource.GITHUB,
                user.id(),
                repositoryUrl(repository),
                null,
                cap(prompt),
                dedupe,
                new Origin(ISSUE_ORIGIN, repository + "#" + number),
                null);
    }

    // ---------------------------------------------------------------- issues

    private String issue(GitHubEvent.IssueChanged i) {
        boolean assigned = "assigned".equals(i.action())
                && settings.mentionsOn()
                && settings.botLogin().equalsIgnoreCase(i.assigneeLogin());
        boolean labelled = "labeled".equals(i.action())
                && !settings.issueLabel().isBlank()
                && settings.issueLabel().equalsIgnoreCase(i.labelName());
        if (!assigned && !labelled) {
            return "ignored: issue " + i.action();
        }
        String target = i.repository() + "#" + i.number();
        if (i.sender().bot()) {
            audit(
                    null,
                    "github.issue.ignored",
                    target,
                    "ignored",
                    "from a bot: " + i.sender().login());
            return "ignored: a bot";
        }
        Optional<String> refusal = outsidePolicy(i.repository());
        if (refusal.isPresent()) {
            audit(null, "github.issue.ignored", target, "ignored", refusal.get());
            return "ignored: repository policy";
        }
        String appToken = app.installationToken(i.installationId());
        String permission = rest.permission(appToken, i.repository(), i.sender().login());
        if (!GitHubRest.canWrite(permission)) {
            audit(
                    null,
                    "github.issue.ignored",
                    target,
                    "ignored",
                    i.sender().login() + " has " + permission + " permission, not write");
            return "ignored: no write permission";
        }
        Optional<User> user = person(i.sender());
        if (user.isEmpty()) {
            hintSignIn(appToken, i.repository(), i.number(), i.sender().login());
            return "ignored: " + i.sender().login() + " has no Nightshift account";
        }
        NewTrigger trigger = issueTrigger(
                appToken,
                i.repository(),
                i.number(),
                user.get(),
                "",
                "issue:" + target + ":" + (assigned ? "assigned" : "labeled"));
        pipeline.record(trigger);
        audit(user.get().id(), "github.issue", target, "ok", assigned ? "assigned" : "labelled " + i.labelName());
        return "started: " + trigger.id();
    }

    // ---------------------------------------------------------------- failing checks

    private String check(GitHubEvent.CheckCompleted c) {
        String conclusion = c.conclusion() == null ? "" : c.conclusion();
        Optional<Session> session = sessionOnBranch(c.repository(), c.headBranch());
        if (session.isEmpty()) {
            return "ignored: no Nightshift session pushed " + c.headBranch();
        }
        Session s = session.get();
        mirrorCheck(s, c);
        if (!List.of("failure", "timed_out").contains(conclusion) || settings.ciFixAttempts() <= 0) {
            return "recorded: " + conclusion;
        }
        String target = c.repository() + "@" + c.headBranch();
        String appToken = app.installationToken(c.installationId());
        // the session's pushes are its attempts: the first failures become follow-up turns, and the
        // failure that uses up the last attempt asks for a human instead (once)
        int failure = ciAttempts(s) + 1;
        setCiAttempts(s, failure);
        if (failure >= settings.ciFixAttempts()) {
            if (failure == settings.ciFixAttempts()) {
                int number = c.pullRequests().isEmpty() ? 0 : c.pullRequests().getFirst();
                if (number > 0) {
                    rest.comment(
                            appToken,
                            c.repository(),
                            number,
                            "The checks failed " + failure + " times on Nightshift's work ("
                                    + (failure - 1) + " attempts to fix them). This needs a human: see "
                                    + c.htmlUrl() + " and the session " + sessionUrl(s.id()) + ".");
                    audit(s.creatorId(), "github.ci.human", target, "ok", "pull request #" + number);
                }
            }
            return "needs a human: " + failure + " failures";
        }
        int attempt = failure;
        String failures = failures(appToken, c);
        String prompt = "The " + c.name() + " checks failed on " + c.headBranch() + " (" + c.htmlUrl()
                + "), after your last push (failure " + attempt + "; after " + settings.ciFixAttempts()
                + " a human takes over)"
                + ". Find the cause in the failures below, fix it, and run the failing tests again.\n\n" + failures;
        pipeline.record(new NewTrigger(
                TriggerPipeline.newTriggerId(),
                TriggerSource.GITHUB,
                s.creatorId(),
                s.repository(),
                s.baseBranch(),
                cap(prompt),
                c.kind() + ":" + c.id(),
                new Origin(TriggerPipeline.SESSION_ORIGIN, s.id()),
                null));
        audit(s.creatorId(), "github.ci.fix", target, "ok", "attempt " + attempt + " for " + c.kind() + " " + c.id());
        return "follow-up: attempt " + attempt;
    }

    /** The failing jobs' logs (or check runs' output), slimmed to their failing steps. */
    private String failures(String appToken, GitHubEvent.CheckCompleted c) {
        StringBuilder out = new StringBuilder();
        if ("workflow_run".equals(c.kind())) {
            for (GitHubRest.Job job : rest.failedJobs(appToken, c.repository(), c.id())) {
                String log = rest.jobLog(appToken, c.repository(), job.id(), MAX_LOG_BYTES);
                audit(
                        null,
                        "github.ci.log",
                        c.repository() + " job " + job.id(),
                        "ok",
                        log.length() + " characters read");
                out.append("### Job ")
                        .append(job.name())
                        .append(" (")
                        .append(job.conclusion())
                        .append("; failed steps: ")
                        .append(String.join(", ", job.failedSteps()))
                        .append(")\n```\n")
                        .append(FailureLogs.slim(log, MAX_SLIM_LOG_CHARS))
                        .append("\n```\n\n");
            }
        } else {
            for (GitHubRest.CheckRun run : rest.failedCheckRuns(appToken, c.repository(), c.id())) {
                out.append("### Check ")
                        .append(run.name())
                        .append(" (")
                        .append(run.conclusion())
                        .append(")\n```\n")
                        .append(FailureLogs.slimCheckRun(run.title(), run.summary(), run.text(), MAX_SLIM_LOG_CHARS))
                        .append("\n```\n\n");
            }
        }
        return out.isEmpty()
                ? "(GitHub gave no failed jobs or check runs to read; open " + c.htmlUrl() + ")"
                : out.toString();
    }

    /** The newest session on this repository whose work branch is {@code branch}. */
    private Optional<Session> sessionOnBranch(String repository, String branch) {
        if (branch == null) {
            return Optional.empty();
        }
        Page<Session> sessions =
                store.sessions().list(new SessionQuery(null, null, null, repositoryUrl(repository), 0, 200));
        return sessions.items().stream()
                .filter(s -> branch.equals(s.workBranch()) && s.status() != SessionStatus.ARCHIVED)
                .findFirst();
    }

    private int ciAttempts(Session s) {
        return ciArtifact(s)
                .map(a -> Json.tree(a.data()).path("attempts").asInt(0))
                .orElse(0);
    }

    private Optional<Artifact> ciArtifact(Session s) {
        return store.artifacts().list(s.id()).stream()
                .filter(a -> a.type().equals("checks"))
                .findFirst();
    }

    private void setCiAttempts(Session s, int attempts) {
        writeChecks(s, data -> data.put("attempts", attempts));
    }

    /** The latest check outcome on the session's {@code checks} artifact, shown in the UI. */
    private void mirrorCheck(Session s, GitHubEvent.CheckCompleted c) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("conclusion", c.conclusion());
        check.put("name", c.name());
        check.put("url", c.htmlUrl());
        check.put("headSha", c.headSha());
        writeArtifact(s, "checks", data -> data.putAll(check));
        // the pull request's artifact carries its latest check state too, where the UI shows the PR
        if (store.artifacts().list(s.id()).stream().anyMatch(a -> a.type().equals("pr"))) {
            writeArtifact(s, "pr", data -> data.put("checks", check));
        }
    }

    private void writeChecks(Session s, java.util.function.Consumer<Map<String, Object>> change) {
        writeArtifact(s, "checks", change);
    }

    /**
     * Changes (or makes) the session's artifact of this type with a compare-and-set, and tells the
     * session's watchers (an artifact event in its log).
     */
    private void writeArtifact(Session s, String type, java.util.function.Consumer<Map<String, Object>> change) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Artifact> current = store.artifacts().list(s.id()).stream()
                    .filter(a -> a.type().equals(type))
                    .findFirst();
            Map<String, Object> data = new LinkedHashMap<>();
            current.ifPresent(a -> data.putAll(Json.MAPPER.convertValue(Json.tree(a.data()), MAP)));
            change.accept(data);
            Artifact written;
            if (current.isEmpty()) {
                written = store.artifacts()
                        .add(s.id(), type, (String) data.get("url"), Json.write(data), clock.instant());
            } else {
                String url = current.get().url() != null ? current.get().url() : (String) data.get("url");
                if (!store.artifacts()
                        .replaceIfData(current.get().id(), current.get().data(), url, Json.write(data))) {
                    continue;
                }
                written = new Artifact(
                        current.get().id(),
                        s.id(),
                        type,
                        url,
                        Json.write(data),
                        current.get().createdAt());
            }
            log.append(s.id(), null, EventPayload.Artifact.of(written));
            return;
        }
    }

    // ---------------------------------------------------------------- pull requests and installations

    private String pull(GitHubEvent.PullRequestChanged p) {
        if (List.of("opened", "ready_for_review", "synchronize").contains(p.action())) {
            return review(p);
        }
        if (!"closed".equals(p.action())) {
            return "ignored: pull request " + p.action();
        }
        int archived = 0;
        for (Artifact artifact : store.artifacts().findByUrl("pr", p.htmlUrl())) {
            archiveLater(artifact.sessionId());
            archived++;
        }
        Optional<Session> onBranch = sessionOnBranch(p.repository(), p.headRef());
        if (onBranch.isPresent() && archived == 0) {
            archiveLater(onBranch.get().id());
            archived++;
        }
        return archived == 0
                ? "ignored: no session"
                : "archiving " + archived + " session(s) after " + settings.archiveAfter();
    }

    private volatile ScheduledExecutorService archiver;

    /**
     * An automatic review of a new (or newly ready, or pushed-to) pull request: a read-only session,
     * attributed to the pull request's author when they have a linked account, whose findings the App
     * posts as a review with line comments.
     */
    private String review(GitHubEvent.PullRequestChanged p) {
        String target = p.repository() + "#" + p.number();
        if (!settings.reviews(p.repository())
                || p.draft()
                || ("synchronize".equals(p.action()) && !settings.reviewEveryPush())) {
            return "ignored: no automatic review";
        }
        if (p.author().bot()) {
            return "ignored: a bot's pull request";
        }
        if (!settings.reviewNightshiftPulls()
                && !store.artifacts().findByUrl("pr", p.htmlUrl()).isEmpty()) {
            audit(null, "github.review.skipped", target, "ignored", "opened by Nightshift");
            return "ignored: opened by Nightshift";
        }
        if (!p.repository().equalsIgnoreCase(p.headRepository())) {
            audit(null, "github.review.skipped", target, "ignored", "a fork's pull request");
            return "ignored: a fork";
        }
        Optional<String> refusal = outsidePolicy(p.repository());
        if (refusal.isPresent()) {
            audit(null, "github.review.skipped", target, "ignored", refusal.get());
            return "ignored: repository policy";
        }
        Optional<User> author = person(p.author());
        if (author.isEmpty()) {
            audit(
                    null,
                    "github.review.skipped",
                    target,
                    "ignored",
                    p.author().login() + " has no Nightshift account to run the review under");
            return "ignored: no account";
        }
        String appToken = app.installationToken(p.installationId());
        String diff = rest.diff(appToken, p.repository(), p.number(), MAX_DIFF_BYTES);
        audit(null, "github.read", target, "ok", "diff, " + diff.length() + " characters");
        String shownDiff = diff.length() > MAX_DIFF_IN_PROMPT_CHARS
                ? diff.substring(0, MAX_DIFF_IN_PROMPT_CHARS) + "\n[diff cut: read the rest in the workspace]"
                : diff;
        String prompt = "Review pull request #" + p.number() + " (" + p.title() + ") of " + p.repository()
                + ": its branch " + p.headRef() + " into " + p.baseRef() + ". You are on its branch, read-only. "
                + "Look for bugs, missing tests and risky changes; run the tests if that helps. "
                + "End your answer with one JSON block:\n```json\n{\"summary\": \"…\", \"comments\": "
                + "[{\"path\": \"src/A.java\", \"line\": 42, \"body\": \"…\"}]}\n```\n"
                + "where each comment is on a line the diff shows on its new side.\n\nThe diff:\n```diff\n" + shownDiff
                + "\n```";
        NewTrigger trigger = new NewTrigger(
                TriggerPipeline.newTriggerId(),
                TriggerSource.GITHUB,
                author.get().id(),
                repositoryUrl(p.repository()),
                p.baseRef(),
                cap(prompt),
                "review:" + target + ":" + p.headSha(),
                new Origin(REVIEW_ORIGIN, target),
                p.headRef());
        pipeline.record(trigger);
        audit(author.get().id(), "github.review", target, "ok", p.action() + " at " + p.headSha());
        return "reviewing: " + trigger.id();
    }

    /** Posts an automatic review's findings as the App when its turn ends. */
    private final class ReviewSink implements TriggerSink {
        @Override
        public void started(Trigger trigger, String sessionId) {
            audit(trigger.actorId(), "github.review.started", trigger.origin().id(), "ok", sessionId);
        }

        @Override
        public void refused(Trigger trigger, String reason) {
            audit(trigger.actorId(), "github.review.refused", trigger.origin().id(), "refused", reason);
        }

        @Override
        public void turnEnded(Trigger trigger, TurnOutcome outcome) {
            String id = trigger.origin().id();
            String repository = id.substring(0, id.lastIndexOf('#'));
            int number = Integer.parseInt(id.substring(id.lastIndexOf('#') + 1));
            if (!outcome.succeeded()) {
                audit(trigger.actorId(), "github.review.failed", id, "failed", outcome.error());
                return;
            }
            String appToken = app.installationToken(installationOf(repository));
            GitHubRest.PullRequest pr = rest.pullRequest(appToken, repository, number);
            String diff = rest.diff(appToken, repository, number, MAX_DIFF_BYTES);
            ReviewComments.Review review = ReviewComments.parse(
                    SessionProgress.read(store, outcome.sessionId()).lastAnswer(), diff);
            String body = "🤖 **Automated review by Nightshift** — a read-only agent session ("
                    + sessionUrl(outcome.sessionId()) + "), not a person's approval.\n\n" + review.summary();
            List<GitHubRest.ReviewComment> comments = review.comments().stream()
                    .map(c -> new GitHubRest.ReviewComment(c.path(), c.line(), c.body()))
                    .toList();
            long reviewId = rest.review(appToken, repository, number, pr.headSha(), body, comments);
            audit(
                    trigger.actorId(),
                    "github.review.posted",
                    id,
                    "ok",
                    "review " + reviewId + " with " + comments.size() + " line comments, "
                            + review.dropped().size() + " outside the diff");
        }
    }

    /** Archives the session once the configured delay has passed (its sandbox goes with it). */
    private void archiveLater(String sessionId) {
        Runnable archive = () -> {
            if (store.sessions().archive(sessionId, clock.instant())) {
                archived.accept(sessionId);
                audit(null, "github.archive", sessionId, "ok", "its pull request was closed");
            }
        };
        if (archiver == null || settings.archiveAfter().isZero()) {
            archive.run();
        } else {
            archiver.schedule(archive, settings.archiveAfter().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private String installation(GitHubEvent.InstallationChanged i) {
        audit(
                null,
                "github.installation",
                i.account() + " (" + i.installationId() + ")",
                "ok",
                i.action()
                        + (i.repositoriesAdded().isEmpty() ? "" : " +" + i.repositoriesAdded())
                        + (i.repositoriesRemoved().isEmpty() ? "" : " -" + i.repositoriesRemoved()));
        return "recorded: installation " + i.action();
    }

    // ---------------------------------------------------------------- people

    /** The Nightshift user linked to this GitHub account, when admitted and active. */
    private Optional<User> person(GitHubEvent.Actor actor) {
        return store.identities()
                .find("github", host, String.valueOf(actor.id()))
                .map(Identity::userId)
                .flatMap(id -> store.users().byId(id))
                .filter(User::active);
    }

    /** One reply per person and thread saying how to get in: never a loop, never a second one. */
    private void hintSignIn(String appToken, String repository, int number, String login) {
        String key = login.toLowerCase(Locale.ROOT) + "@" + repository + "#" + number;
        if (!store.oneTimeValues().firstDelivery("github-signin-hint", key, clock.instant())) {
            return;
        }
        rest.comment(
                appToken,
                repository,
                number,
                "@" + login + " I can only work for people with a Nightshift account linked to their GitHub account. "
                        + "Sign in with GitHub at " + baseUrl.get() + " (an administrator may need to admit you), "
                        + "then mention @" + settings.appSlug() + " again.");
        audit(null, "github.signin_hint", repository + "#" + number, "ok", login);
    }

    private Optional<String> outsidePolicy(String repository) {
        return repositories
                .check(repositoryUrl(repository), false)
                .map(r -> r.name().toLowerCase(Locale.ROOT));
    }

    private String repositoryUrl(String repository) {
        return webUrl + "/" + repository + ".git";
    }

    private String sessionUrl(String sessionId) {
        return baseUrl.get() + "/sessions/" + sessionId;
    }

    private static String cap(String prompt) {
        return prompt.length() <= MAX_PROMPT_CHARS ? prompt : prompt.substring(0, MAX_PROMPT_CHARS) + "\n[cut]";
    }

    private void audit(String userId, String action, String target, String outcome, String detail) {
        store.audit().record(userId, null, action, target, outcome, detail, clock.instant());
    }

    // ---------------------------------------------------------------- status comments

    /** The person's own GitHub token, or the App's when they have none stored. */
    private String tokenFor(Trigger trigger, String repository) {
        return Optional.ofNullable(trigger.actorId())
                .flatMap(id -> credentials.accessToken(id, host))
                .map(GitCredentials.Opened::secret)
                .orElseGet(() -> app.installationToken(installationOf(repository)));
    }

    /** The installation a repository's events last came from (each organisation has its own). */
    private long installationOf(String repository) {
        Long id = installations.get(repository.toLowerCase(Locale.ROOT));
        return id != null ? id : app.installationFor(repository); // after a restart: ask GitHub
    }

    private final Map<String, Long> installations = new ConcurrentHashMap<>();

    private void remember(String repository, long installationId) {
        if (repository != null && installationId > 0) {
            installations.put(repository.toLowerCase(Locale.ROOT), installationId);
        }
    }

    private final class Sink implements TriggerSink {
        @Override
        public void started(Trigger trigger, String sessionId) {
            String[] target = target(trigger);
            String token = tokenFor(trigger, target[0]);
            String body = "🌙 Working on it in [a Nightshift session](" + sessionUrl(sessionId) + ") — starting…";
            GitHubRest.Comment comment = rest.comment(token, target[0], Integer.parseInt(target[1]), body);
            audit(trigger.actorId(), "github.status", trigger.origin().id(), "ok", "comment " + comment.id());
            store.artifacts()
                    .add(
                            sessionId,
                            STATUS_ARTIFACT,
                            comment.htmlUrl(),
                            Json.write(Map.of(
                                    "trigger", trigger.id(), "commentId", comment.id(), "repository", target[0])),
                            clock.instant());
            running.put(trigger.id(), new Status(target[0], comment.id(), token, sessionId, body));
        }

        @Override
        public void refused(Trigger trigger, String reason) {
            String[] target = target(trigger);
            String token = app.installationToken(installationOf(target[0]));
            rest.comment(token, target[0], Integer.parseInt(target[1]), "I could not start: " + reason);
            audit(trigger.actorId(), "github.refused", trigger.origin().id(), "refused", reason);
        }

        @Override
        public void turnEnded(Trigger trigger, TurnOutcome outcome) {
            Status status = running.remove(trigger.id());
            String[] target = target(trigger);
            long commentId;
            String token;
            if (status != null) {
                commentId = status.commentId();
                token = status.token();
            } else {
                Optional<Artifact> artifact = store.artifacts().list(outcome.sessionId()).stream()
                        .filter(a ->
                                a.type().equals(STATUS_ARTIFACT) && a.data().contains(trigger.id()))
                        .findFirst();
                if (artifact.isEmpty()) {
                    return;
                }
                commentId = Json.tree(artifact.get().data()).path("commentId").asLong();
                token = tokenFor(trigger, target[0]);
            }
            rest.editComment(token, target[0], commentId, finalBody(trigger, outcome));
            audit(trigger.actorId(), "github.status", trigger.origin().id(), "ok", "final, comment " + commentId);
        }

        private String[] target(Trigger trigger) {
            String id = trigger.origin().id();
            int hash = id.lastIndexOf('#');
            return new String[] {id.substring(0, hash), id.substring(hash + 1)};
        }
    }

    /** What a finished turn's status comment says: the outcome, the summary, the pull request. */
    private String finalBody(Trigger trigger, TriggerSink.TurnOutcome outcome) {
        StringBuilder body =
                new StringBuilder(outcome.succeeded() ? "✅ Done" : "❌ The turn failed: " + outcome.error());
        body.append(" — [session](").append(sessionUrl(outcome.sessionId())).append(")\n\n");
        String summary = SessionProgress.read(store, outcome.sessionId()).lastAnswer();
        if (!summary.isBlank()) {
            body.append(summary.length() > MAX_SUMMARY_CHARS ? summary.substring(0, MAX_SUMMARY_CHARS) + " …" : summary)
                    .append("\n\n");
        }
        Optional<Session> session = store.sessions().get(outcome.sessionId());
        store.artifacts().list(outcome.sessionId()).stream()
                .filter(a -> a.type().equals("pr") && a.url() != null)
                .findFirst()
                .ifPresentOrElse(
                        pr -> body.append("Pull request: ").append(pr.url()),
                        () -> session.map(Session::workBranch)
                                .filter(b -> trigger.workBranch() != null)
                                .ifPresent(b ->
                                        body.append("Pushed to `").append(b).append("`.")));
        return body.toString().strip();
    }

    private void refreshQuietly() {
        for (Map.Entry<String, Status> entry : running.entrySet()) {
            try {
                refresh(entry.getKey(), entry.getValue());
            } catch (RuntimeException e) {
                LOG.debug(
                        "refreshing status comment {} failed", entry.getValue().commentId(), e);
            }
        }
    }

    /** Edits a running status comment when its step or plan changed. */
    private void refresh(String triggerId, Status status) {
        SessionProgress progress = SessionProgress.read(store, status.sessionId());
        String step = progress.lastToolCall();
        int total = progress.plan().size();
        long done = progress.done();
        String body = "🌙 Working on it in [a Nightshift session](" + sessionUrl(status.sessionId()) + ")"
                + (step == null ? " — starting…" : " — current step: `" + step + "`")
                + (total == 0 ? "" : "\n\nPlan: " + done + " of " + total + " done");
        if (!body.equals(status.said())
                && running.replace(
                        triggerId,
                        status,
                        new Status(
                                status.repository(), status.commentId(), status.token(), status.sessionId(), body))) {
            rest.editComment(status.token(), status.repository(), status.commentId(), body);
        }
    }
}

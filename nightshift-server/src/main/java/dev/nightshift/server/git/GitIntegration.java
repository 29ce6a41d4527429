package dev.nightshift.server.git;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.RepositoryPolicy;
import dev.nightshift.core.port.PostTurnHook;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.git.BranchDiff;
import dev.nightshift.git.BranchNames;
import dev.nightshift.git.Checkout;
import dev.nightshift.git.CommitIdentity;
import dev.nightshift.git.CommitMessageWriter;
import dev.nightshift.git.GitAuth;
import dev.nightshift.git.GitException;
import dev.nightshift.git.Publication;
import dev.nightshift.git.PublishRequest;
import dev.nightshift.git.RepositoryUrl;
import dev.nightshift.git.Workspaces;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.sandbox.WorkspaceSource;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's git life: the repository checked out into a fresh sandbox on the session's work
 * branch, and after each turn that finished on its own, the work committed as the person who
 * sent the prompt, pushed from the control plane with their credential, and offered as a pull
 * request. Every credentialed step is written to the audit log; every outcome to the session.
 */
public final class GitIntegration implements WorkspaceSource, PostTurnHook {
    private static final Logger LOG = LoggerFactory.getLogger(GitIntegration.class);

    private final Store store;
    private final EventLog log;
    private final Workspaces workspaces;
    private final GitCredentials credentials;
    private final CommitIdentity agent;
    private final Function<Session, CommitMessageWriter> messageWriters;
    private final Clock clock;
    private final RepositoryPolicy repositories;
    private final PullRequestPublisher pullRequests;

    /**
     * @param repositories asked again at checkout and before a diff, with the creator's rights, so
     *     a session created before the policy was tightened (or on a path that became a link into
     *     the data directory) is not served either
     * @param pullRequests opens a pull request after a push when the session asks for one; null: none
     */
    public GitIntegration(
            Store store,
            EventLog log,
            Workspaces workspaces,
            GitCredentials credentials,
            CommitIdentity agent,
            Function<Session, CommitMessageWriter> messageWriters,
            PullRequestPublisher pullRequests,
            Clock clock,
            RepositoryPolicy repositories,
            java.util.function.Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
        this.pullRequests = pullRequests;
        this.repositories = repositories;
        this.store = store;
        this.log = log;
        this.workspaces = workspaces;
        this.credentials = credentials;
        this.agent = agent;
        this.messageWriters = messageWriters;
        this.clock = clock;
    }

    private final java.util.function.Supplier<String> baseUrl;

    public Workspaces workspaces() {
        return workspaces;
    }

    // -- checkout ---------------------------------------------------------------------------

    @Override
    public String seed(Session session, Sandbox sandbox) throws InterruptedException {
        RepositoryUrl repository = RepositoryUrl.parse(session.repository());
        User creator = user(session.creatorId());
        requireAllowed(creator, repository);
        if (repository.local() && !java.nio.file.Files.exists(repository.localPath())) {
            // a new project: the agent starts in an empty workspace, and nothing is published
            log.append(
                    session.id(),
                    null,
                    EventPayload.Git.checkout(
                            repository.url(),
                            null,
                            null,
                            "(no repository at " + repository.localPath() + ": the workspace starts empty)"));
            return null;
        }
        String work = session.workBranch() != null
                ? session.workBranch()
                : BranchNames.generate(creator.name(), creator.login());
        String forkCommit = session.isFork() ? forkCommit(session) : null;
        if (forkCommit != null) {
            // the parent's work as that turn left it, on the fork's own branch
            Checkout checkout = workspaces.checkoutFork(
                    session.id(),
                    session.parentId(),
                    repository,
                    session.baseBranch(),
                    forkCommit,
                    work,
                    identity(creator, repository),
                    sandbox);
            checkedOut(session, repository, checkout.baseBranch(), work, checkout.summary());
            return checkout.summary();
        }
        GitAuth auth = credentials.authFor(creator.id(), repository);
        Checkout checkout;
        try {
            checkout = workspaces.checkout(
                    session.id(), repository, auth, session.baseBranch(), work, identity(creator, repository), sandbox);
            audit(creator.id(), session.id(), "git.fetch", repository.url(), "ok", null);
        } catch (GitException e) {
            audit(creator.id(), session.id(), "git.fetch", repository.url(), "failed", e.getMessage());
            throw e;
        }
        checkedOut(session, repository, checkout.baseBranch(), work, checkout.summary());
        return checkout.summary();
    }

    /**
     * A fork's sandbox holds a copy of its parent's workspace: it becomes the fork's own, on a new work
     * branch of its own that starts where the parent's work stood, uncommitted changes included.
     */
    @Override
    public String adopt(Session fork, Sandbox sandbox) throws InterruptedException {
        RepositoryUrl repository = RepositoryUrl.parse(fork.repository());
        User creator = user(fork.creatorId());
        requireAllowed(creator, repository);
        String work =
                fork.workBranch() != null ? fork.workBranch() : BranchNames.generate(creator.name(), creator.login());
        String summary = workspaces.adopt(fork.id(), fork.parentId(), repository, work, sandbox);
        checkedOut(fork, repository, fork.baseBranch(), work, summary);
        return summary;
    }

    /** Records a fresh workspace: the branches on the session (once), the branch artifact, the checkout event. */
    private void checkedOut(Session session, RepositoryUrl repository, String base, String work, String summary) {
        if (store.sessions().setBranches(session.id(), base, work, clock.instant())) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("name", work);
            data.put("base", base);
            data.put("repository", repository.url());
            artifact(session.id(), "branch", null, data);
        }
        log.append(session.id(), null, EventPayload.Git.checkout(repository.url(), base, work, summary));
    }

    /** The commit a fork's workspace starts from, as its {@code forked_from} says; null: none was recorded. */
    private String forkCommit(Session fork) {
        return store.events().after(fork.id(), 0, 1).items().stream()
                .filter(e -> e.type().equals(dev.nightshift.core.event.EventType.FORKED_FROM.wire()))
                .map(e -> Json.tree(e.data()).path("commit").asText(null))
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    // -- after a turn -----------------------------------------------------------------------

    @Override
    public void afterTurn(Turn turn) throws Exception {
        Session session = store.sessions().get(turn.session().id()).orElse(turn.session());
        if (session.workBranch() == null) {
            return; // never checked out (no sandbox was used): nothing to publish
        }
        Sandbox sandbox = turn.sandbox();
        RepositoryUrl repository = RepositoryUrl.parse(session.repository());
        User author = user(turn.message().authorId());
        GitAuth auth = credentials.authFor(author.id(), repository);
        PublishRequest request = new PublishRequest(
                session.id(),
                repository,
                session.baseBranch(),
                session.workBranch(),
                identity(author, repository),
                agent,
                session.settings().autoCommit(),
                session.settings().autoCommit(),
                auth,
                messageWriters.apply(session),
                turn.message().content());
        Publication publication;
        try {
            publication = workspaces.publish(request, sandbox);
        } catch (GitException e) {
            turn.emit(EventPayload.Git.publishFailed(e.getMessage()));
            turn.emit(new EventPayload.Error("the turn's work was not published: " + e.getMessage()));
            return;
        }
        recordTurn(turn, session);
        if (publication.committed() != null) {
            turn.emit(EventPayload.Git.commit(
                    publication.committed(),
                    publication.subject(),
                    request.author().name() + " <" + request.author().email() + ">"));
        }
        if (!request.push() || publication.head() == null) {
            return;
        }
        String target = repository.url() + " " + session.workBranch();
        if (!publication.pushed()) {
            audit(author.id(), session.id(), "git.push", target, "refused", publication.pushProblem());
            turn.emit(EventPayload.Git.pushFailed(session.workBranch(), publication.pushProblem()));
            turn.emit(new EventPayload.Error("the work branch was not pushed: " + publication.pushProblem()));
            return;
        }
        audit(author.id(), session.id(), "git.push", target, "ok", publication.head());
        turn.emit(EventPayload.Git.pushed(session.workBranch(), publication.head()));
        if (session.settings().autoPr()) {
            pullRequest(turn, session, repository, author, publication);
        }
    }

    /** Keeps the work as this turn left it, where a fork from the turn's end finds it. */
    private void recordTurn(Turn turn, Session session) {
        try {
            String commit = workspaces.recordTurn(session.id(), turn.message().id());
            if (commit != null) {
                turn.recordCommit(commit);
            }
        } catch (GitException e) {
            LOG.warn(
                    "could not record the commit of turn {} of {}: {}",
                    turn.message().id(),
                    session.id(),
                    e.getMessage());
        }
    }

    private void pullRequest(
            Turn turn, Session session, RepositoryUrl repository, User author, Publication publication) {
        PullRequestPublisher publisher = pullRequests;
        if (publisher == null) {
            return;
        }
        String title = session.title() != null
                ? session.title()
                : firstLine(turn.message().content());
        String body = pullRequestBody(session, author, turn.message().content(), publication.head());
        String target = repository.url() + " " + session.workBranch();
        try {
            Optional<PullRequestPublisher.Outcome> outcome = publisher.publish(
                    author.id(),
                    repository,
                    session.workBranch(),
                    session.baseBranch(),
                    title,
                    body,
                    session.settings().draftPr());
            if (outcome.isEmpty()) {
                return;
            }
            PullRequestPublisher.Outcome pr = outcome.get();
            audit(
                    author.id(),
                    session.id(),
                    pr.created() ? "pr.create" : "pr.update",
                    target,
                    pr.fallback() ? "refused" : "ok",
                    pr.fallback() ? pr.fallbackReason() : pr.url());
            recordPullRequest(turn, session, pr);
        } catch (Exception e) {
            audit(author.id(), session.id(), "pr.create", target, "failed", e.getMessage());
            turn.emit(new EventPayload.Error("the pull request could not be opened: " + e.getMessage()));
        }
    }

    /** The longest part of the prompt quoted in a pull request's body. */
    private static final int QUOTED_PROMPT_CHARS = 1_000;

    /**
     * Who asked, the link to the live session, the request quoted, {@code Fixes #n} when the session
     * was started from an issue (so merging closes it), the session's screenshots and videos, and the commit.
     */
    String pullRequestBody(Session session, User author, String prompt, String head) {
        String quoted = prompt.strip();
        if (quoted.length() > QUOTED_PROMPT_CHARS) {
            quoted = quoted.substring(0, QUOTED_PROMPT_CHARS) + " …";
        }
        StringBuilder body = new StringBuilder("Requested by @")
                .append(author.login())
                .append(" in a Nightshift session: ")
                .append(baseUrl.get())
                .append("/sessions/")
                .append(session.id())
                .append("\n\n> ")
                .append(quoted.replace("\n", "\n> "))
                .append("\n\n");
        String origin = session.origin();
        if (origin != null && origin.startsWith(ISSUE_ORIGIN + ":") && origin.contains("#")) {
            body.append("Fixes #")
                    .append(origin.substring(origin.lastIndexOf('#') + 1))
                    .append("\n\n");
        }
        // the agent's screenshots and videos, linked to the session's page (before/after side by side)
        body.append(dev.nightshift.server.media.PullRequestMedia.section(
                baseUrl.get(),
                session.id(),
                dev.nightshift.server.media.MediaLibrary.items(store.artifacts().list(session.id()))));
        return body.append("Latest commit: ").append(head).toString();
    }

    /**
     * The origin kind of a session started from a GitHub issue ({@code github-issue:<owner/repo>#<n>}):
     * its pull request closes the issue.
     */
    public static final String ISSUE_ORIGIN = "github-issue";

    /** One {@code pr} artifact per session: created the first time, its URL and data kept current after. */
    private void recordPullRequest(Turn turn, Session session, PullRequestPublisher.Outcome pr) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (pr.fallback()) {
            data.put("fallback", "compare");
            data.put("reason", pr.fallbackReason());
        } else {
            data.put("number", pr.number());
            data.put("state", pr.state());
            data.put("draft", pr.draft());
        }
        Optional<Artifact> existing = store.artifacts().list(session.id()).stream()
                .filter(a -> a.type().equals("pr"))
                .findFirst();
        Artifact artifact;
        if (existing.isPresent() && !(pr.fallback() && !existing.get().data().contains("\"fallback\""))) {
            Artifact old = existing.get();
            if (!store.artifacts().replaceIfData(old.id(), old.data(), pr.url(), Json.write(data))) {
                return; // a webhook updated it meanwhile; its state is newer than ours
            }
            artifact = new Artifact(old.id(), old.sessionId(), old.type(), pr.url(), Json.write(data), old.createdAt());
        } else if (existing.isPresent()) {
            return; // a real pull request exists; a later refusal does not replace it with a compare URL
        } else {
            artifact = store.artifacts().add(session.id(), "pr", pr.url(), Json.write(data), clock.instant());
        }
        turn.emit(EventPayload.Artifact.of(artifact));
        turn.emit(
                pr.fallback()
                        ? EventPayload.Git.pullRequestRefused(pr.url(), pr.fallbackReason())
                        : EventPayload.Git.pullRequest(pr.url(), pr.number(), pr.created()));
    }

    // -- diff -------------------------------------------------------------------------------

    /** The session's work against its base, or why there is none. */
    public Map<String, Object> diff(Session session, Sandbox live) throws InterruptedException {
        if (session.workBranch() == null) {
            return Map.of(
                    "available",
                    false,
                    "reason",
                    "the repository has not been checked out yet; it is when the first prompt runs");
        }
        RepositoryUrl repository = RepositoryUrl.parse(session.repository());
        requireAllowed(user(session.creatorId()), repository);
        Optional<BranchDiff> diff =
                workspaces.diff(session.id(), repository, session.baseBranch(), session.workBranch(), live);
        if (diff.isEmpty()) {
            return Map.of("available", false, "reason", "this node holds no copy of the session's work");
        }
        BranchDiff d = diff.get();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("available", true);
        view.put("base", d.base());
        view.put("branch", d.branch());
        view.put("baseCommit", d.baseCommit());
        view.put("headCommit", d.headCommit());
        view.put("source", d.source());
        view.put("files", d.files());
        view.put("patch", d.patch());
        view.put("truncated", d.truncated());
        return view;
    }

    // -- helpers ----------------------------------------------------------------------------

    private void requireAllowed(User creator, RepositoryUrl repository) {
        if (repositories.check(repository.url(), creator.admin()).isPresent()) {
            throw new GitException("the repository policy of this server does not allow " + repository
                    + " for the session's " + "creator; start a session on an allowed repository");
        }
    }

    private User user(String id) {
        return store.users().byId(id).orElseThrow(() -> new GitException("the user " + id + " no longer exists"));
    }

    /** The person's commit identity: their name and email, or a no-reply address on the repository's host. */
    static CommitIdentity identity(User user, RepositoryUrl repository) {
        String name = user.name() == null || user.name().isBlank() ? user.login() : user.name();
        String email = user.email() == null || user.email().isBlank()
                ? user.login() + "@users.noreply." + (repository.host().isEmpty() ? "localhost" : repository.host())
                : user.email();
        return new CommitIdentity(name.replaceAll("[<>\\p{Cntrl}]", ""), email.replaceAll("[<>\\s\\p{Cntrl}]", ""));
    }

    private static String firstLine(String text) {
        String line = text.strip()
                .lines()
                .findFirst()
                .orElse("Changes from Nightshift")
                .strip();
        return line.length() > 72 ? line.substring(0, 69) + "..." : line;
    }

    private void artifact(String sessionId, String type, String url, Map<String, Object> data) {
        Artifact artifact = store.artifacts().add(sessionId, type, url, Json.write(data), clock.instant());
        log.append(sessionId, null, EventPayload.Artifact.of(artifact));
    }

    private void audit(String userId, String sessionId, String action, String target, String outcome, String detail) {
        try {
            store.audit().record(userId, sessionId, action, target, outcome, detail, clock.instant());
        } catch (RuntimeException e) {
            LOG.error("could not write the audit log entry {} {} {}: {}", action, target, outcome, e.getMessage());
        }
    }
}

package dev.nightshift.git;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The git side of a session, from the control plane: a workspace checked out from the mirror,
 * the turn's work committed as the person who asked and pushed from the host, and the branch's
 * diff for review.
 *
 * <p>Work leaves a sandbox only as a git bundle read from the command's output. The host fetches
 * it (objects checked with fsck) into a per-session bare "outbox" repository that borrows the
 * mirror's objects, and pushes from there. Nothing the sandbox wrote — hooks, {@code .git/config},
 * credential helpers, {@code core.*} settings — is ever read by git on the host. The control
 * plane's own git commands inside the sandbox run without the workspace's hooks and fsmonitor too,
 * so a broken or hostile hook cannot block or fake a commit.
 */
public final class Workspaces {
    private static final Logger LOG = LoggerFactory.getLogger(Workspaces.class);
    /** The largest bundle a turn may publish; more is refused rather than filling the host's disk. */
    public static final long MAX_BUNDLE_BYTES = 1L << 30;
    /** The largest patch the diff API returns; the file list is always complete. */
    public static final int MAX_PATCH_BYTES = 1 << 20;
    /** How much of the staged patch the commit message writer sees. */
    static final int MESSAGE_PATCH_BYTES = 60_000;

    static final Duration GIT_IN_SANDBOX_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String SEPARATOR = "\u0001NIGHTSHIFT-SEPARATOR\u0001";
    private static final String HEAD_REF = "refs/nightshift/head";
    private static final String BASE_REF = "refs/nightshift/base";
    private static final String PUSHED_REF = "refs/nightshift/pushed";
    /** Each turn's commit, kept so a fork from that turn finds it (and so nothing prunes it). */
    private static final String TURNS_REFS = "refs/nightshift/turns/";
    /** Where a fork's outbox takes its parent's refs in, for as long as it adopts them. */
    private static final String INCOMING_REFS = "refs/nightshift/incoming/";
    /** The commit a fork started from, kept as one of its turns' so a fork of the fork finds it. */
    private static final String FORK_TURN = "forked";

    private final HostGit git;
    private final RemoteGuard guard;
    private final Mirrors mirrors;
    private final Path outboxRoot;

    /** Host git reaching public addresses only. */
    public Workspaces(Path gitRoot) {
        this(gitRoot, RemoteGuard.PUBLIC_ONLY);
    }

    /**
     * @param gitRoot the control plane's git directory ({@code <data>/git}): mirrors, outboxes, SSH state
     * @param guard what host git may connect to (fetches and pushes)
     */
    public Workspaces(Path gitRoot, RemoteGuard guard) {
        this.git = new HostGit(gitRoot);
        this.guard = guard;
        this.mirrors = new Mirrors(gitRoot.resolve("mirrors"), git, guard);
        this.outboxRoot = gitRoot.resolve("outbox");
        try {
            Files.createDirectories(outboxRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Mirrors mirrors() {
        return mirrors;
    }

    /**
     * Refreshes the mirror with {@code auth} and checks the repository out into the sandbox's
     * (empty) workspace on a new work branch from {@code baseBranch} (null: the default branch).
     */
    public Checkout checkout(
            String sessionId,
            RepositoryUrl repository,
            GitAuth auth,
            String baseBranch,
            String workBranch,
            CommitIdentity user,
            Sandbox sandbox)
            throws InterruptedException {
        Mirror mirror = mirrors.refresh(repository, auth);
        String base = baseBranch == null || baseBranch.isBlank() ? mirror.defaultBranch() : baseBranch;
        return mirrors.read(mirror, () -> {
            String baseCommit = null;
            if (base != null) {
                HostGit.Result resolved = git.exec(
                        mirror.dir(),
                        GitAuth.NONE,
                        InputStream.nullInputStream(),
                        null,
                        HostGit.DEFAULT_TIMEOUT,
                        "rev-parse",
                        "--verify",
                        "--quiet",
                        "refs/heads/" + base + "^{commit}");
                if (resolved.ok()) {
                    baseCommit = resolved.out();
                } else if (baseBranch != null && !baseBranch.isBlank()) {
                    throw new GitException("the base branch '" + base + "' does not exist in " + repository
                            + "; choose one of its branches (default: " + mirror.defaultBranch() + ")");
                }
            }
            Path outbox = outbox(sessionId, mirror);
            if (baseCommit != null) {
                git.run(outbox, GitAuth.NONE, "update-ref", BASE_REF, baseCommit);
            }
            // a work branch that exists already (a replaced sandbox, a branch given by name) is continued, not reset
            String existing = ref(mirror.dir(), "refs/heads/" + workBranch);
            String start = existing != null ? existing : baseCommit;
            if (existing != null) {
                git.run(outbox, GitAuth.NONE, "update-ref", HEAD_REF, existing);
            }
            try {
                return WorkspaceImport.run(git, mirror, null, base, baseCommit, start, workBranch, user, sandbox);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GitException("interrupted while checking out " + repository, e);
            }
        });
    }

    /**
     * Records the session's work as it stands after a turn (the commit the control plane last brought
     * home, else the base it started from) under {@code turnKey}, so that a fork from that turn can start
     * there even after later turns moved on. Null when there is nothing to record (no outbox on this node,
     * an empty repository).
     */
    public String recordTurn(String sessionId, String turnKey) {
        Path outbox = outboxDir(sessionId);
        if (!SESSION_ID.matcher(turnKey).matches() || !Files.isDirectory(outbox.resolve("objects"))) {
            return null;
        }
        String head = ref(outbox, HEAD_REF);
        String commit = head != null ? head : ref(outbox, BASE_REF);
        if (commit != null) {
            git.run(outbox, GitAuth.NONE, "update-ref", TURNS_REFS + turnKey, commit);
        }
        return commit;
    }

    /**
     * Checks a fork's workspace out at {@code commit}, a commit its parent recorded at a turn's end, on
     * the fork's own new work branch: the parent's recorded work comes into the fork's outbox from the
     * parent's (objects checked with fsck), and the sandbox gets the mirror's objects and those. The
     * parent's outbox is only read.
     */
    public Checkout checkoutFork(
            String sessionId,
            String parentSessionId,
            RepositoryUrl repository,
            String baseBranch,
            String commit,
            String workBranch,
            CommitIdentity user,
            Sandbox sandbox)
            throws InterruptedException {
        Mirror mirror = mirrors.existing(repository)
                .orElseThrow(() -> new GitException("this node holds no copy of " + repository
                        + ", which the session this one was forked from worked on"));
        Path outbox = outbox(sessionId, mirror);
        String existing = ref(mirror.dir(), "refs/heads/" + workBranch);
        Inherited inherited = inherit(outbox, parentSessionId);
        String start = existing != null ? existing : commit;
        if (existing == null && (commit == null || !hasCommit(outbox, commit))) {
            throw new GitException("the commit " + (commit == null ? "(none)" : abbreviate(commit))
                    + " the fork starts from is not among the work its parent recorded on this node");
        }
        if (existing == null) {
            git.run(outbox, GitAuth.NONE, "update-ref", HEAD_REF, commit);
            git.run(outbox, GitAuth.NONE, "update-ref", TURNS_REFS + FORK_TURN, commit);
        } else {
            git.run(outbox, GitAuth.NONE, "update-ref", HEAD_REF, existing);
        }
        String base = baseBranch == null || baseBranch.isBlank() ? mirror.defaultBranch() : baseBranch;
        return mirrors.read(mirror, () -> {
            try {
                return WorkspaceImport.run(
                        git, mirror, outbox, base, inherited.base(), start, workBranch, user, sandbox);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GitException("interrupted while checking out " + repository, e);
            }
        });
    }

    private static final String ADOPT = """
            set -eu
            git() { command git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }
            [ -d .git ] || { echo "(no repository in the workspace)"; exit 0; }
            if git rev-parse --verify --quiet 'HEAD^{commit}' >/dev/null; then
              git checkout -q -B "$WORK"
              git log -1 --format='%h %s'
            else
              git symbolic-ref HEAD "refs/heads/$WORK"
              echo "(empty repository)"
            fi
            """;

    /**
     * Makes a copy of the parent's workspace (taken while the parent may still be running) the fork's
     * own: its work so far switches to the fork's new work branch, uncommitted changes included, and the
     * fork's outbox knows the parent's published work and base, so that the fork publishes only what is
     * new. Returns the checked-out commit as {@code <short sha> <subject>}.
     */
    public String adopt(
            String sessionId, String parentSessionId, RepositoryUrl repository, String workBranch, Sandbox sandbox)
            throws InterruptedException {
        Optional<Mirror> mirror = mirrors.existing(repository);
        if (mirror.isPresent()) {
            Path outbox = outbox(sessionId, mirror.get());
            Inherited inherited = inherit(outbox, parentSessionId);
            if (inherited.head() != null) {
                git.run(outbox, GitAuth.NONE, "update-ref", HEAD_REF, inherited.head());
                git.run(outbox, GitAuth.NONE, "update-ref", TURNS_REFS + FORK_TURN, inherited.head());
            }
        }
        ExecResult result = inSandbox(sandbox, ADOPT, Map.of("WORK", workBranch), null);
        String[] lines = result.stdout().strip().split("\n");
        return lines[lines.length - 1];
    }

    /** What a fork's outbox took over from its parent's: the parent's base and newest published commit. */
    private record Inherited(String base, String head) {}

    /**
     * Fetches the parent's recorded work (every turn's commit, its head and its base) into the fork's
     * outbox, sets the fork's base to the parent's, and drops the temporary refs. Nothing when the
     * parent has no outbox on this node.
     */
    private Inherited inherit(Path outbox, String parentSessionId) {
        Path parent = outboxDir(parentSessionId);
        if (!Files.isDirectory(parent.resolve("objects"))) {
            return new Inherited(ref(outbox, BASE_REF), null);
        }
        List<String> fetch = new java.util.ArrayList<>(List.of(
                "-c",
                "fetch.fsckObjects=true",
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                parent.toAbsolutePath().toString(),
                "+" + TURNS_REFS + "*:" + INCOMING_REFS + "turns/*"));
        for (String own : List.of(HEAD_REF, BASE_REF)) {
            if (ref(parent, own) != null) {
                fetch.add("+" + own + ":" + INCOMING_REFS + own.substring(own.lastIndexOf('/') + 1));
            }
        }
        git.run(outbox, GitAuth.NONE, fetch.toArray(String[]::new));
        String base = ref(outbox, INCOMING_REFS + "base");
        String head = ref(outbox, INCOMING_REFS + "head");
        if (base != null) {
            git.run(outbox, GitAuth.NONE, "update-ref", BASE_REF, base);
        }
        // the objects stay (the fork's own refs keep what it uses); the parent's names do not
        String stale = git.run(outbox, GitAuth.NONE, "for-each-ref", "--format=delete %(refname)", INCOMING_REFS);
        if (!stale.isBlank()) {
            git.exec(
                    outbox,
                    GitAuth.NONE,
                    new ByteArrayInputStream((stale + "\n").getBytes(StandardCharsets.UTF_8)),
                    null,
                    HostGit.DEFAULT_TIMEOUT,
                    "update-ref",
                    "--stdin");
        }
        return new Inherited(ref(outbox, BASE_REF), head);
    }

    private boolean hasCommit(Path repo, String commit) {
        return ref(repo, commit) != null;
    }

    private static String abbreviate(String commit) {
        return commit.length() > 8 ? commit.substring(0, 8) : commit;
    }

    /** Commits the turn's changes in the sandbox, brings them to the host and pushes the work branch. */
    public Publication publish(PublishRequest request, Sandbox sandbox) throws InterruptedException {
        if (request.workBranch() == null || request.workBranch().equals(request.baseBranch())) {
            throw new GitException("the work branch must differ from the base branch '" + request.baseBranch()
                    + "'; Nightshift never pushes to the base branch");
        }
        Mirror mirror = mirrors.existing(request.repository())
                .orElseThrow(() -> new GitException("no mirror of " + request.repository() + " on this node"));
        Path outbox = outbox(request.sessionId(), mirror);
        String committed = null;
        String subject = null;
        if (request.commit()) {
            Staged staged = stage(sandbox);
            if (staged != null) {
                subject = message(request, staged);
                committed = commit(sandbox, request, subject);
                subject = subject.lines().findFirst().orElse(subject);
            }
        }
        String head = bringHome(sandbox, outbox);
        if (head == null) {
            return new Publication(committed, subject, null, false, null);
        }
        requireBuildsOnBase(outbox, head);
        if (!request.push()) {
            return new Publication(committed, subject, head, false, null);
        }
        if (request.workBranch().equals(mirror.defaultBranch())) {
            return new Publication(
                    committed,
                    subject,
                    head,
                    false,
                    "the work branch is the repository's default branch; Nightshift never pushes to it");
        }
        List<String> pinned;
        try {
            pinned = guard.check(request.repository());
        } catch (GitException e) {
            return new Publication(committed, subject, head, false, e.getMessage());
        }
        HostGit.Result push = git.exec(
                outbox,
                request.auth(),
                InputStream.nullInputStream(),
                null,
                HostGit.DEFAULT_TIMEOUT,
                Mirrors.withOptions(
                        pinned,
                        "push",
                        "--porcelain",
                        "--no-verify",
                        request.repository().url(),
                        HEAD_REF + ":refs/heads/" + request.workBranch()));
        if (!push.ok()) {
            return new Publication(committed, subject, head, false, pushProblem(request, push));
        }
        git.run(outbox, GitAuth.NONE, "update-ref", PUSHED_REF, head);
        return new Publication(committed, subject, head, true, null);
    }

    /** The work against its base: from the live sandbox when there is one, else from the last published work. */
    public Optional<BranchDiff> diff(
            String sessionId, RepositoryUrl repository, String baseBranch, String workBranch, Sandbox liveSandbox)
            throws InterruptedException {
        Optional<Mirror> mirror = mirrors.existing(repository);
        if (mirror.isEmpty() || !Files.isDirectory(outboxDir(sessionId))) {
            return Optional.empty();
        }
        Path outbox = outbox(sessionId, mirror.get());
        String base = ref(outbox, BASE_REF);
        if (liveSandbox != null) {
            return Optional.of(liveDiff(liveSandbox, base, baseBranch, workBranch));
        }
        String head = ref(outbox, HEAD_REF);
        if (base == null || head == null) {
            return Optional.of(new BranchDiff(
                    baseBranch, workBranch, base, head == null ? base : head, "branch", List.of(), "", false));
        }
        String nameStatus = git.run(
                outbox,
                GitAuth.NONE,
                "diff",
                "--no-ext-diff",
                "--no-textconv",
                "-M",
                "--name-status",
                "-z",
                base,
                head);
        String numstat = git.run(
                outbox, GitAuth.NONE, "diff", "--no-ext-diff", "--no-textconv", "-M", "--numstat", "-z", base, head);
        java.io.ByteArrayOutputStream patch = new java.io.ByteArrayOutputStream();
        git.exec(
                outbox,
                GitAuth.NONE,
                InputStream.nullInputStream(),
                new Capped(patch, MAX_PATCH_BYTES + 1),
                HostGit.DEFAULT_TIMEOUT,
                "diff",
                "--no-ext-diff",
                "--no-textconv",
                "--no-color",
                "-M",
                base,
                head);
        return Optional.of(diff(
                baseBranch,
                workBranch,
                base,
                head,
                "branch",
                nameStatus + "\n" + SEPARATOR + numstat,
                patch.toByteArray()));
    }

    // -- checkout ---------------------------------------------------------------------------

    private Path outboxDir(String sessionId) {
        if (!SESSION_ID.matcher(sessionId).matches()) {
            throw new IllegalArgumentException("unexpected session id '" + sessionId + "'");
        }
        return outboxRoot.resolve(sessionId + ".git");
    }

    /** The session's host-side repository; it borrows the mirror's objects, so it holds only the session's own. */
    private Path outbox(String sessionId, Mirror mirror) {
        Path dir = outboxDir(sessionId);
        if (!Files.isDirectory(dir.resolve("objects"))) {
            git.run(null, GitAuth.NONE, "init", "--quiet", "--bare", dir.toString());
            try {
                Files.writeString(
                        dir.resolve("objects/info/alternates"),
                        mirror.dir().resolve("objects").toAbsolutePath() + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    // -- publish ----------------------------------------------------------------------------

    private record Staged(String stat, String patch) {}

    /**
     * A shell step (after {@code git()} is defined, in the workspace) that makes git ignore the files
     * attached to prompts ({@value dev.nightshift.core.model.Attachment#DIRECTORY}) through
     * {@code .git/info/exclude}: they are the session's inputs, never its work, so no commit, diff or
     * {@code git add} of the agent's own picks them up. Idempotent; also run before every stage and
     * diff, for workspaces checked out before the rule existed.
     */
    static final String IGNORE_ATTACHMENTS = """
            exclude=$(git rev-parse --git-path info/exclude)
            mkdir -p "$(dirname "$exclude")"
            grep -qxF '/%1$s/' "$exclude" 2>/dev/null || printf '%%s\\n' '/%1$s/' >> "$exclude"
            """.formatted(dev.nightshift.core.model.Attachment.DIRECTORY);

    private static final String STAGE = """
            set -eu
            git() { command git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }
            """ + IGNORE_ATTACHMENTS + """
            git add -A
            if git diff --cached --quiet; then exit 0; fi
            git diff --cached --no-ext-diff --no-textconv --stat=120 | tail -n 60
            printf '%s' "$SEPARATOR"
            git diff --cached --no-ext-diff --no-textconv --no-color | head -c "$LIMIT"
            """;

    /** Stages everything; null when nothing changed. */
    private Staged stage(Sandbox sandbox) throws InterruptedException {
        ExecResult result = inSandbox(
                sandbox, STAGE, Map.of("SEPARATOR", SEPARATOR, "LIMIT", Integer.toString(MESSAGE_PATCH_BYTES)), null);
        String out = result.stdout();
        int cut = out.indexOf(SEPARATOR);
        if (cut < 0) {
            return null;
        }
        return new Staged(out.substring(0, cut).strip(), out.substring(cut + SEPARATOR.length()));
    }

    private static String message(PublishRequest request, Staged staged) {
        String written = null;
        try {
            written = request.messageWriter().write(staged.stat(), staged.patch());
        } catch (Exception e) {
            LOG.info("the commit message writer failed; using the plain message: {}", e.getMessage());
        }
        String message = written == null || written.isBlank()
                ? plainMessage(request.fallbackMessage(), staged.stat())
                : written.strip();
        return message + "\n\n" + request.coAuthor().trailer() + "\n";
    }

    /** The message when no model wrote one: the request's first line and the stat. */
    static String plainMessage(String request, String stat) {
        String first = request == null
                ? ""
                : request.strip().lines().findFirst().orElse("").strip();
        String subject = first.isEmpty()
                ? "Changes made by Nightshift"
                : first.length() > 72 ? first.substring(0, 69) + "..." : first;
        return subject + "\n\n" + stat;
    }

    private static final String COMMIT = """
            set -eu
            git() { command git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }
            git -c commit.gpgsign=false commit -q --no-verify -F -
            git rev-parse HEAD
            """;

    private String commit(Sandbox sandbox, PublishRequest request, String message) throws InterruptedException {
        CommitIdentity a = request.author();
        ExecResult result = inSandbox(
                sandbox,
                COMMIT,
                Map.of(
                        "GIT_AUTHOR_NAME",
                        a.name(),
                        "GIT_AUTHOR_EMAIL",
                        a.email(),
                        "GIT_COMMITTER_NAME",
                        a.name(),
                        "GIT_COMMITTER_EMAIL",
                        a.email()),
                message.getBytes(StandardCharsets.UTF_8));
        String[] lines = result.stdout().strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** Writes HEAD's new commits as a bundle (prerequisites: what the host already holds); exit 3 when nothing is new. */
    private static final String BUNDLE = """
            set -eu
            git() { command git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }
            head=$(git rev-parse --verify --quiet 'HEAD^{commit}') || exit 3
            set -- HEAD
            for c in $KNOWN; do
              [ "$c" = "$head" ] && exit 3
              if git cat-file -e "$c^{commit}" 2>/dev/null; then set -- "$@" "^$c"; fi
            done
            git bundle create --quiet - "$@"
            """;

    /** Fetches HEAD out of the workspace into the outbox; returns the new head, or null when nothing is new. */
    private String bringHome(Sandbox sandbox, Path outbox) throws InterruptedException {
        String known = String.join(
                " ",
                java.util.stream.Stream.of(ref(outbox, HEAD_REF), ref(outbox, BASE_REF))
                        .filter(java.util.Objects::nonNull)
                        .toList());
        Path bundle;
        try {
            bundle = Files.createTempFile(outbox, "incoming", ".bundle");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            AtomicBoolean tooBig = new AtomicBoolean();
            ExecResult result;
            try (OutputStream file = Files.newOutputStream(bundle)) {
                Capped capped = new Capped(file, MAX_BUNDLE_BYTES);
                result = sandbox.exec(
                        new ExecRequest(
                                List.of("bash", "-c", BUNDLE), "", Map.of("KNOWN", known), GIT_IN_SANDBOX_TIMEOUT),
                        (stream, chunk) -> {
                            if (stream == OutputListener.Stream.STDOUT && !capped.accept(chunk)) {
                                tooBig.set(true);
                            }
                        });
            }
            if (result.exitCode() == 3) {
                return null;
            }
            if (tooBig.get()) {
                throw new GitException("the work is larger than " + (MAX_BUNDLE_BYTES >> 20)
                        + " MiB as a git bundle; not publishing it");
            }
            if (result.exitCode() != 0) {
                throw new GitException("could not read the work out of the sandbox: "
                        + result.stderr().strip());
            }
            git.run(outbox, GitAuth.NONE, "bundle", "verify", "--quiet", bundle.toString());
            git.run(
                    outbox,
                    GitAuth.NONE,
                    "-c",
                    "fetch.fsckObjects=true",
                    "fetch",
                    "--quiet",
                    "--no-tags",
                    "--no-write-fetch-head",
                    bundle.toString(),
                    "+HEAD:" + HEAD_REF);
            return ref(outbox, HEAD_REF);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(bundle);
            } catch (IOException ignored) {
                // a temporary file in the outbox; the next publication writes another
            }
        }
    }

    private void requireBuildsOnBase(Path outbox, String head) {
        String base = ref(outbox, BASE_REF);
        if (base == null) {
            return;
        }
        HostGit.Result ancestor = git.exec(
                outbox,
                GitAuth.NONE,
                InputStream.nullInputStream(),
                null,
                HostGit.DEFAULT_TIMEOUT,
                "merge-base",
                "--is-ancestor",
                base,
                head);
        if (!ancestor.ok()) {
            throw new GitException(
                    "the workspace's HEAD (" + head.substring(0, 8) + ") does not build on the base commit "
                            + base.substring(0, 8) + "; check out the work branch again before the next turn");
        }
    }

    private static String pushProblem(PublishRequest request, HostGit.Result push) {
        String text = (push.stderr() + "\n" + new String(push.stdout(), StandardCharsets.UTF_8)).strip();
        if (text.contains("non-fast-forward") || text.contains("fetch first") || text.contains("[rejected]")) {
            return "the branch " + request.workBranch() + " has commits that are not in this session; Nightshift never "
                    + "force-pushes, so the work stays unpushed until the branch is reconciled (" + text + ")";
        }
        return Mirrors.describe("push to", request.repository(), request.auth(), text);
    }

    // -- diff -------------------------------------------------------------------------------

    private static final String LIVE_DIFF = """
            set -eu
            git() { command git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }
            """ + IGNORE_ATTACHMENTS + """
            export GIT_INDEX_FILE=$(mktemp)
            rm -f "$GIT_INDEX_FILE"
            git read-tree HEAD 2>/dev/null || true
            git add -A
            head=$(git rev-parse --verify --quiet HEAD || true)
            git diff --cached --no-ext-diff --no-textconv -M --name-status -z $BASE
            printf '\\n%s' "$SEPARATOR"
            git diff --cached --no-ext-diff --no-textconv -M --numstat -z $BASE
            printf '\\n%s' "$SEPARATOR"
            printf '%s' "$head"
            printf '%s' "$SEPARATOR"
            git diff --cached --no-ext-diff --no-textconv --no-color -M $BASE | head -c "$LIMIT"
            rm -f "$GIT_INDEX_FILE"
            """;

    private BranchDiff liveDiff(Sandbox sandbox, String base, String baseBranch, String workBranch)
            throws InterruptedException {
        String against = base == null ? "4b825dc642cb6eb9a060e54bf8d69288fbee4904" : base; // git's empty tree
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        Capped capped = new Capped(raw, 8L * MAX_PATCH_BYTES);
        ExecResult result = sandbox.exec(
                new ExecRequest(
                        List.of("bash", "-c", LIVE_DIFF),
                        "",
                        Map.of("BASE", against, "SEPARATOR", SEPARATOR, "LIMIT", Integer.toString(MAX_PATCH_BYTES + 1)),
                        GIT_IN_SANDBOX_TIMEOUT),
                (stream, chunk) -> {
                    if (stream == OutputListener.Stream.STDOUT) {
                        capped.accept(chunk);
                    }
                });
        if (result.exitCode() != 0) {
            throw new GitException(
                    "could not read the workspace's changes: " + result.stderr().strip());
        }
        String[] parts = raw.toString(StandardCharsets.UTF_8).split(Pattern.quote(SEPARATOR), 4);
        if (parts.length < 4) {
            throw new GitException("the workspace's git printed something unexpected");
        }
        String head = parts[2].isBlank() ? null : parts[2].strip();
        return diff(
                baseBranch,
                workBranch,
                base,
                head,
                "workspace",
                parts[0] + "\n" + SEPARATOR + parts[1],
                parts[3].getBytes(StandardCharsets.UTF_8));
    }

    private static BranchDiff diff(
            String baseBranch, String workBranch, String base, String head, String source, String lists, byte[] patch) {
        String[] split = lists.split(Pattern.quote(SEPARATOR), 2);
        List<BranchDiff.FileChange> files = DiffParser.parse(split[0].strip(), split[1].strip());
        boolean truncated = patch.length > MAX_PATCH_BYTES;
        String text = new String(patch, 0, Math.min(patch.length, MAX_PATCH_BYTES), StandardCharsets.UTF_8);
        return new BranchDiff(baseBranch, workBranch, base, head, source, files, text, truncated);
    }

    // -- helpers ----------------------------------------------------------------------------

    private String ref(Path repo, String name) {
        HostGit.Result result = git.exec(
                repo,
                GitAuth.NONE,
                InputStream.nullInputStream(),
                null,
                HostGit.DEFAULT_TIMEOUT,
                "rev-parse",
                "--verify",
                "--quiet",
                name + "^{commit}");
        return result.ok() && !result.out().isEmpty() ? result.out() : null;
    }

    private static ExecResult inSandbox(Sandbox sandbox, String script, Map<String, String> env, byte[] stdin)
            throws InterruptedException {
        InputStream input = stdin == null ? InputStream.nullInputStream() : new ByteArrayInputStream(stdin);
        ExecResult result = sandbox.exec(
                new ExecRequest(List.of("bash", "-c", script), "", env, GIT_IN_SANDBOX_TIMEOUT),
                input,
                OutputListener.IGNORE);
        if (result.exitCode() != 0) {
            throw new GitException(
                    "git in the sandbox failed: " + result.stderr().strip());
        }
        return result;
    }

    /** An output stream that keeps at most {@code limit} bytes and says when more arrived. */
    private static final class Capped extends OutputStream {
        private final OutputStream target;
        private final long limit;
        private long written;

        Capped(OutputStream target, long limit) {
            this.target = target;
            this.limit = limit;
        }

        /** Writes a chunk; false once more than the limit has arrived. */
        boolean accept(byte[] chunk) {
            try {
                write(chunk, 0, chunk.length);
                return written <= limit;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            long room = limit - written;
            if (room > 0) {
                target.write(b, off, (int) Math.min(room, len));
            }
            written += len;
        }
    }
}

package dev.nightshift.git;

import static dev.nightshift.git.testing.TestRepos.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.EgressAttachment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkout, commit, push and diff against real git repositories and real bubblewrap sandboxes. */
class WorkspacesTest {
    static final CommitIdentity ADA = new CommitIdentity("Ada Lovelace", "ada@example.com");
    static final CommitIdentity AGENT = new CommitIdentity("Nightshift", "agent@nightshift.invalid");

    @TempDir
    Path dir;

    BubblewrapProvider provider;
    Workspaces workspaces;
    Path remote;
    RepositoryUrl url;
    final List<Sandbox> sandboxes = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        provider = new BubblewrapProvider(BubblewrapConfig.under(dir.resolve("sandboxes")), EgressAttachment.NONE);
        workspaces = new Workspaces(dir.resolve("git"));
        remote = TestRepos.bareWithMain(dir.resolve("remote.git"));
        url = RepositoryUrl.parse(remote.toString());
    }

    @AfterEach
    void tearDown() {
        sandboxes.forEach(Sandbox::destroy);
        provider.close();
    }

    Sandbox sandbox(String session) {
        Sandbox s = provider.create(new SandboxSpec(session, SandboxLimits.DEFAULTS, Map.of()));
        sandboxes.add(s);
        return s;
    }

    static String sh(Sandbox sandbox, String script) throws InterruptedException {
        ExecResult r =
                sandbox.exec(ExecRequest.shell(script).withTimeout(Duration.ofSeconds(60)), OutputListener.IGNORE);
        assertThat(r.exitCode()).as(script + "\n" + r.stderr()).isZero();
        return r.stdout().strip();
    }

    PublishRequest publish(String session, String work, boolean push) {
        return new PublishRequest(
                session,
                url,
                "main",
                work,
                ADA,
                AGENT,
                true,
                push,
                GitAuth.NONE,
                (stat, patch) -> "Say hello to the world\n\nThe app greets everyone now.",
                "make it greet");
    }

    @Test
    void checkoutPutsTheBaseBranchIntoTheWorkspaceOnANewWorkBranch() throws Exception {
        Sandbox sandbox = sandbox("s1");
        Checkout checkout = workspaces.checkout("s1", url, GitAuth.NONE, null, "al/0000abcd", ADA, sandbox);

        assertThat(checkout.baseBranch()).isEqualTo("main");
        assertThat(checkout.baseCommit()).isEqualTo(git(remote, "rev-parse", "main"));
        assertThat(checkout.summary()).endsWith("First commit");
        assertThat(sh(sandbox, "git symbolic-ref --short HEAD")).isEqualTo("al/0000abcd");
        assertThat(sh(sandbox, "cat src/app.txt")).isEqualTo("hello");
        assertThat(sh(sandbox, "git branch -r --format='%(refname:short)' | sort"))
                .contains("origin/develop", "origin/main");
        assertThat(sh(sandbox, "git remote get-url origin")).isEqualTo(url.url());
        assertThat(sh(sandbox, "git status --porcelain")).isEmpty();
    }

    @Test
    void aBaseBranchThatDoesNotExistIsRefusedWithTheDefault() {
        Sandbox sandbox = sandbox("s1");
        assertThatThrownBy(() -> workspaces.checkout("s1", url, GitAuth.NONE, "nope", "al/1", ADA, sandbox))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("'nope' does not exist")
                .hasMessageContaining("default: main");
    }

    @Test
    void publishCommitsAsThePersonWithTheAgentAsCoAuthorAndPushesTheWorkBranchOnly() throws Exception {
        Sandbox sandbox = sandbox("s1");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1a2b3c4d", ADA, sandbox);
        String mainBefore = git(remote, "rev-parse", "main");
        sh(sandbox, "echo 'hello, world' > src/app.txt && echo new > src/new.txt");

        Publication publication = workspaces.publish(publish("s1", "al/1a2b3c4d", true), sandbox);

        assertThat(publication.pushed()).isTrue();
        assertThat(publication.subject()).isEqualTo("Say hello to the world");
        assertThat(git(remote, "rev-parse", "al/1a2b3c4d"))
                .isEqualTo(publication.head())
                .isEqualTo(publication.committed());
        assertThat(git(remote, "log", "--format=%an <%ae>|%cn <%ce>", "main..al/1a2b3c4d"))
                .isEqualTo("Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>");
        assertThat(git(remote, "log", "-1", "--format=%B", "al/1a2b3c4d"))
                .contains("The app greets everyone now.")
                .endsWith("Co-Authored-By: Nightshift <agent@nightshift.invalid>");
        assertThat(git(remote, "rev-parse", "main")).isEqualTo(mainBefore);

        BranchDiff live =
                workspaces.diff("s1", url, "main", "al/1a2b3c4d", sandbox).orElseThrow();
        BranchDiff stored =
                workspaces.diff("s1", url, "main", "al/1a2b3c4d", null).orElseThrow();
        for (BranchDiff diff : List.of(live, stored)) {
            assertThat(diff.files())
                    .extracting(BranchDiff.FileChange::path, BranchDiff.FileChange::status)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("src/app.txt", "modified"),
                            org.assertj.core.groups.Tuple.tuple("src/new.txt", "added"));
            assertThat(diff.patch()).contains("-hello", "+hello, world");
            assertThat(diff.headCommit()).isEqualTo(publication.head());
        }
        assertThat(live.source()).isEqualTo("workspace");
        assertThat(stored.source()).isEqualTo("branch");

        // a second turn adds a commit on top; the first is not published again
        sh(sandbox, "echo third > src/third.txt");
        Publication second = workspaces.publish(publish("s1", "al/1a2b3c4d", true), sandbox);
        assertThat(second.pushed()).isTrue();
        assertThat(git(remote, "rev-list", "--count", "main..al/1a2b3c4d")).isEqualTo("2");
        // nothing changed: nothing to do
        assertThat(workspaces
                        .publish(publish("s1", "al/1a2b3c4d", true), sandbox)
                        .nothingNew())
                .isTrue();
    }

    @Test
    void uncommittedWorkShowsInTheLiveDiffBeforeAnythingIsPublished() throws Exception {
        Sandbox sandbox = sandbox("s1");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1", ADA, sandbox);
        assertThat(workspaces
                        .diff("s1", url, "main", "al/1", null)
                        .orElseThrow()
                        .files())
                .isEmpty();
        sh(sandbox, "rm README.md && echo x > untracked.txt");

        BranchDiff diff = workspaces.diff("s1", url, "main", "al/1", sandbox).orElseThrow();

        assertThat(diff.files())
                .extracting(BranchDiff.FileChange::path)
                .containsExactlyInAnyOrder("README.md", "untracked.txt");
        assertThat(sh(sandbox, "git status --porcelain")).contains("?? untracked.txt"); // the real index is untouched
    }

    @Test
    void filesAttachedToPromptsAreNeverCommittedNorShownAsChanges() throws Exception {
        Sandbox sandbox = sandbox("s1");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/5", ADA, sandbox);
        sandbox.writeFile(".nightshift/attachments/shot.png", new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        assertThat(sh(sandbox, "git status --porcelain")).isEmpty(); // the agent's own git ignores them too
        sh(sandbox, "echo changed > src/app.txt");

        assertThat(workspaces
                        .diff("s1", url, "main", "al/5", sandbox)
                        .orElseThrow()
                        .files())
                .extracting(BranchDiff.FileChange::path)
                .containsExactly("src/app.txt");
        Publication publication = workspaces.publish(publish("s1", "al/5", true), sandbox);
        assertThat(git(remote, "show", "--name-only", "--format=", publication.head()))
                .isEqualTo("src/app.txt");

        // a workspace checked out before the rule existed gets it at its next publish
        sh(sandbox, "printf '' > .git/info/exclude");
        sandbox.writeFile(".nightshift/attachments/notes.md", "# notes\n".getBytes(StandardCharsets.UTF_8));
        sh(sandbox, "echo again > src/app.txt");
        Publication second = workspaces.publish(publish("s1", "al/5", true), sandbox);
        assertThat(git(remote, "show", "--name-only", "--format=", second.head()))
                .isEqualTo("src/app.txt");
        assertThat(git(remote, "ls-tree", "-r", "--name-only", "al/5")).doesNotContain(".nightshift");
    }

    @Test
    void sessionsOnOneRepositoryKeepTheirOwnWorkspacesAndBranches() throws Exception {
        Sandbox one = sandbox("s1");
        Sandbox two = sandbox("s2");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1", ADA, one);
        workspaces.checkout("s2", url, GitAuth.NONE, "develop", "al/2", ADA, two);
        sh(one, "echo one > src/app.txt");
        sh(two, "echo two > src/app.txt");

        assertThat(workspaces.publish(publish("s1", "al/1", true), one).pushed())
                .isTrue();
        assertThat(workspaces
                        .publish(
                                new PublishRequest(
                                        "s2",
                                        url,
                                        "develop",
                                        "al/2",
                                        ADA,
                                        AGENT,
                                        true,
                                        true,
                                        GitAuth.NONE,
                                        CommitMessageWriter.NONE,
                                        "second session"),
                                two)
                        .pushed())
                .isTrue();

        assertThat(git(remote, "show", "al/1:src/app.txt")).isEqualTo("one");
        assertThat(git(remote, "show", "al/2:src/app.txt")).isEqualTo("two");
        assertThat(git(remote, "log", "-1", "--format=%s", "al/2")).isEqualTo("second session");
        assertThat(git(remote, "merge-base", "--is-ancestor", "develop", "al/2"))
                .isEmpty();
        assertThat(sh(one, "cat src/app.txt")).isEqualTo("one");
    }

    @Test
    void neverForcePushesOverSomeoneElsesCommits() throws Exception {
        Sandbox sandbox = sandbox("s1");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1", ADA, sandbox);
        sh(sandbox, "echo mine > src/app.txt");
        assertThat(workspaces.publish(publish("s1", "al/1", true), sandbox).pushed())
                .isTrue();
        // someone else pushes to the work branch
        Path other = dir.resolve("other");
        git(null, "clone", "-q", "-b", "al/1", remote.toString(), other.toString());
        Files.writeString(other.resolve("theirs.txt"), "theirs\n");
        git(other, "add", "-A");
        git(other, "commit", "-q", "-m", "Their commit");
        git(other, "push", "-q", "origin", "al/1");
        String theirs = git(remote, "rev-parse", "al/1");

        sh(sandbox, "echo again > src/app.txt");
        Publication publication = workspaces.publish(publish("s1", "al/1", true), sandbox);

        assertThat(publication.pushed()).isFalse();
        assertThat(publication.pushProblem()).contains("never force-pushes");
        assertThat(git(remote, "rev-parse", "al/1")).isEqualTo(theirs);
    }

    @Test
    void refusesToPushToTheBaseBranch() {
        Sandbox sandbox = sandbox("s1");
        assertThatThrownBy(() -> workspaces.publish(publish("s1", "main", true), sandbox))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("never pushes to the base branch");
    }

    @Test
    void hooksAndConfigWrittenInTheSandboxNeverRunOnTheHost() throws Exception {
        Sandbox sandbox = sandbox("s1");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1", ADA, sandbox);
        Path marker = dir.resolve("pwned");
        String payload = "touch " + marker;
        for (String hook : List.of(
                "pre-push",
                "post-commit",
                "pre-commit",
                "post-checkout",
                "reference-transaction",
                "pre-receive",
                "post-update",
                "update",
                "push-to-checkout",
                "fsmonitor-watchman")) {
            sh(
                    sandbox,
                    "printf '#!/bin/sh\\n%s\\n' '" + payload + "' > .git/hooks/" + hook + " && chmod +x .git/hooks/"
                            + hook);
        }
        sh(
                sandbox,
                String.join(
                        "\n",
                        "git config core.fsmonitor '" + payload + "'",
                        "git config core.sshCommand '" + payload + "'",
                        "git config core.pager '" + payload + "'",
                        "git config credential.helper '!" + payload + "'",
                        "git config uploadpack.packObjectsHook '" + payload + "'",
                        "git config diff.external '" + payload + "'",
                        "git config core.hooksPath .git/hooks",
                        "git config remote.origin.url 'ext::sh -c " + payload + "'",
                        "echo '*.txt diff=evil' > .gitattributes",
                        "git config diff.evil.textconv '" + payload + "'",
                        "echo changed > src/app.txt"));

        Publication publication = workspaces.publish(publish("s1", "al/1", true), sandbox);
        workspaces.diff("s1", url, "main", "al/1", null);

        assertThat(publication.pushed()).isTrue();
        assertThat(git(remote, "show", "al/1:src/app.txt")).isEqualTo("changed");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aBundleThatIsNotGitIsRefusedAndNothingIsPushed() throws Exception {
        Sandbox sandbox = sandbox("s1");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1", ADA, sandbox);
        sh(sandbox, "echo changed > src/app.txt");
        PublishRequest request = new PublishRequest(
                "s1", url, "main", "al/1", ADA, AGENT, true, true, GitAuth.NONE, CommitMessageWriter.NONE, "x");
        String unrelated = "# v2 git bundle\n" + "0".repeat(40) + " HEAD\n\nPACK-not-really";
        for (String reply : List.of("not-a-bundle", unrelated)) {
            assertThatThrownBy(() -> workspaces.publish(request, new HostileSandbox(sandbox, reply)))
                    .isInstanceOf(GitException.class);
        }
        assertThat(git(remote, "branch", "--list", "al/1")).isEmpty();
    }

    @Test
    void aReplacedSandboxContinuesThePushedWorkBranchInsteadOfStartingOver() throws Exception {
        Sandbox first = sandbox("s1");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1", ADA, first);
        sh(first, "echo first > src/app.txt");
        String pushed = workspaces.publish(publish("s1", "al/1", true), first).head();
        first.destroy();

        Sandbox second = sandbox("s1");
        Checkout again = workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1", ADA, second);

        assertThat(sh(second, "git rev-parse HEAD")).isEqualTo(pushed);
        assertThat(sh(second, "cat src/app.txt")).isEqualTo("first");
        assertThat(again.summary()).endsWith("Say hello to the world");
        sh(second, "echo second > src/app.txt");
        assertThat(workspaces.publish(publish("s1", "al/1", true), second).pushed())
                .isTrue();
        assertThat(git(remote, "rev-list", "--count", "main..al/1")).isEqualTo("2");
    }

    @Test
    void aForkStartsAtTheCommitItsParentRecordedAtAnEarlierTurnOnItsOwnBranch() throws Exception {
        Sandbox parent = sandbox("s1");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1", ADA, parent);
        sh(parent, "echo one > src/app.txt");
        workspaces.publish(publish("s1", "al/1", false), parent); // recorded on the host, never pushed
        String first = workspaces.recordTurn("s1", "msg_1");
        sh(parent, "echo two > src/app.txt");
        workspaces.publish(publish("s1", "al/1", false), parent);
        String second = workspaces.recordTurn("s1", "msg_2");
        assertThat(first).isNotNull().isNotEqualTo(second);
        assertThat(sh(parent, "git rev-parse HEAD")).isEqualTo(second);

        Sandbox fork = sandbox("s2");
        Checkout checkout = workspaces.checkoutFork("s2", "s1", url, "main", first, "al/fork", ADA, fork);

        assertThat(checkout.workBranch()).isEqualTo("al/fork");
        assertThat(sh(fork, "git symbolic-ref --short HEAD")).isEqualTo("al/fork");
        assertThat(sh(fork, "git rev-parse HEAD")).isEqualTo(first);
        assertThat(sh(fork, "cat src/app.txt")).isEqualTo("one");
        assertThat(sh(fork, "git status --porcelain")).isEmpty();
        assertThat(sh(fork, "git remote get-url origin")).isEqualTo(url.url());

        // the fork publishes its own branch: the parent's earlier commit and its own, nothing of the later one
        sh(fork, "echo forked > src/app.txt");
        Publication published = workspaces.publish(publish("s2", "al/fork", true), fork);
        assertThat(published.pushed()).isTrue();
        assertThat(git(remote, "rev-list", "--count", "main..al/fork")).isEqualTo("2");
        assertThat(git(remote, "rev-parse", "al/fork~1")).isEqualTo(first);
        assertThat(git(remote, "branch", "--list", "al/1")).isEmpty();
        assertThat(workspaces
                        .diff("s2", url, "main", "al/fork", null)
                        .orElseThrow()
                        .patch())
                .contains("+forked");
        // the parent goes on untouched
        assertThat(sh(parent, "git rev-parse HEAD")).isEqualTo(second);
        assertThat(sh(parent, "cat src/app.txt")).isEqualTo("two");

        // a fork of the fork finds the commit the fork started from
        Sandbox grandchild = sandbox("s3");
        workspaces.checkoutFork("s3", "s2", url, "main", first, "al/again", ADA, grandchild);
        assertThat(sh(grandchild, "cat src/app.txt")).isEqualTo("one");

        assertThatThrownBy(() ->
                        workspaces.checkoutFork("s4", "s1", url, "main", "0".repeat(40), "al/nope", ADA, sandbox("s4")))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("not among the work its parent recorded");
    }

    @Test
    void aCopiedWorkspaceBecomesTheForksOwnWithItsUncommittedChanges() throws Exception {
        Sandbox parent = sandbox("s1");
        workspaces.checkout("s1", url, GitAuth.NONE, "main", "al/1", ADA, parent);
        sh(parent, "echo one > src/app.txt");
        String recorded =
                workspaces.publish(publish("s1", "al/1", false), parent).head();
        sh(parent, "echo work-in-progress > src/wip.txt");

        Sandbox copy = provider.copy(new SandboxSpec("s5", SandboxLimits.DEFAULTS, Map.of()), parent);
        sandboxes.add(copy);
        String summary = workspaces.adopt("s5", "s1", url, "al/copy", copy);

        assertThat(summary).endsWith("Say hello to the world");
        assertThat(sh(copy, "git symbolic-ref --short HEAD")).isEqualTo("al/copy");
        assertThat(sh(copy, "git rev-parse HEAD")).isEqualTo(recorded);
        assertThat(sh(copy, "cat src/wip.txt")).isEqualTo("work-in-progress");
        Publication published = workspaces.publish(publish("s5", "al/copy", true), copy);
        assertThat(published.pushed()).isTrue();
        assertThat(git(remote, "rev-parse", "al/copy~1")).isEqualTo(recorded);
        assertThat(git(remote, "show", "al/copy:src/wip.txt")).isEqualTo("work-in-progress");
        // the parent's workspace is still its own
        assertThat(sh(parent, "git symbolic-ref --short HEAD")).isEqualTo("al/1");
        assertThat(sh(parent, "git status --porcelain")).contains("wip.txt");
    }
}

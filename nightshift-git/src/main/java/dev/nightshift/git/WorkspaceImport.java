package dev.nightshift.git;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies a mirror into a sandbox's workspace: the host streams the mirror's objects and refs as a
 * tar into the sandbox, where git (as the sandbox's user) turns them into a normal clone. Pack
 * files travel as they are, so nothing is re-indexed, no network is used and no credential is
 * involved; the mirror's config never enters the sandbox.
 */
final class WorkspaceImport {
    static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(10);

    /** Runs inside the sandbox; branches of the mirror become {@code origin}'s. */
    private static final String SCRIPT = """
            set -eu
            git() { command git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }
            git init -q
            """ + Workspaces.IGNORE_ATTACHMENTS + """
            tar -x -i -f - -C .git
            refs=$(mktemp)
            git for-each-ref --format='delete %(refname) %(objectname)' refs/heads > "$refs"
            git for-each-ref --format='create refs/remotes/origin/%(refname:lstrip=2) %(objectname)' refs/heads >> "$refs"
            git update-ref --stdin < "$refs"
            rm -f "$refs"
            git remote add origin "$ORIGIN"
            git config commit.gpgsign false
            git config user.name "$USER_NAME"
            git config user.email "$USER_EMAIL"
            if [ -n "$START_SHA" ]; then
              [ -n "$BASE" ] && git symbolic-ref refs/remotes/origin/HEAD "refs/remotes/origin/$BASE"
              git checkout -q -b "$WORK" "$START_SHA"
              git log -1 --format='%h %s'
            else
              git symbolic-ref HEAD "refs/heads/$WORK"
              echo "(empty repository)"
            fi
            """;

    private WorkspaceImport() {}

    /**
     * @param outbox a session's outbox whose own objects come along (a fork's, holding its parent's
     *     recorded work), or null
     * @param startCommit where the work branch starts: the base, the branch's own tip when it already
     *     exists, or for a fork the commit its parent recorded
     */
    static Checkout run(
            HostGit git,
            Mirror mirror,
            Path outbox,
            String baseBranch,
            String baseCommit,
            String startCommit,
            String workBranch,
            CommitIdentity user,
            Sandbox sandbox)
            throws InterruptedException {
        List<String> tar = new ArrayList<>(
                List.of("tar", "-c", "-f", "-", "-C", mirror.dir().toString(), "objects", "refs"));
        if (Files.exists(mirror.dir().resolve("packed-refs"))) {
            tar.add("packed-refs");
        }
        if (outbox != null) {
            // a second archive after the first (extracted with -i); never the outbox's info/alternates,
            // which names a host path
            List<String> both = new ArrayList<>(List.of(
                    "/bin/sh",
                    "-c",
                    "\"$@\" && exec tar -c -f - --exclude=objects/info -C \"$0\" objects",
                    outbox.toString()));
            both.addAll(tar);
            tar = both;
        }
        Process producer;
        try {
            producer = new ProcessBuilder(tar)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new GitException("could not read the mirror of " + mirror.repository() + ": " + e.getMessage(), e);
        }
        try {
            ExecRequest request = new ExecRequest(
                    List.of("bash", "-c", SCRIPT),
                    "",
                    Map.of(
                            "ORIGIN",
                            mirror.repository().url(),
                            "BASE",
                            baseBranch == null ? "" : baseBranch,
                            "START_SHA",
                            startCommit == null ? "" : startCommit,
                            "WORK",
                            workBranch,
                            "USER_NAME",
                            user.name(),
                            "USER_EMAIL",
                            user.email()),
                    IMPORT_TIMEOUT);
            ExecResult result = sandbox.exec(request, producer.getInputStream(), OutputListener.IGNORE);
            if (result.exitCode() != 0) {
                throw new GitException("could not check out " + mirror.repository() + " in the sandbox: "
                        + result.stderr().strip());
            }
            String[] lines = result.stdout().strip().split("\n");
            return new Checkout(baseBranch, baseCommit, workBranch, lines[lines.length - 1]);
        } finally {
            producer.destroyForcibly();
        }
    }
}

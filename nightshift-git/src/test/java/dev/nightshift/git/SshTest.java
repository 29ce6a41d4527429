package dev.nightshift.git;

import static dev.nightshift.git.testing.TestRepos.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.git.testing.SshGitServer;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.git.testing.TokenScan;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.EgressAttachment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetch and push over SSH with a stored key, against a real sshd on loopback; the key never reaches the sandbox. */
class SshTest {
    @TempDir
    Path dir;

    @Test
    void aRepositoryOverSshIsCheckedOutAndPushedWithTheKeyFromTheHostOnly() throws Exception {
        Path remote = TestRepos.bareWithMain(dir.resolve("remote.git"));
        try (SshGitServer ssh = SshGitServer.start(dir.resolve("ssh"));
                BubblewrapProvider provider = new BubblewrapProvider(
                        BubblewrapConfig.under(dir.resolve("sandboxes")), EgressAttachment.NONE)) {
            Sandbox sandbox = provider.create(new SandboxSpec("s1", SandboxLimits.DEFAULTS, Map.of()));
            try {
                Workspaces workspaces =
                        new Workspaces(dir.resolve("git"), new RemoteGuard(java.util.Set.of("127.0.0.1")));
                RepositoryUrl url = RepositoryUrl.parse(ssh.url(remote));
                GitAuth key = GitAuth.sshKey(ssh.clientKey());
                assertThatThrownBy(() ->
                                workspaces.checkout("s1", url, GitAuth.NONE, null, "al/1", WorkspacesTest.ADA, sandbox))
                        .isInstanceOf(GitException.class)
                        .hasMessageContaining("PUT /api/me/credentials/127.0.0.1");

                Checkout checkout = workspaces.checkout("s1", url, key, null, "al/1", WorkspacesTest.ADA, sandbox);
                assertThat(checkout.baseBranch()).isEqualTo("main");
                sandbox.exec(ExecRequest.shell("echo over ssh > src/app.txt"), OutputListener.IGNORE);
                Publication publication = workspaces.publish(
                        new PublishRequest(
                                "s1",
                                url,
                                "main",
                                "al/1",
                                WorkspacesTest.ADA,
                                WorkspacesTest.AGENT,
                                true,
                                true,
                                key,
                                CommitMessageWriter.NONE,
                                "Push over SSH"),
                        sandbox);

                assertThat(publication.pushed())
                        .as(String.valueOf(publication.pushProblem()))
                        .isTrue();
                assertThat(git(remote, "show", "al/1:src/app.txt")).isEqualTo("over ssh");
                String keyBody = ssh.clientKey()
                        .lines()
                        .filter(l -> !l.startsWith("-----"))
                        .findFirst()
                        .orElseThrow();
                assertThat(TokenScan.find(sandbox, List.of(keyBody))).isEmpty();
                assertThat(dir.resolve("git/git-home").toFile().list())
                        .isEmpty(); // the key file lived only for the command
            } finally {
                sandbox.destroy();
            }
        }
    }
}

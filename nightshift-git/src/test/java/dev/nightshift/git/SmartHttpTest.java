package dev.nightshift.git;

import static dev.nightshift.git.testing.TestRepos.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.git.testing.GitHttpServer;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.git.testing.TokenScan;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.EgressAttachment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetch and push with a token against a real git smart-HTTP server, and proof the token never reaches the sandbox. */
class SmartHttpTest {
    static final String TOKEN = "ghp_SmartHttpTestToken0123456789abcdef";

    @TempDir
    Path dir;

    GitHttpServer server;
    BubblewrapProvider provider;
    Sandbox sandbox;
    Workspaces workspaces;
    Path remote;
    RepositoryUrl url;

    @BeforeEach
    void setUp() throws Exception {
        remote = TestRepos.bareWithMain(dir.resolve("repos/app.git"));
        git(remote, "config", "http.receivepack", "true");
        server = GitHttpServer.start(dir.resolve("repos"), TOKEN);
        url = RepositoryUrl.parse(server.url("app.git"));
        provider = new BubblewrapProvider(BubblewrapConfig.under(dir.resolve("sandboxes")), EgressAttachment.NONE);
        sandbox = provider.create(new SandboxSpec("s1", SandboxLimits.DEFAULTS, Map.of()));
        workspaces = new Workspaces(dir.resolve("git"), new RemoteGuard(java.util.Set.of("127.0.0.1")));
    }

    @AfterEach
    void tearDown() {
        sandbox.destroy();
        provider.close();
        server.close();
    }

    @Test
    void withoutTheTokenTheHostRefusesAndTheMessageSaysWhatToDo() {
        assertThatThrownBy(
                        () -> workspaces.checkout("s1", url, GitAuth.NONE, null, "al/1", WorkspacesTest.ADA, sandbox))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("PUT /api/me/credentials/127.0.0.1");
        assertThatThrownBy(() -> workspaces.checkout(
                        "s1", url, GitAuth.token("ada", "wrong"), null, "al/1", WorkspacesTest.ADA, sandbox))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("the stored credential was refused")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void fetchesAndPushesWithTheTokenFromTheHostOnly() throws Exception {
        GitAuth auth = GitAuth.token("ada", TOKEN);
        workspaces.checkout("s1", url, auth, null, "al/1", WorkspacesTest.ADA, sandbox);
        int requestsAfterCheckout = server.authorizations.size();
        shell("echo 'over http' > src/app.txt");

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
                        auth,
                        CommitMessageWriter.NONE,
                        "Push over smart HTTP"),
                sandbox);

        assertThat(publication.pushed()).isTrue();
        assertThat(git(remote, "show", "al/1:src/app.txt")).isEqualTo("over http");
        String expected =
                "Basic " + Base64.getEncoder().encodeToString(("ada:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        assertThat(server.authorizations.subList(requestsAfterCheckout, server.authorizations.size()))
                .contains(expected);

        // a rotated token: the push is refused, nothing changes upstream, and the message carries no secret
        server.acceptOnly("ghp_rotated");
        shell("echo again > src/app.txt");
        Publication refused = workspaces.publish(
                new PublishRequest(
                        "s1",
                        url,
                        "main",
                        "al/1",
                        WorkspacesTest.ADA,
                        WorkspacesTest.AGENT,
                        true,
                        true,
                        auth,
                        CommitMessageWriter.NONE,
                        "again"),
                sandbox);
        assertThat(refused.pushed()).isFalse();
        assertThat(refused.pushProblem()).contains("could not push").doesNotContain(TOKEN);
        assertThat(git(remote, "rev-parse", "al/1")).isEqualTo(publication.head());

        assertThat(TokenScan.find(sandbox, List.of(TOKEN, expected.substring("Basic ".length()))))
                .isEmpty();
    }

    @Test
    void theScanFindsATokenThatIsThere() throws Exception {
        shell("mkdir -p /home/nightshift/.config && echo 'token=" + TOKEN + "' > /home/nightshift/.config/leak");
        assertThat(TokenScan.find(sandbox, List.of(TOKEN))).containsExactly(TOKEN);
    }

    private void shell(String script) throws InterruptedException {
        ExecResult r = sandbox.exec(ExecRequest.shell(script).withTimeout(Duration.ofSeconds(30)), (s, c) -> {});
        assertThat(r.exitCode()).as(r.stderr()).isZero();
    }
}

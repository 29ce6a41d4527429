package dev.nightshift.sandbox;

import static dev.nightshift.sandbox.SandboxTestSupport.SMALL;
import static dev.nightshift.sandbox.SandboxTestSupport.sh;
import static dev.nightshift.sandbox.SandboxTestSupport.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.core.sandbox.SandboxState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the unisolated provider does, with real processes: say that it does not isolate,
 * scrub the host's environment, follow sessions, keep to its own ports, clean up after a crash.
 * What every sandbox promises is in {@link ProcessContractTest}.
 */
class ProcessProviderTest {
    @TempDir
    Path data;

    private Path root;
    private ProcessProvider provider;

    @BeforeEach
    void provider() {
        root = data.resolve("sandboxes");
        provider = new ProcessProvider(root);
    }

    @AfterEach
    void close() {
        provider.close();
    }

    /** How many host processes have a command line matching {@code regex} (pgrep -f). */
    private static int pgrep(String regex) throws Exception {
        Process p = new ProcessBuilder("pgrep", "-f", regex)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(10, TimeUnit.SECONDS);
        return out.isEmpty() ? 0 : out.split("\n").length;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private Path home(Sandbox sandbox) {
        return root.resolve(sandbox.id()).resolve("home");
    }

    private Path workspace(Sandbox sandbox) {
        return root.resolve(sandbox.id()).resolve("workspace");
    }

    @Test
    void saysPlainlyThatThereIsNoIsolation() {
        assertThat(provider.name()).isEqualTo("process");
        assertThat(provider.capabilities())
                .first()
                .asString()
                .startsWith("NO ISOLATION")
                .contains("trusted single-user machine");
        assertThat(String.join("\n", provider.capabilities())).contains("limits: none enforced");
    }

    @Test
    void aWorkingDirectoryMustExistAndStayInTheWorkspace() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_workdir"));
        ExecResult wd = sandbox.exec(ExecRequest.shell("pwd").withWorkdir("sub/dir/.."), OutputListener.IGNORE);
        assertThat(wd.exitCode()).isEqualTo(125);
        assertThat(wd.stderr()).contains("no such directory");
        sh(sandbox, "ln -s / escape");
        ExecResult linked = sandbox.exec(ExecRequest.shell("pwd").withWorkdir("escape/etc"), OutputListener.IGNORE);
        assertThat(linked.exitCode()).isNotZero();
        assertThat(linked.stderr()).contains("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.startDetached(ExecRequest.shell("pwd").withWorkdir("escape/etc")))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.exec(ExecRequest.shell("true").asReadOnly(), OutputListener.IGNORE))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> sandbox.startDetached(ExecRequest.shell("true").asReadOnly()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("read-only");
    }

    @Test
    void theEnvironmentIsScrubbed() throws Exception {
        Sandbox sandbox = provider.create(new SandboxSpec("ses_env", SMALL, Map.of("SPEC_MARK", "from-spec")));
        ExecResult env = sandbox.exec(
                ExecRequest.shell("env; echo cwd=$(pwd)").withEnv(Map.of("REQUEST_MARK", "from-request")),
                OutputListener.IGNORE);
        assertThat(env.exitCode()).as(env.stderr()).isZero();
        List<String> lines = Arrays.asList(env.stdout().split("\n"));
        assertThat(lines)
                .contains(
                        "HOME=" + home(sandbox),
                        "TERM=dumb",
                        "SPEC_MARK=from-spec",
                        "REQUEST_MARK=from-request",
                        "PATH=" + System.getenv("PATH"));
        assertThat(lines).noneMatch(l -> l.startsWith("JAVA_HOME=") || l.startsWith("MAVEN_") || l.startsWith("USER="));
        // nothing else of this JVM's environment leaks in
        System.getenv().forEach((name, value) -> {
            if (!List.of("PATH", "HOME", "LANG", "TERM", "PWD", "SHLVL", "_").contains(name)) {
                assertThat(lines).as(name).doesNotContain(name + "=" + value);
            }
        });
        assertThat(lines).contains("cwd=" + workspace(sandbox).toRealPath());
    }

    @Test
    void aDoubleForkedDaemonDiesWithItsSession() throws Exception {
        assumeTrue(ProcessTrees.HAS_PROC && ProcessTrees.SETSID != null, "sessions are followed on Linux with setsid");
        Sandbox sandbox = provider.create(spec("ses_daemon"));
        ExecResult forked = sh(sandbox, "( sleep 178 >/dev/null 2>&1 & ); echo started");
        assertThat(forked.stdout()).isEqualTo("started\n");
        assertThat(pgrep("^sleep 178"))
                .as("a command ends with everything it started")
                .isZero();

        sandbox.startDetached(ExecRequest.shell("( sleep 179 >/dev/null 2>&1 & ); exec sleep 180"));
        await().atMost(Duration.ofSeconds(5)).until(() -> pgrep("^sleep 1(79|80)") == 2);
        sandbox.killAll();
        assertThat(pgrep("^sleep 1(79|80)")).isZero();
    }

    @Test
    void onlyTheSandboxsOwnPortsAreListedAndReachable() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_ports"));
        int port = freePort();
        DetachedProcess server = sandbox.startDetached(new ExecRequest(
                List.of("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1"),
                "",
                Map.of(),
                null));
        assertThat(server.running())
                .as(sandbox.detachedOutput(server.id(), 2000))
                .isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.ports().contains(port));
        if (ProcessTrees.LSOF != null) {
            assertThat(((ProcessSandbox) sandbox).ports(false))
                    .as("the lsof path (macOS)")
                    .contains(port);
        }
        // someone else's port on loopback: neither listed nor reachable through the sandbox
        try (ServerSocket foreign = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(sandbox.ports()).containsExactly(port);
            assertThatThrownBy(() -> sandbox.connect(foreign.getLocalPort()))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("listens on port");
        }
        Sandbox other = provider.create(spec("ses_other"));
        assertThat(other.ports())
                .as("a port held by another sandbox is not this one's")
                .isEmpty();
        sandbox.killAll();
        assertThat(sandbox.ports()).isEmpty();
    }

    @Test
    void aSandboxIsADirectoryWithWorkspaceAndHomeUntilItHibernates() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_snap"));
        sandbox.writeFile("app/notes/todo.txt", "remember\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(workspace(sandbox).resolve("app/notes/todo.txt")))
                .isEqualTo("remember\n");
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        sandbox.hibernate(archive);
        assertThat(root.resolve(sandbox.id())).doesNotExist();

        Sandbox restored = provider.restore(spec("ses_snap"), new ByteArrayInputStream(archive.toByteArray()));
        try (var dirs = Files.list(root.resolve(restored.id()))) {
            assertThat(dirs.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("workspace", "home");
        }
        assertThat(Files.readString(workspace(restored).resolve("app/notes/todo.txt")))
                .isEqualTo("remember\n");
        restored.destroy();
        assertThat(root.resolve(restored.id())).doesNotExist();
    }

    @Test
    void removeOrphansDeletesLeftoverDirectoriesAndTheirProcesses() throws Exception {
        Sandbox live = provider.create(spec("ses_live"));
        Path orphan = Files.createDirectories(root.resolve("sbx_orphan/workspace"));
        Files.writeString(orphan.resolve("f.txt"), "left behind");
        Path unrelated = Files.createDirectories(root.resolve("not-a-sandbox"));
        Process straggler =
                new ProcessBuilder("sleep", "168").directory(orphan.toFile()).start();

        assertThat(provider.removeOrphans()).isEqualTo(1);
        assertThat(root.resolve("sbx_orphan")).doesNotExist();
        assertThat(unrelated).exists();
        assertThat(root.resolve(live.id())).exists();
        assertThat(live.state()).isEqualTo(SandboxState.READY);
        if (ProcessTrees.HAS_PROC) {
            assertThat(straggler.waitFor(5, TimeUnit.SECONDS))
                    .as("a process working in an orphan is killed")
                    .isTrue();
        } else {
            straggler.destroyForcibly();
        }
    }

    @Test
    void aSandboxWhoseDirectoryVanishedHasFailed() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_gone"));
        ProcessFiles.deleteTree(root.resolve(sandbox.id()));
        assertThat(sandbox.alive()).isFalse();
        assertThat(sandbox.state()).isEqualTo(SandboxState.FAILED);
        assertThatThrownBy(() -> sh(sandbox, "true"))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("failed");
    }
}

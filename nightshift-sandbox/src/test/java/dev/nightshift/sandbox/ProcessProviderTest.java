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
import dev.nightshift.core.sandbox.FileEntry;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.PortConnection;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unisolated provider with real processes: what it cannot isolate it must still stop, scrub and confine to the file API. */
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
        Process p = new ProcessBuilder("pgrep", "-f", regex).redirectErrorStream(true).start();
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
        assertThat(provider.capabilities()).first().asString().startsWith("NO ISOLATION").contains("trusted single-user machine");
        assertThat(String.join("\n", provider.capabilities())).contains("limits: none enforced");
    }

    @Test
    void execStreamsOutputReportsExitCodesAndHonoursTimeouts() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_exec"));
        assertThat(sandbox.state()).isEqualTo(SandboxState.READY);
        List<String> chunks = new CopyOnWriteArrayList<>();
        ExecResult result = sandbox.exec(ExecRequest.shell("echo out; echo err >&2; exit 3"),
                (stream, chunk) -> chunks.add(stream + ":" + new String(chunk, StandardCharsets.UTF_8)));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(String.join("", chunks)).contains("STDOUT:out", "STDERR:err");
        assertThat(sh(sandbox, "true").succeeded()).isTrue();
        assertThat(sh(sandbox, "kill -9 $$").exitCode()).isEqualTo(137);

        long start = System.nanoTime();
        ExecResult slow = sh(sandbox, "sleep 177 & sleep 177", Duration.ofMillis(500));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.exitCode()).isEqualTo(137);
        assertThat(slow.stderr()).contains("timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(pgrep("^sleep 177")).as("the background child dies with the command").isZero();

        ExecResult big = sh(sandbox, "head -c 600000 /dev/zero | tr '\\0' a");
        assertThat(big.truncatedBytes()).isGreaterThan(0);
        assertThat(big.stdout().length()).isLessThan((int) SMALL.maxOutputBytes());

        ExecResult wd = sandbox.exec(ExecRequest.shell("pwd").withWorkdir("sub/dir/.."), OutputListener.IGNORE);
        assertThat(wd.exitCode()).isNotZero(); // sub does not exist yet
        assertThat(wd.stderr()).contains("no such directory");
        sandbox.writeFile("sub/dir/f.txt", new byte[] {1});
        ExecResult pwd = sandbox.exec(ExecRequest.shell("pwd").withWorkdir("sub/dir/.."), OutputListener.IGNORE);
        assertThat(Path.of(pwd.stdout().strip())).isEqualTo(workspace(sandbox).resolve("sub").toRealPath());
        assertThatThrownBy(() -> sandbox.exec(ExecRequest.shell("pwd").withWorkdir("../.."), OutputListener.IGNORE))
                .isInstanceOf(SandboxException.class).hasMessageContaining("leaves the workspace");
        sh(sandbox, "ln -s / escape");
        ExecResult linked = sandbox.exec(ExecRequest.shell("pwd").withWorkdir("escape/etc"), OutputListener.IGNORE);
        assertThat(linked.exitCode()).isNotZero();
        assertThat(linked.stderr()).contains("leads outside the workspace");
    }

    @Test
    void anInterruptedCommandIsKilledWithItsChildren() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_interrupt"));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                sh(sandbox, "sleep 176 & sleep 176", Duration.ofSeconds(60));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> pgrep("^sleep 176") == 2);
        runner.interrupt();
        runner.join(5000);
        assertThat(runner.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(pgrep("^sleep 176")).isZero();
    }

    @Test
    void theLastOfACommandsOutputIsNeverLost() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_whole"));
        for (int i = 0; i < 30; i++) {
            ExecResult out = sandbox.exec(ExecRequest.shell("seq 1 20000; echo done"), OutputListener.IGNORE);
            assertThat(out.stdout()).as("run %d", i).endsWith("\n20000\ndone\n");
        }
    }

    @Test
    void theEnvironmentIsScrubbed() throws Exception {
        Sandbox sandbox = provider.create(new SandboxSpec("ses_env", SMALL, Map.of("SPEC_MARK", "from-spec")));
        ExecResult env = sandbox.exec(ExecRequest.shell("env; echo cwd=$(pwd)").withEnv(Map.of("REQUEST_MARK", "from-request")),
                OutputListener.IGNORE);
        assertThat(env.exitCode()).as(env.stderr()).isZero();
        List<String> lines = Arrays.asList(env.stdout().split("\n"));
        assertThat(lines).contains("HOME=" + home(sandbox), "TERM=dumb", "SPEC_MARK=from-spec", "REQUEST_MARK=from-request",
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
    void killAllStopsADetachedServerAndASetsidGrandchild() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_stop"));
        int port = freePort();
        DetachedProcess server = sandbox.startDetached(new ExecRequest(
                List.of("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1"), "", Map.of(), null));
        assertThat(server.running()).as(sandbox.detachedOutput(server.id(), 2000)).isTrue();
        DetachedProcess daemon = sandbox.startDetached(ExecRequest.shell("setsid sleep 174 & sleep 175"));
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                sh(sandbox, "setsid sleep 171 & nohup sleep 172 >/dev/null 2>&1 & sleep 173", Duration.ofSeconds(60));
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> pgrep("^sleep 17[1-5]") == 5 && sandbox.ports().contains(port));

        long start = System.nanoTime();
        sandbox.killAll();
        runner.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(runner.isAlive()).isFalse();
        assertThat(pgrep("^sleep 17[1-5]")).isZero();
        assertThat(pgrep("http.server " + port)).isZero();
        assertThat(sandbox.detached()).extracting(DetachedProcess::id).containsExactly(server.id(), daemon.id());
        assertThat(sandbox.detached()).allMatch(p -> !p.running());
        assertThat(sandbox.ports()).isEmpty();
        assertThat(sandbox.state()).isEqualTo(SandboxState.READY);
        assertThat(sh(sandbox, "echo still here").stdout()).isEqualTo("still here\n");
    }

    @Test
    void aDoubleForkedDaemonDiesWithItsSession() throws Exception {
        assumeTrue(ProcessTrees.HAS_PROC && ProcessTrees.SETSID != null, "sessions are followed on Linux with setsid");
        Sandbox sandbox = provider.create(spec("ses_daemon"));
        ExecResult forked = sh(sandbox, "( sleep 178 >/dev/null 2>&1 & ); echo started");
        assertThat(forked.stdout()).isEqualTo("started\n");
        assertThat(pgrep("^sleep 178")).as("a command ends with everything it started").isZero();

        sandbox.startDetached(ExecRequest.shell("( sleep 179 >/dev/null 2>&1 & ); exec sleep 180"));
        await().atMost(Duration.ofSeconds(5)).until(() -> pgrep("^sleep 1(79|80)") == 2);
        sandbox.killAll();
        assertThat(pgrep("^sleep 1(79|80)")).isZero();
    }

    @Test
    void aDetachedProcessThatDiesAtOnceIsReported() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_probe"));
        DetachedProcess broken = sandbox.startDetached(ExecRequest.shell("echo 'port already in use' >&2; exit 7"));
        assertThat(broken.running()).isFalse();
        assertThat(broken.exitCode()).isEqualTo(7);
        assertThat(sandbox.detachedOutput(broken.id(), 1000)).contains("port already in use");
        assertThatThrownBy(() -> sandbox.detachedOutput("d999", 10)).isInstanceOf(SandboxException.class);
    }

    @Test
    void aDetachedServersPortIsListedAndReachable() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_ports"));
        sandbox.writeFile("site/index.html", "<h1>hello from the process sandbox</h1>\n".getBytes(StandardCharsets.UTF_8));
        int port = freePort();
        DetachedProcess server = sandbox.startDetached(new ExecRequest(
                List.of("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1"), "site", Map.of(), null));
        assertThat(server.running()).as(sandbox.detachedOutput(server.id(), 2000)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.ports().contains(port));
        try (PortConnection c = sandbox.connect(port)) {
            c.output().write("GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            c.output().flush();
            String response = new String(c.input().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.0 200").contains("hello from the process sandbox");
        }
        if (ProcessTrees.LSOF != null) {
            assertThat(((ProcessSandbox) sandbox).ports(false)).as("the lsof path (macOS)").contains(port);
        }
        // someone else's port on loopback: neither listed nor reachable through the sandbox
        try (ServerSocket foreign = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(sandbox.ports()).containsExactly(port);
            assertThatThrownBy(() -> sandbox.connect(foreign.getLocalPort()))
                    .isInstanceOf(SandboxException.class).hasMessageContaining("listens on port");
        }
        // a port held by another sandbox is not this one's
        Sandbox other = provider.create(spec("ses_other"));
        assertThat(other.ports()).isEmpty();
    }

    @Test
    void filesRoundTripInsideTheWorkspace() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_files"));
        sandbox.writeFile("src/Main.java", "class Main {}\n".getBytes(StandardCharsets.UTF_8));
        sandbox.writeFile("/workspace/src/b.txt", "0123456789".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(workspace(sandbox).resolve("src/Main.java"))).isEqualTo("class Main {}\n");
        assertThat(new String(sandbox.readFile("src/b.txt", 3, 4), StandardCharsets.UTF_8)).isEqualTo("3456");
        assertThat(sandbox.readFile("src/b.txt", 100, 4)).isEmpty();
        sandbox.writeFile("src/b.txt", "short".getBytes(StandardCharsets.UTF_8)); // truncates
        assertThat(new String(sandbox.readFile("src/b.txt", 0, 100), StandardCharsets.UTF_8)).isEqualTo("short");
        assertThat(sandbox.list("src")).extracting(FileEntry::path).containsExactly("src/Main.java", "src/b.txt");
        assertThat(sandbox.list("")).extracting(FileEntry::kind).containsExactly(FileEntry.Kind.DIRECTORY);
        assertThat(sandbox.stat("src/b.txt")).get().satisfies(e -> {
            assertThat(e.path()).isEqualTo("src/b.txt");
            assertThat(e.sizeBytes()).isEqualTo(5);
            assertThat(e.kind()).isEqualTo(FileEntry.Kind.FILE);
        });
        assertThat(sandbox.stat("")).get().extracting(FileEntry::kind).isEqualTo(FileEntry.Kind.DIRECTORY);
        assertThat(sandbox.stat("missing.txt")).isEmpty();
        assertThat(sandbox.stat("missing/deeper.txt")).isEmpty();
        assertThatThrownBy(() -> sandbox.readFile("missing.txt", 0, 10)).isInstanceOf(IOException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> sandbox.readFile("src", 0, 10)).isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> sandbox.writeFile("src", new byte[1])).isInstanceOf(IOException.class).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> sandbox.writeFile("src/b.txt/x", new byte[1])).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.list("src/b.txt")).isInstanceOf(IOException.class).hasMessageContaining("not a directory");

        // links that stay inside are followed; the entry itself is a SYMLINK
        assertThat(sh(sandbox, "ln -s src/Main.java inner && ln -s src linked-dir && ln -s nowhere/new.txt dangling-inside").exitCode()).isZero();
        assertThat(new String(sandbox.readFile("inner", 0, 100), StandardCharsets.UTF_8)).isEqualTo("class Main {}\n");
        assertThat(sandbox.stat("inner")).get().extracting(FileEntry::kind).isEqualTo(FileEntry.Kind.SYMLINK);
        assertThat(sandbox.list("linked-dir")).extracting(FileEntry::path).containsExactly("linked-dir/Main.java", "linked-dir/b.txt");
        sandbox.writeFile("dangling-inside", "made".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(workspace(sandbox).resolve("nowhere/new.txt"))).isEqualTo("made");
        assertThat(sandbox.list("")).filteredOn(e -> e.path().equals("inner")).extracting(FileEntry::kind).containsExactly(FileEntry.Kind.SYMLINK);
    }

    @Test
    void theFileApiRefusesLinksAndPathsOutOfTheWorkspace() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_escape"));
        Path outside = Files.createDirectories(data.resolve("outside"));
        Path planted = outside.resolve("planted.txt");
        assertThat(sh(sandbox, "ln -s /etc/passwd passwd && ln -s / slash && ln -s ../../.. up && ln -s "
                + planted + " dangling && ln -s chain1 chain2 && ln -s slash/etc chain1").exitCode()).isZero();

        assertThatThrownBy(() -> sandbox.readFile("passwd", 0, 100)).isInstanceOf(IOException.class)
                .hasMessageContaining("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.writeFile("passwd", new byte[1])).isInstanceOf(IOException.class)
                .hasMessageContaining("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.stat("passwd")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.readFile("slash/etc/passwd", 0, 100)).isInstanceOf(IOException.class)
                .hasMessageContaining("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.list("slash")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.list("up")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.readFile("chain2/passwd", 0, 100)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.writeFile("dangling", "x".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class)
                .hasMessageContaining("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.writeFile("slash/" + outside + "/new.txt", new byte[1])).isInstanceOf(IOException.class);
        assertThat(Files.exists(planted)).as("nothing written through a dangling link").isFalse();
        try (var stream = Files.list(outside)) {
            assertThat(stream.toList()).isEmpty();
        }

        for (String path : List.of("../etc/passwd", "../../../../etc/passwd", "/etc/passwd", "src/../../x")) {
            assertThatThrownBy(() -> sandbox.readFile(path, 0, 100)).as(path).isInstanceOf(SandboxException.class);
            assertThatThrownBy(() -> sandbox.writeFile(path, new byte[1])).as(path).isInstanceOf(SandboxException.class);
        }
        assertThatThrownBy(() -> sandbox.writeFile("", new byte[1])).isInstanceOf(SandboxException.class);
        // the links themselves are listed, not followed
        assertThat(sandbox.list("")).filteredOn(e -> e.path().equals("passwd"))
                .singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(FileEntry.Kind.SYMLINK));
    }

    @Test
    void hibernateAndRestoreKeepTheFiles() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_snap"));
        sandbox.writeFile("app/notes/todo.txt", "remember\n".getBytes(StandardCharsets.UTF_8));
        assertThat(sh(sandbox, "echo secret-ish > ~/.tool-config && ln -s app/notes notes-link").exitCode()).isZero();
        sandbox.startDetached(ExecRequest.shell("sleep 169"));
        await().atMost(Duration.ofSeconds(5)).until(() -> pgrep("^sleep 169") == 1);

        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        sandbox.hibernate(archive);
        assertThat(sandbox.state()).isEqualTo(SandboxState.HIBERNATED);
        assertThat(sandbox.alive()).isFalse();
        assertThat(pgrep("^sleep 169")).isZero();
        assertThat(archive.size()).isGreaterThan(100);
        try (var dirs = Files.list(root)) {
            assertThat(dirs.toList()).as("a hibernated sandbox leaves no files behind").isEmpty();
        }
        assertThatThrownBy(() -> sh(sandbox, "true")).isInstanceOf(SandboxException.class).hasMessageContaining("hibernated");

        Sandbox restored = provider.restore(spec("ses_snap"), new ByteArrayInputStream(archive.toByteArray()));
        assertThat(restored.id()).isNotEqualTo(sandbox.id());
        assertThat(restored.state()).isEqualTo(SandboxState.READY);
        assertThat(new String(restored.readFile("app/notes/todo.txt", 0, 100), StandardCharsets.UTF_8)).isEqualTo("remember\n");
        assertThat(restored.stat("notes-link")).get().extracting(FileEntry::kind).isEqualTo(FileEntry.Kind.SYMLINK);
        assertThat(sh(restored, "cat ~/.tool-config").stdout()).isEqualTo("secret-ish\n");
        try (var dirs = Files.list(root.resolve(restored.id()))) {
            assertThat(dirs.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("workspace", "home");
        }

        restored.destroy();
        assertThat(restored.state()).isEqualTo(SandboxState.DESTROYED);
        assertThat(restored.alive()).isFalse();
        assertThat(root.resolve(restored.id())).doesNotExist();
        restored.destroy(); // idempotent
    }

    @Test
    void destroyRemovesReadOnlyTreesWithoutFollowingLinks() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_destroy"));
        Path outside = Files.writeString(data.resolve("keep-me.txt"), "keep");
        assertThat(sh(sandbox, "mkdir -p mod/pkg && touch mod/pkg/a.go && chmod 555 mod/pkg mod && ln -s " + outside
                + " link && ln -s " + data + " dirlink").exitCode()).isZero();
        sandbox.destroy();
        assertThat(root.resolve(sandbox.id())).doesNotExist();
        assertThat(outside).hasContent("keep");
    }

    @Test
    void removeOrphansDeletesLeftoverDirectoriesAndTheirProcesses() throws Exception {
        Sandbox live = provider.create(spec("ses_live"));
        Path orphan = Files.createDirectories(root.resolve("sbx_orphan/workspace"));
        Files.writeString(orphan.resolve("f.txt"), "left behind");
        Path unrelated = Files.createDirectories(root.resolve("not-a-sandbox"));
        Process straggler = new ProcessBuilder("sleep", "168").directory(orphan.toFile()).start();

        assertThat(provider.removeOrphans()).isEqualTo(1);
        assertThat(root.resolve("sbx_orphan")).doesNotExist();
        assertThat(unrelated).exists();
        assertThat(root.resolve(live.id())).exists();
        assertThat(live.state()).isEqualTo(SandboxState.READY);
        if (ProcessTrees.HAS_PROC) {
            assertThat(straggler.waitFor(5, TimeUnit.SECONDS)).as("a process working in an orphan is killed").isTrue();
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
        assertThatThrownBy(() -> sh(sandbox, "true")).isInstanceOf(SandboxException.class).hasMessageContaining("failed");
    }
}

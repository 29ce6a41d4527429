package dev.nightshift.sandbox;

import static dev.nightshift.sandbox.SandboxTestSupport.SMALL;
import static dev.nightshift.sandbox.SandboxTestSupport.sh;
import static dev.nightshift.sandbox.SandboxTestSupport.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.FileEntry;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxProvider;
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
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Sandbox} promises, whoever provides it: commands (exit codes, streamed
 * output, timeouts, cancelling), background processes, files that stay in the workspace, ports,
 * snapshots. A provider's test extends this class and says only how to make the provider and
 * where its commands see the workspace; what only one provider does (isolation, cgroups, the
 * escape suite, a warm pool) stays in that provider's own tests.
 *
 * <p>Processes are counted from inside the sandbox ({@code pgrep} in a second command) while it
 * runs, so the checks hold for a provider whose processes this host cannot see; only after a
 * snapshot, when the sandbox can no longer run anything, is the host asked.
 */
abstract class SandboxContract {
    @TempDir
    Path data;

    SandboxProvider provider;

    /** A provider keeping whatever it keeps on this host under {@code data}. */
    abstract SandboxProvider newProvider(Path data);

    /** The directory a command started in the workspace's top prints as {@code pwd}. */
    abstract String workspaceSeenByCommands(Sandbox sandbox) throws IOException;

    /** What the provider keeps on this host for its sandboxes (their directories), to show none is left behind. */
    abstract List<String> keptOnHost() throws IOException;

    @BeforeEach
    void startProvider() {
        provider = newProvider(data);
    }

    @AfterEach
    void closeProvider() {
        provider.close();
    }

    /** The names in a provider's directory on this host, for {@link #keptOnHost}. */
    static List<String> namesIn(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** How many processes in the sandbox have a command line matching {@code regex}, asked from inside. */
    static int processes(Sandbox sandbox, String regex) throws InterruptedException {
        ExecResult count = sh(sandbox, "pgrep -cf '" + regex + "' || true");
        return Integer.parseInt(count.stdout().strip());
    }

    /** How many processes on this host have a command line matching {@code regex}. */
    static int hostProcesses(String regex) throws Exception {
        Process p = new ProcessBuilder("pgrep", "-f", regex)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(10, TimeUnit.SECONDS);
        return out.isEmpty() ? 0 : out.split("\n").length;
    }

    /** A port free on this host's loopback (and so, for a provider with a network of its own, free there too). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    static DetachedProcess httpServer(Sandbox sandbox, int port, String workdir) throws InterruptedException {
        DetachedProcess server = sandbox.startDetached(new ExecRequest(
                List.of("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1"),
                workdir,
                Map.of(),
                null));
        assertThat(server.running())
                .as(sandbox.detachedOutput(server.id(), 2000))
                .isTrue();
        return server;
    }

    private static byte[] gitBundle(Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("origin"));
        run(repo, "git", "init", "-q", "-b", "main");
        Files.writeString(repo.resolve("README.md"), "# demo\n");
        Files.writeString(repo.resolve("index.html"), "<h1>hello from the sandbox</h1>\n");
        run(repo, "git", "add", ".");
        run(repo, "git", "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init");
        run(repo, "git", "bundle", "create", "-q", dir.resolve("repo.bundle").toString(), "HEAD", "main");
        return Files.readAllBytes(dir.resolve("repo.bundle"));
    }

    private static void run(Path dir, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", argv) + ": " + out);
        }
    }

    // -- commands -------------------------------------------------------------------------------

    @Test
    void execStreamsOutputAndReportsExitCodes() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_exec"));
        assertThat(sandbox.state()).isEqualTo(SandboxState.READY);
        assertThat(sandbox.sessionId()).isEqualTo("ses_exec");
        List<String> chunks = new CopyOnWriteArrayList<>();
        ExecResult result = sandbox.exec(
                ExecRequest.shell("echo out; echo err >&2; exit 3"),
                (stream, chunk) -> chunks.add(stream + ":" + new String(chunk, StandardCharsets.UTF_8)));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(String.join("", chunks)).contains("STDOUT:out", "STDERR:err");
        assertThat(sh(sandbox, "true").succeeded()).isTrue();
        assertThat(sh(sandbox, "kill -9 $$").exitCode()).isEqualTo(137);

        ExecResult fed = sandbox.exec(
                ExecRequest.shell("wc -c"), new ByteArrayInputStream(new byte[12345]), OutputListener.IGNORE);
        assertThat(fed.stdout().strip()).isEqualTo("12345");
        assertThat(sh(sandbox, "cat; echo after").stdout())
                .as("no input is end of file, not a hang")
                .isEqualTo("after\n");

        ExecResult big = sh(sandbox, "head -c 600000 /dev/zero | tr '\\0' a");
        assertThat(big.truncatedBytes()).isGreaterThan(0);
        assertThat(big.stdout().length()).isLessThan((int) SMALL.maxOutputBytes());
    }

    @Test
    void aCommandGetsEachLineOfItsInputAsItIsWrittenSoItCanBeTalkedTo() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_talk"));
        java.io.PipedOutputStream toCommand = new java.io.PipedOutputStream();
        java.io.PipedInputStream input = new java.io.PipedInputStream(toCommand);
        StringBuffer out = new StringBuffer();
        AtomicReference<ExecResult> result = new AtomicReference<>();
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                result.set(sandbox.exec(
                        ExecRequest.shell("while read -r line; do echo \"got $line\"; done; echo bye"),
                        input,
                        (stream, chunk) -> out.append(new String(chunk, StandardCharsets.UTF_8))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // each answer comes while the input is still open: nothing waits for a buffer to fill
        toCommand.write("one\n".getBytes(StandardCharsets.UTF_8));
        toCommand.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("got one\n"));
        toCommand.write("two\n".getBytes(StandardCharsets.UTF_8));
        toCommand.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("got two\n"));
        toCommand.close();
        runner.join(10_000);
        assertThat(result.get().exitCode()).isZero();
        assertThat(result.get().stdout()).isEqualTo("got one\ngot two\nbye\n");
    }

    @Test
    void aCommandIsKilledAtItsTimeoutWithEverythingItStarted() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_timeout"));
        long start = System.nanoTime();
        ExecResult slow = sh(sandbox, "sleep 177 & sleep 177", Duration.ofMillis(500));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.succeeded()).isFalse();
        assertThat(slow.exitCode()).isEqualTo(137);
        assertThat(slow.stderr()).contains("timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(processes(sandbox, "^sleep 177"))
                .as("the background child dies with the command")
                .isZero();

        ExecResult forked = sh(sandbox, "sleep 178 >/dev/null 2>&1 & echo started");
        assertThat(forked.stdout()).isEqualTo("started\n");
        assertThat(processes(sandbox, "^sleep 178"))
                .as("a command ends with everything it started")
                .isZero();
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
        await().atMost(Duration.ofSeconds(5)).until(() -> processes(sandbox, "^sleep 176") == 2);
        runner.interrupt();
        runner.join(5000);
        assertThat(runner.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(processes(sandbox, "^sleep 176")).isZero();
        assertThat(sh(sandbox, "echo still here").stdout()).isEqualTo("still here\n");
    }

    @Test
    void commandsRunInTheWorkspaceWithTheEnvironmentTheyAreGiven() throws Exception {
        Sandbox sandbox = provider.create(new SandboxSpec("ses_env", SMALL, Map.of("SPEC_MARK", "from-spec")));
        String workspace = workspaceSeenByCommands(sandbox);
        ExecResult env = sandbox.exec(
                ExecRequest.shell("env; echo cwd=$(pwd)").withEnv(Map.of("REQUEST_MARK", "from-request")),
                OutputListener.IGNORE);
        assertThat(env.exitCode()).as(env.stderr()).isZero();
        assertThat(Arrays.asList(env.stdout().split("\n")))
                .contains("SPEC_MARK=from-spec", "REQUEST_MARK=from-request", "TERM=dumb", "cwd=" + workspace);

        ExecResult wd = sandbox.exec(ExecRequest.shell("pwd").withWorkdir("sub/dir/.."), OutputListener.IGNORE);
        assertThat(wd.exitCode()).as("sub does not exist yet").isNotZero();
        sandbox.writeFile("sub/dir/f.txt", new byte[] {1});
        ExecResult pwd = sandbox.exec(ExecRequest.shell("pwd").withWorkdir("sub/dir/.."), OutputListener.IGNORE);
        assertThat(pwd.stdout()).isEqualTo(workspace + "/sub\n");
        assertThatThrownBy(() -> sandbox.exec(ExecRequest.shell("pwd").withWorkdir("../.."), OutputListener.IGNORE))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("leaves the workspace");
    }

    @Test
    void largeReadsAndOutputsArriveWholeEveryTime() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_whole"));
        byte[] content = new byte[1 << 20];
        new Random(7).nextBytes(content);
        sandbox.writeFile("blob.bin", content);
        for (int i = 0; i < 30; i++) {
            assertThat(sandbox.readFile("blob.bin", 0, 1 << 20))
                    .as("read %d", i)
                    .isEqualTo(content);
        }
        for (int i = 0; i < 30; i++) {
            ExecResult out = sandbox.exec(ExecRequest.shell("seq 1 20000; echo done"), OutputListener.IGNORE);
            assertThat(out.stdout()).as("run %d", i).endsWith("\n20000\ndone\n");
        }
    }

    // -- background processes, ports, stopping --------------------------------------------------

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
    void aSessionsSandboxClonesServesConnectsAndComesBack(@TempDir Path work) throws Exception {
        Sandbox sandbox = provider.create(spec("ses_demo"));
        sandbox.writeFile("repo.bundle", gitBundle(work));
        ExecResult clone = sh(sandbox, "git clone -q repo.bundle app && ls app");
        assertThat(clone.exitCode()).as(clone.stderr()).isZero();
        assertThat(clone.stdout()).contains("README.md", "index.html");

        int port = freePort();
        DetachedProcess server = httpServer(sandbox, port, "app");
        assertThat(sandbox.detached()).extracting(DetachedProcess::id).containsExactly(server.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.ports().contains(port));
        // still there for the next command: the sandbox is persistent
        ExecResult curl = sh(sandbox, "curl -sS --noproxy '*' http://127.0.0.1:" + port + "/index.html");
        assertThat(curl.stdout()).as(curl.stderr()).contains("hello from the sandbox");
        try (PortConnection c = sandbox.connect(port)) {
            c.output().write("GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            c.output().flush();
            String response = new String(c.input().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.0 200").contains("hello from the sandbox");
        }
        assertThatThrownBy(() -> sandbox.connect(0)).isInstanceOf(SandboxException.class);
        assertThat(provider.create(spec("ses_other")).ports())
                .as("another sandbox's ports are not this one's")
                .doesNotContain(port);

        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        sandbox.hibernate(archive);
        Sandbox restored = provider.restore(spec("ses_demo"), new ByteArrayInputStream(archive.toByteArray()));
        assertThat(sh(restored, "cd app && git log --oneline | wc -l").stdout().strip())
                .as("the clone comes back whole")
                .isEqualTo("1");
    }

    @Test
    void killAllStopsEveryProcessAndTheSandboxStaysUsable() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_stop"));
        int port = freePort();
        DetachedProcess server = httpServer(sandbox, port, "");
        DetachedProcess daemon = sandbox.startDetached(ExecRequest.shell("setsid sleep 174 & sleep 175"));
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                sh(sandbox, "setsid sleep 171 & nohup sleep 172 >/dev/null 2>&1 & sleep 173", Duration.ofSeconds(60));
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> processes(sandbox, "^sleep 17[1-5]") == 5
                        && sandbox.ports().contains(port));

        assertThat(processes(sandbox, "[h]ttp[.]server " + port)).isEqualTo(1);
        long start = System.nanoTime();
        sandbox.killAll();
        runner.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(runner.isAlive()).isFalse();
        assertThat(processes(sandbox, "^sleep 17[1-5]")).isZero();
        assertThat(processes(sandbox, "[h]ttp[.]server " + port)).isZero();
        assertThat(sandbox.detached())
                .as("oldest first")
                .extracting(DetachedProcess::id)
                .containsExactly(server.id(), daemon.id());
        assertThat(sandbox.detached()).allMatch(p -> !p.running());
        assertThat(sandbox.ports()).doesNotContain(port);
        assertThat(sandbox.state()).isEqualTo(SandboxState.READY);
        assertThat(sh(sandbox, "echo still here").stdout()).isEqualTo("still here\n");
    }

    // -- files ----------------------------------------------------------------------------------

    @Test
    void filesRoundTripInsideTheWorkspace() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_files"));
        sandbox.writeFile("src/Main.java", "class Main {}\n".getBytes(StandardCharsets.UTF_8));
        sandbox.writeFile("/workspace/src/b.txt", "0123456789".getBytes(StandardCharsets.UTF_8));
        assertThat(sh(sandbox, "cat src/Main.java").stdout())
                .as("commands see it")
                .isEqualTo("class Main {}\n");
        assertThat(new String(sandbox.readFile("src/b.txt", 3, 4), StandardCharsets.UTF_8))
                .isEqualTo("3456");
        assertThat(sandbox.readFile("src/b.txt", 100, 4)).isEmpty();
        assertThatThrownBy(() -> sandbox.readFile("src/b.txt", -1, 4)).isInstanceOf(SandboxException.class);
        sandbox.writeFile("src/b.txt", "short".getBytes(StandardCharsets.UTF_8)); // truncates
        assertThat(new String(sandbox.readFile("src/b.txt", 0, 100), StandardCharsets.UTF_8))
                .isEqualTo("short");
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
        assertThatThrownBy(() -> sandbox.readFile("missing.txt", 0, 10))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> sandbox.readFile("src", 0, 10))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> sandbox.writeFile("src", new byte[1]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is a directory");
        assertThatThrownBy(() -> sandbox.writeFile("src/b.txt/x", new byte[1])).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.list("src/b.txt"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a directory");

        // links that stay inside are followed; the entry itself is a SYMLINK
        assertThat(sh(
                                sandbox,
                                "ln -s src/Main.java inner && ln -s src linked-dir && ln -s nowhere/new.txt dangling-inside")
                        .exitCode())
                .isZero();
        assertThat(new String(sandbox.readFile("inner", 0, 100), StandardCharsets.UTF_8))
                .isEqualTo("class Main {}\n");
        assertThat(sandbox.stat("inner")).get().extracting(FileEntry::kind).isEqualTo(FileEntry.Kind.SYMLINK);
        assertThat(sandbox.list("linked-dir"))
                .extracting(FileEntry::path)
                .containsExactly("linked-dir/Main.java", "linked-dir/b.txt");
        sandbox.writeFile("dangling-inside", "made".getBytes(StandardCharsets.UTF_8));
        assertThat(sh(sandbox, "cat nowhere/new.txt").stdout()).isEqualTo("made");
        assertThat(sandbox.list(""))
                .filteredOn(e -> e.path().equals("inner"))
                .extracting(FileEntry::kind)
                .containsExactly(FileEntry.Kind.SYMLINK);
    }

    @Test
    void theFileApiRefusesLinksAndPathsOutOfTheWorkspace() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_escape"));
        Path outside = Files.createDirectories(data.resolve("outside"));
        Path planted = outside.resolve("planted.txt");
        assertThat(sh(
                                sandbox,
                                "ln -s /etc/passwd passwd && ln -s / slash && ln -s ../../.. up && ln -s " + planted
                                        + " dangling && ln -s chain1 chain2 && ln -s slash/etc chain1")
                        .exitCode())
                .isZero();

        assertThatThrownBy(() -> sandbox.readFile("passwd", 0, 100))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.writeFile("passwd", new byte[1]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.stat("passwd")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.readFile("slash/etc/passwd", 0, 100))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.list("slash")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.list("up")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.readFile("chain2/passwd", 0, 100)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.writeFile("dangling", "x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("leads outside the workspace");
        assertThatThrownBy(() -> sandbox.writeFile("slash/" + outside + "/new.txt", new byte[1]))
                .isInstanceOf(IOException.class);
        assertThat(Files.exists(planted))
                .as("nothing written through a dangling link")
                .isFalse();
        try (var stream = Files.list(outside)) {
            assertThat(stream.toList()).isEmpty();
        }

        for (String path : List.of("../etc/passwd", "../../../../etc/passwd", "/etc/passwd", "src/../../x")) {
            assertThatThrownBy(() -> sandbox.readFile(path, 0, 100)).as(path).isInstanceOf(SandboxException.class);
            assertThatThrownBy(() -> sandbox.writeFile(path, new byte[1]))
                    .as(path)
                    .isInstanceOf(SandboxException.class);
            assertThatThrownBy(() -> sandbox.list(path)).as(path).isInstanceOf(SandboxException.class);
        }
        assertThatThrownBy(() -> sandbox.writeFile("", new byte[1])).isInstanceOf(SandboxException.class);
        // the links themselves are listed, not followed
        assertThat(sandbox.list(""))
                .filteredOn(e -> e.path().equals("passwd"))
                .singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(FileEntry.Kind.SYMLINK));
    }

    // -- snapshots and the end -------------------------------------------------------------------

    @Test
    void hibernateAndRestoreKeepTheWorkspaceAndHome() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_snap"));
        sandbox.writeFile("app/notes/todo.txt", "remember\n".getBytes(StandardCharsets.UTF_8));
        assertThat(sh(sandbox, "echo secret-ish > ~/.tool-config && ln -s app/notes notes-link")
                        .exitCode())
                .isZero();
        int port = freePort();
        httpServer(sandbox, port, "app");
        sandbox.startDetached(ExecRequest.shell("sleep 169"));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        processes(sandbox, "^sleep 169") == 1 && sandbox.ports().contains(port));

        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        sandbox.hibernate(archive);
        assertThat(sandbox.state()).isEqualTo(SandboxState.HIBERNATED);
        assertThat(sandbox.alive()).isFalse();
        assertThat(hostProcesses("^sleep 169")).as("a snapshot is a stop").isZero();
        assertThat(archive.size()).isGreaterThan(100);
        assertThat(keptOnHost())
                .as("a hibernated sandbox leaves no files behind")
                .isEmpty();
        assertThatThrownBy(() -> sh(sandbox, "true"))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("hibernated");

        Sandbox restored = provider.restore(spec("ses_snap"), new ByteArrayInputStream(archive.toByteArray()));
        assertThat(restored.id()).isNotEqualTo(sandbox.id());
        assertThat(restored.sessionId()).isEqualTo("ses_snap");
        assertThat(restored.state()).isEqualTo(SandboxState.READY);
        assertThat(new String(restored.readFile("app/notes/todo.txt", 0, 100), StandardCharsets.UTF_8))
                .isEqualTo("remember\n");
        assertThat(restored.stat("notes-link"))
                .get()
                .extracting(FileEntry::kind)
                .isEqualTo(FileEntry.Kind.SYMLINK);
        assertThat(sh(restored, "cat ~/.tool-config").stdout()).isEqualTo("secret-ish\n");
        assertThat(restored.detached()).as("processes are not restored").isEmpty();
        assertThat(processes(restored, "[h]ttp[.]server " + port)).isZero();
        assertThat(restored.ports()).doesNotContain(port);

        restored.destroy();
        assertThat(restored.state()).isEqualTo(SandboxState.DESTROYED);
        assertThat(restored.alive()).isFalse();
        assertThat(keptOnHost()).isEmpty();
        restored.destroy(); // idempotent
    }

    @Test
    void aCopyTakesTheWorkspaceAsItIsWhileTheSourceKeepsRunning() throws Exception {
        Sandbox source = provider.create(spec("ses_parent"));
        source.writeFile("src/app.txt", "v1\n".getBytes(StandardCharsets.UTF_8));
        Path outside = Files.writeString(data.resolve("outside.txt"), "host file");
        assertThat(sh(
                                source,
                                "echo private > ~/.tool-config && ln -s src/app.txt link && ln -s " + outside
                                        + " escape && mkfifo pipe && chmod 600 src/app.txt")
                        .exitCode())
                .isZero();
        source.startDetached(ExecRequest.shell("sleep 171"));
        await().atMost(Duration.ofSeconds(10)).until(() -> processes(source, "^sleep 171") == 1);

        Sandbox copy = provider.copy(spec("ses_fork"), source);

        assertThat(copy.id()).isNotEqualTo(source.id());
        assertThat(copy.sessionId()).isEqualTo("ses_fork");
        assertThat(new String(copy.readFile("src/app.txt", 0, 100), StandardCharsets.UTF_8))
                .isEqualTo("v1\n");
        assertThat(sh(copy, "echo v2 >> src/app.txt && cat src/app.txt").stdout())
                .as("the copy's files are its own user's")
                .isEqualTo("v1\nv2\n");
        assertThat(copy.stat("link")).get().extracting(FileEntry::kind).isEqualTo(FileEntry.Kind.SYMLINK);
        assertThat(sh(copy, "test -L escape && readlink escape").stdout().strip())
                .as("a link is copied as a link, never followed")
                .isEqualTo(outside.toString());
        assertThat(sh(copy, "test -p pipe").exitCode())
                .as("a FIFO is copied as a FIFO")
                .isZero();
        assertThat(sh(copy, "test -e ~/.tool-config").exitCode())
                .as("home starts empty")
                .isNotZero();
        assertThat(copy.detached()).as("processes are not copied").isEmpty();

        // the source ran on untouched and does not see the copy's changes
        assertThat(source.alive()).isTrue();
        assertThat(processes(source, "^sleep 171")).isEqualTo(1);
        assertThat(new String(source.readFile("src/app.txt", 0, 100), StandardCharsets.UTF_8))
                .isEqualTo("v1\n");
        assertThat(Files.readString(outside)).isEqualTo("host file");

        source.destroy();
        assertThatThrownBy(() -> provider.copy(spec("ses_other"), source))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("not running");
        copy.destroy();
    }

    @Test
    void destroyRemovesReadOnlyTreesWithoutFollowingLinks() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_destroy"));
        Path outside = Files.writeString(data.resolve("keep-me.txt"), "keep");
        assertThat(sh(
                                sandbox,
                                "mkdir -p mod/pkg && touch mod/pkg/a.go && chmod 555 mod/pkg mod && ln -s " + outside
                                        + " link && ln -s " + data + " dirlink")
                        .exitCode())
                .isZero();
        sandbox.destroy();
        assertThat(keptOnHost()).isEmpty();
        assertThat(outside).hasContent("keep");
        assertThatThrownBy(() -> sh(sandbox, "true"))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("destroyed");
    }
}

package dev.nightshift.sandbox;

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
import dev.nightshift.core.sandbox.SandboxState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real bubblewrap sandbox, used the way the agent will: git, a dev server, files, hibernation. */
class BubblewrapSandboxTest {
    @TempDir
    Path data;

    private BubblewrapProvider provider;

    @BeforeEach
    void provider() {
        provider = new BubblewrapProvider(BubblewrapConfig.under(data.resolve("sandboxes")), EgressAttachment.NONE);
    }

    @AfterEach
    void close() {
        provider.close();
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
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", argv) + ": " + out);
        }
    }

    @Test
    void aSessionsSandboxClonesServesHibernatesAndRestores(@TempDir Path work) throws Exception {
        Sandbox sandbox = provider.create(spec("ses_demo"));
        assertThat(sandbox.state()).isEqualTo(SandboxState.READY);
        sandbox.writeFile("repo.bundle", gitBundle(work));
        ExecResult clone = sh(sandbox, "git clone -q repo.bundle app && ls app");
        assertThat(clone.exitCode()).as(clone.stderr()).isZero();
        assertThat(clone.stdout()).contains("README.md", "index.html");

        DetachedProcess server = sandbox.startDetached(new ExecRequest(
                List.of("python3", "-m", "http.server", "8000", "--bind", "127.0.0.1"), "app", java.util.Map.of(), null));
        assertThat(server.running()).as(sandbox.detachedOutput(server.id(), 2000)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.ports().contains(8000));
        // still there for the next command: the sandbox is persistent
        ExecResult curl = sh(sandbox, "curl -sS --noproxy '*' http://127.0.0.1:8000/index.html");
        assertThat(curl.stdout()).as(curl.stderr()).contains("hello from the sandbox");
        try (PortConnection c = sandbox.connect(8000)) {
            c.output().write("GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            c.output().flush();
            String response = new String(c.input().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.0 200").contains("hello from the sandbox");
        }

        sandbox.writeFile("app/notes/todo.txt", "remember\n".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        sandbox.hibernate(archive);
        assertThat(sandbox.state()).isEqualTo(SandboxState.HIBERNATED);
        assertThat(sandbox.alive()).isFalse();
        assertThat(archive.size()).isGreaterThan(100);
        try (var dirs = Files.list(data.resolve("sandboxes"))) {
            assertThat(dirs.toList()).as("a hibernated sandbox leaves no files behind").isEmpty();
        }

        Sandbox restored = provider.restore(spec("ses_demo"), new ByteArrayInputStream(archive.toByteArray()));
        assertThat(new String(restored.readFile("app/notes/todo.txt", 0, 100), StandardCharsets.UTF_8)).isEqualTo("remember\n");
        ExecResult log = sh(restored, "cd app && git log --oneline | wc -l && test ! -e /proc/$(pgrep -f http.server || echo 999999)");
        assertThat(log.stdout().trim()).startsWith("1");
        assertThat(restored.ports()).doesNotContain(8000);
        restored.destroy();
        assertThat(restored.state()).isEqualTo(SandboxState.DESTROYED);
        restored.destroy(); // idempotent
    }

    @Test
    void execStreamsOutputReportsExitCodesAndHonoursTimeouts() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_exec"));
        List<String> chunks = new CopyOnWriteArrayList<>();
        ExecResult result = sandbox.exec(ExecRequest.shell("echo out; echo err >&2; exit 3"),
                (stream, chunk) -> chunks.add(stream + ":" + new String(chunk, StandardCharsets.UTF_8)));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(String.join("", chunks)).contains("STDOUT:out", "STDERR:err");

        ExecResult slow = sh(sandbox, "sleep 130 & sleep 130", Duration.ofMillis(500));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.stderr()).contains("timeout");
        assertThat(sh(sandbox, "pgrep -cf '^sleep 130' || true").stdout().trim()).isEqualTo("0");

        ExecResult wd = sandbox.exec(ExecRequest.shell("pwd").withWorkdir("sub/dir/.."), OutputListener.IGNORE);
        assertThat(wd.exitCode()).isNotZero(); // sub does not exist yet
        sandbox.writeFile("sub/dir/f.txt", new byte[] {1});
        assertThat(sandbox.exec(ExecRequest.shell("pwd").withWorkdir("sub/dir/.."), OutputListener.IGNORE).stdout()).isEqualTo("/workspace/sub\n");
    }

    @Test
    void largeReadsAndOutputsArriveWholeEveryTime() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_whole"));
        byte[] content = new byte[1 << 20];
        new java.util.Random(7).nextBytes(content);
        sandbox.writeFile("blob.bin", content);
        for (int i = 0; i < 30; i++) {
            assertThat(sandbox.readFile("blob.bin", 0, 1 << 20)).as("read %d", i).isEqualTo(content);
        }
        for (int i = 0; i < 10; i++) {
            ExecResult out = sh(sandbox, "seq 1 20000");
            assertThat(out.stdout()).as("run %d", i).endsWith("\n20000\n");
        }
    }

    @Test
    void aStopKillsEveryProcessWithinASecond() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_stop"));
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                sh(sandbox, "setsid sleep 101 & nohup sleep 102 & sleep 103", Duration.ofSeconds(60));
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        DetachedProcess daemon = sandbox.startDetached(ExecRequest.shell("sleep 104"));
        await().atMost(Duration.ofSeconds(5)).until(() -> sh(sandbox, "pgrep -cf '^sleep 10[1-4]' || true").stdout().trim().equals("4"));
        long start = System.nanoTime();
        sandbox.killAll();
        runner.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(runner.isAlive()).isFalse();
        assertThat(sh(sandbox, "pgrep -cf '^sleep 10[1-4]' || true").stdout().trim()).isEqualTo("0");
        assertThat(sandbox.detached()).filteredOn(p -> p.id().equals(daemon.id())).allMatch(p -> !p.running());
        assertThat(sandbox.state()).isEqualTo(SandboxState.READY);
    }

    @Test
    void aWarmPoolHandsOutReadySandboxesAndReattachesEgressForTheSession() throws Exception {
        List<String> attachedFor = new CopyOnWriteArrayList<>();
        BubblewrapProvider pooled = new BubblewrapProvider(BubblewrapConfig.under(data.resolve("pooled"))
                .withWarmPool(1, SandboxTestSupport.SMALL), (sessionId, socket) -> {
                    attachedFor.add(sessionId);
                    return () -> {};
                });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pooled.pooled() == 1);
            assertThat(attachedFor).containsExactly(BubblewrapProvider.POOL_SESSION);
            Sandbox sandbox = pooled.create(spec("ses_fast"));
            assertThat(sandbox.sessionId()).isEqualTo("ses_fast");
            assertThat(attachedFor).endsWith("ses_fast");
            assertThat(sh(sandbox, "echo ready").stdout()).isEqualTo("ready\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> pooled.pooled() == 1); // topped up again
            Sandbox other = pooled.create(new dev.nightshift.core.sandbox.SandboxSpec("ses_big",
                    dev.nightshift.core.sandbox.SandboxLimits.DEFAULTS, java.util.Map.of()));
            assertThat(other.id()).isNotEqualTo(sandbox.id());
            assertThat(pooled.pooled()).as("other limits: made fresh, the pool is kept").isEqualTo(1);
        } finally {
            pooled.close();
        }
    }

    @Test
    void aDetachedProcessThatDiesAtOnceIsReported() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_probe"));
        DetachedProcess broken = sandbox.startDetached(ExecRequest.shell("echo 'port already in use' >&2; exit 7"));
        assertThat(broken.running()).isFalse();
        assertThat(broken.exitCode()).isEqualTo(7);
        assertThat(sandbox.detachedOutput(broken.id(), 1000)).contains("port already in use");
    }

    @Test
    void filesAreReadListedAndStatedInsideTheWorkspace() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_files"));
        sandbox.writeFile("src/Main.java", "class Main {}\n".getBytes(StandardCharsets.UTF_8));
        sandbox.writeFile("/workspace/src/b.txt", "0123456789".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(sandbox.readFile("src/b.txt", 3, 4), StandardCharsets.UTF_8)).isEqualTo("3456");
        assertThat(sandbox.list("src")).extracting(FileEntry::path).containsExactly("src/Main.java", "src/b.txt");
        assertThat(sandbox.list("")).extracting(FileEntry::kind).containsExactly(FileEntry.Kind.DIRECTORY);
        assertThat(sandbox.stat("src/b.txt")).get().satisfies(e -> {
            assertThat(e.sizeBytes()).isEqualTo(10);
            assertThat(e.kind()).isEqualTo(FileEntry.Kind.FILE);
        });
        assertThat(sandbox.stat("missing.txt")).isEmpty();
        assertThatThrownBy(() -> sandbox.readFile("missing.txt", 0, 10)).isInstanceOf(IOException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> sandbox.readFile("src", 0, 10)).isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
        assertThat(sh(sandbox, "stat -c %U src/Main.java").stdout().trim()).isEqualTo("nightshift");
    }
}

package dev.nightshift.sandbox;

import static dev.nightshift.sandbox.SandboxTestSupport.sh;
import static dev.nightshift.sandbox.SandboxTestSupport.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile agent (or anything in the repository it runs) might try. Each attempt must stay
 * inside the sandbox, leave the control plane (this JVM) up, and say clearly what happened.
 */
class EscapeTest {
    @TempDir
    static Path data;

    static BubblewrapProvider provider;
    static Sandbox sandbox;
    static Sandbox neighbour;
    static Path secret;

    @BeforeAll
    static void start() throws IOException {
        provider = new BubblewrapProvider(BubblewrapConfig.under(data.resolve("sandboxes")), EgressAttachment.NONE);
        sandbox = provider.create(spec("ses_attacker"));
        neighbour = provider.create(spec("ses_victim"));
        secret = Files.writeString(data.resolve("admin-token"), "nsk_top_secret");
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    private static void assertStillServing() throws Exception {
        assertThat(sandbox.state()).isEqualTo(SandboxState.READY);
        assertThat(sh(sandbox, "echo alive").stdout()).isEqualTo("alive\n");
    }

    @Test
    void hostFilesAndTheControlPlanesDataAreNotThere() throws Exception {
        ExecResult result = sh(
                sandbox,
                "cat /etc/shadow; ls /root; cat " + secret + "; ls " + data
                        + "; cat /proc/1/environ | tr '\\0' '\\n' | head -3");
        assertThat(result.stdout()).doesNotContain("nsk_top_secret").doesNotContain("root:");
        assertThat(result.stderr()).contains("No such file or directory");
        assertThat(sh(sandbox, "ls /etc").stdout())
                .doesNotContain("shadow")
                .doesNotContain("ssh")
                .doesNotContain("sudoers");
        assertThat(sh(sandbox, "ls /").stdout()).doesNotContain("root").doesNotContain("opt");
        assertStillServing();
    }

    @Test
    void anotherSessionsWorkspaceIsInvisible() throws Exception {
        neighbour.writeFile("private.txt", "victim data".getBytes(StandardCharsets.UTF_8));
        // the whole tree, the host's read-only toolchain included (browsers and JDKs make it large): a
        // generous limit, as a slow machine must not pass this by timing out either
        ExecResult hunt = sh(
                sandbox,
                "grep -rs 'victim data' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null | head -3; echo done",
                java.time.Duration.ofMinutes(5));
        assertThat(hunt.stdout()).isEqualTo("done\n");
        assertThat(sh(neighbour, "cat private.txt").stdout()).isEqualTo("victim data");
    }

    @Test
    void itRunsAsAnUnprivilegedUserWithNoCapabilitiesAndAScrubbedEnvironment() throws Exception {
        ExecResult who = sh(sandbox, "id -u; grep -E 'CapEff|NoNewPrivs' /proc/self/status; env");
        String[] lines = who.stdout().split("\n");
        assertThat(Integer.parseInt(lines[0])).isGreaterThanOrEqualTo(1000);
        assertThat(who.stdout()).contains("CapEff:\t0000000000000000").contains("NoNewPrivs:\t1");
        assertThat(who.stdout())
                .doesNotContain("/root")
                .doesNotContain("JAVA_HOME")
                .doesNotContain("MAVEN");
        assertThat(sh(neighbour, "id -u").stdout().trim()).isNotEqualTo(lines[0]); // a uid per sandbox
        assertThat(sh(sandbox, "su -c id root </dev/null; sudo id </dev/null; echo end")
                        .stdout())
                .doesNotContain("uid=0");
    }

    @Test
    void theHostsLoopbackServicesAndTheMetadataAddressAreUnreachable() throws Exception {
        try (ServerSocket controlPlane = new ServerSocket()) {
            controlPlane.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = controlPlane.getLocalPort();
            ExecResult probe = sh(
                    sandbox,
                    String.join(
                            "; ",
                            "timeout 3 bash -c 'echo > /dev/tcp/127.0.0.1/" + port + "' && echo CONTROL-PLANE-REACHED",
                            "timeout 3 bash -c 'echo > /dev/tcp/127.0.0.1/5432' && echo POSTGRES-REACHED",
                            "timeout 3 bash -c 'echo > /dev/tcp/169.254.169.254/80' && echo METADATA-REACHED",
                            "timeout 3 bash -c 'echo > /dev/tcp/10.0.0.1/80' && echo PRIVATE-REACHED",
                            "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '"),
                    Duration.ofSeconds(20));
            assertThat(probe.stdout()).doesNotContain("REACHED");
            assertThat(probe.stdout().trim()).isEqualTo("lo"); // the only interface
        }
        assertStillServing();
    }

    @Test
    void aForkBombHitsTheProcessLimitAndTheSandboxSurvives() throws Exception {
        ExecResult bomb = sh(sandbox, "bomb() { bomb | bomb & }; bomb; sleep 2", Duration.ofSeconds(10));
        assertThat(bomb.stderr()).containsAnyOf("Resource temporarily unavailable", "retry", "fork");
        sandbox.killAll();
        assertStillServing();
    }

    @Test
    void memoryOverTheLimitIsKilledAndSaidSo() throws Exception {
        ExecResult hog =
                sh(sandbox, "python3 -c 'x = bytearray(600 * 1024 * 1024); print(len(x))'", Duration.ofSeconds(30));
        assertThat(hog.exitCode()).isNotZero();
        assertThat(hog.stdout()).doesNotContain("629145600");
        assertThat(hog.stderr()).containsAnyOf("ran out of memory", "MemoryError");
        assertStillServing();
    }

    @Test
    void writingPastTheDiskLimitFails() throws Exception {
        ExecResult fill = sh(
                sandbox, "head -c 200M /dev/zero > big.bin; ls -l big.bin | awk '{print $5}'", Duration.ofSeconds(30));
        assertThat(fill.stderr()).containsIgnoringCase("file size limit exceeded");
        assertThat(Long.parseLong(fill.stdout().trim())).isLessThanOrEqualTo(SandboxTestSupport.SMALL.diskBytes());
        sh(sandbox, "rm -f big.bin");
        assertStillServing();
    }

    @Test
    void manyFilesEachUnderTheFileLimitStillStopAtTheSandboxsDiskLimit() throws Exception {
        ExecResult fill = sh(
                sandbox,
                "for i in $(seq 1 40); do head -c 4M /dev/zero > fill-$i.bin || break; sleep 0.1; done; echo wrote",
                Duration.ofSeconds(60));
        assertThat(fill.stderr()).contains("over its 50 MiB disk limit");
        sh(sandbox, "rm -f fill-*.bin");
        assertThat(sh(sandbox, "echo fine").stderr()).doesNotContain("disk limit");
        assertStillServing();
    }

    @Test
    void aGigabyteOnStdoutIsCappedAndTheControlPlaneKeepsItsMemory() throws Exception {
        AtomicLong streamed = new AtomicLong();
        ExecResult flood = sandbox.exec(
                ExecRequest.shell("head -c 1G /dev/zero | tr '\\0' x").withTimeout(Duration.ofSeconds(60)),
                (stream, chunk) -> streamed.addAndGet(chunk.length));
        assertThat(flood.exitCode()).isZero();
        assertThat(streamed.get()).isEqualTo(1L << 30);
        assertThat(flood.stdout().length()).isLessThan(300_000);
        assertThat(flood.truncatedBytes()).isGreaterThan(1_000_000_000L);
        assertThat(flood.stdout()).contains("bytes of output omitted");
        assertStillServing();
    }

    @Test
    void symlinksAndDotDotCannotTurnTheHostFileApiAgainstTheHost() throws Exception {
        sh(
                sandbox,
                "ln -sf /etc/shadow shadow-link; ln -sf " + secret + " token-link; ln -sf " + data
                        + " data-link; ln -sfn / root-link");
        assertThatThrownBy(() -> sandbox.readFile("shadow-link", 0, 100))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("outside the workspace");
        assertThatThrownBy(() -> sandbox.readFile("token-link", 0, 100)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.readFile("data-link/admin-token", 0, 100))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.readFile("root-link/etc/passwd", 0, 100))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.writeFile("token-link", "pwned".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.writeFile("data-link/admin-token", "pwned".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sandbox.readFile("../../etc/passwd", 0, 100))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("leaves the workspace");
        assertThatThrownBy(() -> sandbox.readFile("/etc/passwd", 0, 100)).isInstanceOf(SandboxException.class);
        assertThatThrownBy(() -> sandbox.list("root-link")).isInstanceOf(IOException.class);
        assertThat(Files.readString(secret)).isEqualTo("nsk_top_secret");
        assertStillServing();
    }

    @Test
    void aMaliciousSnapshotIsRefusedAndWritesNothingOutside() throws Exception {
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new ZstdOutputStream(archive))) {
            byte[] body = "pwned".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry escape = new TarArchiveEntry("workspace/../../../escaped.txt");
            escape.setSize(body.length);
            tar.putArchiveEntry(escape);
            tar.write(body);
            tar.closeArchiveEntry();
        }
        assertThatThrownBy(() -> provider.restore(spec("ses_evil"), new ByteArrayInputStream(archive.toByteArray())))
                .isInstanceOf(SandboxException.class);
        try (var files = Files.walk(data)) {
            assertThat(files.map(Path::toString).toList()).noneMatch(p -> p.endsWith("escaped.txt"));
        }
        assertStillServing();
    }

    @Test
    void aReadOnlyCommandCannotWriteTheWorkspaceWhateverItTries() throws Exception {
        sandbox.writeFile("keep.txt", "original".getBytes(StandardCharsets.UTF_8));
        ExecResult attempt = sandbox.exec(
                ExecRequest.shell(
                                "echo changed > keep.txt; touch new.txt; mkdir d; rm -f keep.txt; echo x > ~/h; "
                                        + "mount -o remount,rw /workspace; echo changed > keep.txt; cat keep.txt; echo tmp > /tmp/ok && echo tmp-ok")
                        .asReadOnly(),
                OutputListener.IGNORE);
        assertThat(attempt.stderr()).contains("Read-only file system");
        assertThat(attempt.stdout()).contains("original").contains("tmp-ok");
        assertThat(sh(sandbox, "cat keep.txt; ls new.txt d 2>&1 | head -2").stdout())
                .startsWith("original");
        assertThat(sh(sandbox, "ls new.txt 2>&1").stdout()).contains("No such file");
        assertThat(sh(sandbox, "echo writable > keep.txt && cat keep.txt").stdout())
                .isEqualTo("writable\n");
    }

    @Test
    void theHostsAndOwnProcessesAreHidden() throws Exception {
        ExecResult ps = sh(sandbox, "ps -e -o comm= | sort -u | tr '\\n' ' '");
        assertThat(ps.stdout()).doesNotContain("java").doesNotContain("postgres");
        assertThat(sh(sandbox, "hostname").stdout().trim()).isEqualTo("nightshift");
        // (mount sources in /proc/self/mountinfo still name host directories: a known, documented limit)
        ExecResult cmdlines = sh(sandbox, "cat /proc/*/cmdline 2>/dev/null | tr '\\0' ' '");
        assertThat(cmdlines.stdout())
                .as("no host path of the data directory in any command line inside")
                .doesNotContain(data.toString())
                .doesNotContain("sandboxes/sbx_");
        ExecResult remount = sh(sandbox, "touch /usr/bin/x 2>&1; mount -o remount,rw /usr 2>&1; echo end");
        assertThat(remount.stdout()).contains("Read-only file system").doesNotContain("remounted");
        assertThat(Files.exists(Path.of("/usr/bin/x"))).isFalse();
        ExecResult done = sandbox.exec(ExecRequest.shell("true"), OutputListener.IGNORE);
        assertThat(done.succeeded()).isTrue();
    }
}

package dev.nightshift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The contract, the escape suite and the provider's own tests against rootless sandboxes, run by
 * a real non-root user: forcing rootless mode as root would hide what only an ordinary user meets
 * (the nested user namespaces that made {@code nsenter} refuse to enter, files root could remove
 * and a user cannot). Run as root (as in CI), it starts a child JVM as {@code nobody} with a copy
 * of the test class path it can read; run as an ordinary user, it runs the suites in this JVM. A
 * machine that cannot run rootless sandboxes fails here, saying why.
 */
class RootlessContractTest {
    /** {@code nobody}: on every Debian machine, with no groups and no home. */
    private static final int UNPRIVILEGED_UID = 65534;

    private static final long CHILD_TIMEOUT_MINUTES = 20;

    @Test
    void theSandboxSuitesPassAsAnOrdinaryUser() throws Exception {
        if (!BubblewrapProvider.isRoot()) {
            RootlessSuites.Result result = RootlessSuites.run(RootlessSuites.SUITES);
            assertThat(result.passed()).as(result.report()).isTrue();
            return;
        }
        Path work = Files.createTempDirectory("nightshift-rootless-");
        try {
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> classPath = copyClassPath(work.resolve("cp"));
            Path tmp = Files.createDirectories(work.resolve("tmp"));
            chownToUnprivileged(tmp);
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<String> argv = new ArrayList<>(List.of(
                    "/usr/bin/setpriv",
                    "--reuid=" + UNPRIVILEGED_UID,
                    "--regid=" + UNPRIVILEGED_UID,
                    "--clear-groups",
                    "--",
                    java,
                    "-Djava.io.tmpdir=" + tmp,
                    "-Duser.home=" + tmp,
                    "-cp",
                    String.join(File.pathSeparator, classPath),
                    RootlessSuites.class.getName()));
            RootlessSuites.SUITES.forEach(c -> argv.add(c.getName()));
            ProcessBuilder builder =
                    new ProcessBuilder(argv).directory(tmp.toFile()).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            builder.environment().put("HOME", tmp.toString());
            builder.environment().put("LANG", "C.UTF-8");
            Path log = work.resolve("child.log");
            builder.redirectOutput(log.toFile());
            Process child = builder.start();
            boolean ended = child.waitFor(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            if (!ended) {
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            String report = output.contains("rootless: ") ? output.substring(output.indexOf("rootless: ")) : output;
            assertThat(ended)
                    .as("the rootless suites ended within " + CHILD_TIMEOUT_MINUTES + " minutes: " + report)
                    .isTrue();
            assertThat(output).as(report).contains("rootless: true").contains("ROOTLESS-SUITES PASSED");
            assertThat(child.exitValue()).as(report).isZero();
        } finally {
            BubblewrapProvider.deleteTree(work);
        }
    }

    /**
     * Copies every class path entry (jars from a local repository the unprivileged user cannot
     * read, this module's classes) into {@code dir}, readable by everyone.
     */
    private static List<String> copyClassPath(Path dir) throws IOException {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> copied = new ArrayList<>();
        int n = 0;
        for (String entry : path.split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = dir.resolve((n++) + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (Stream<Path> files = Files.walk(from)) {
                    for (Path f : files.toList()) {
                        Path target = to.resolve(from.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.createDirectories(dir);
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
            copied.add(to.toString());
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return copied;
    }

    private static void chownToUnprivileged(Path dir) throws IOException, InterruptedException {
        Process chown = new ProcessBuilder("/bin/chown", UNPRIVILEGED_UID + ":" + UNPRIVILEGED_UID, dir.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(chown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(chown.waitFor()).as(out).isZero();
    }
}

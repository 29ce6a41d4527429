package dev.nightshift.git.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real git repositories for tests: a bare "remote" with a first commit on {@code main}, and a git runner. */
public final class TestRepos {
    private TestRepos() {}

    /** A bare repository at {@code dir} whose {@code main} has README.md and src/app.txt. */
    public static Path bareWithMain(Path dir) throws IOException {
        Path work = Files.createTempDirectory("nightshift-seed-work");
        git(work, "init", "-q", "-b", "main");
        Files.writeString(work.resolve("README.md"), "# Demo\n\nA repository for tests.\n");
        Files.createDirectories(work.resolve("src"));
        Files.writeString(work.resolve("src/app.txt"), "hello\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "First commit");
        git(work, "checkout", "-q", "-b", "develop");
        Files.writeString(work.resolve("src/develop.txt"), "develop only\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "Develop work");
        git(work, "checkout", "-q", "main");
        git(null, "clone", "-q", "--bare", work.toString(), dir.toString());
        deleteTree(work);
        return dir;
    }

    /** Runs git with a fixed identity and no user config; fails the test on a non-zero exit. */
    public static String git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git"));
        if (dir != null) {
            argv.addAll(List.of("-C", dir.toString()));
        }
        argv.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
            builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
            builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            builder.environment().put("GIT_AUTHOR_NAME", "Test Upstream");
            builder.environment().put("GIT_AUTHOR_EMAIL", "upstream@example.com");
            builder.environment().put("GIT_COMMITTER_NAME", "Test Upstream");
            builder.environment().put("GIT_COMMITTER_EMAIL", "upstream@example.com");
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("git " + String.join(" ", args) + " failed: " + out);
            }
            return out.strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

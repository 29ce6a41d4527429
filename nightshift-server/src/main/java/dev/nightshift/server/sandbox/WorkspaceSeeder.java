package dev.nightshift.server.sandbox;

import dev.nightshift.core.model.Session;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Puts the session's repository into a fresh sandbox's workspace, for repositories on this
 * machine (a path or a file:// URL): the host bundles it with git, and the sandbox clones the
 * bundle, so the sandbox never sees a host path. Remote repositories arrive with the git
 * integration (mirrors fetched with the user's credentials).
 */
final class WorkspaceSeeder {
    static final Duration CLONE_TIMEOUT = Duration.ofMinutes(5);
    /** Largest bundle carried in; bigger repositories wait for the mirror-based checkout. */
    static final long MAX_BUNDLE_BYTES = 512L << 20;
    private static final String BUNDLE = ".nightshift-seed.bundle";

    private WorkspaceSeeder() {}

    /** The local directory of a session's repository, if it is one. */
    static Optional<Path> localRepository(Session session) {
        String repo = session.repository();
        String path = repo.startsWith("file://") ? repo.substring("file://".length()) : repo.startsWith("/") ? repo : null;
        if (path == null) {
            return Optional.empty();
        }
        Path dir = Path.of(path);
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    /** Clones the repository into the workspace and checks out the base branch; returns what happened. */
    static String seed(Session session, Path repository, Sandbox sandbox) throws IOException, InterruptedException {
        Path bundle = Files.createTempFile("nightshift-seed", ".bundle");
        try {
            hostGit(repository, "bundle", "create", "--quiet", bundle.toString(), "--all");
            if (Files.size(bundle) > MAX_BUNDLE_BYTES) {
                throw new SandboxException("the repository is larger than " + (MAX_BUNDLE_BYTES >> 20)
                        + " MiB; it cannot be seeded this way yet");
            }
            sandbox.writeFile(BUNDLE, Files.readAllBytes(bundle));
        } finally {
            Files.deleteIfExists(bundle);
        }
        String base = session.baseBranch() == null ? "" : session.baseBranch();
        ExecResult clone = sandbox.exec(new ExecRequest(List.of("bash", "-c", """
                set -e
                git clone -q "$BUNDLE" /tmp/seed
                rm -f "$BUNDLE"
                cp -a /tmp/seed/. /workspace/ && rm -rf /tmp/seed
                if [ -n "$BASE" ]; then git checkout -q "$BASE"; fi
                git remote set-url origin "$ORIGIN"
                git log -1 --format='%h %s'
                """), "", Map.of("BUNDLE", "/workspace/" + BUNDLE, "BASE", base, "ORIGIN", session.repository()),
                CLONE_TIMEOUT), OutputListener.IGNORE);
        if (clone.exitCode() != 0) {
            throw new SandboxException("could not check out " + session.repository() + ": " + clone.stderr().strip());
        }
        return clone.stdout().strip();
    }

    private static void hostGit(Path repository, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", repository.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        // the repository's own config never runs hooks here, but keep git from prompting or paging
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process git = builder.start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!git.waitFor(CLONE_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || git.exitValue() != 0) {
            git.destroyForcibly();
            throw new SandboxException("git could not bundle " + repository + ": " + out.strip());
        }
    }
}

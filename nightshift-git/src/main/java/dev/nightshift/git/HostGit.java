package dev.nightshift.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the git CLI on the control-plane host, hardened for repositories whose content is untrusted:
 * no system or global config, no hooks, no credential helpers or prompts, no fsmonitor, no
 * {@code ext::} transport. Credentials go into the environment of the one process that needs them.
 *
 * <p>Why the CLI and not JGit: it is the same git the sandbox runs, so objects, refs and pack
 * formats match byte for byte; it speaks every transport (smart HTTP v2, SSH with the system's
 * client) and it copies pack files as they are, which is what makes a warm checkout fast.
 */
public final class HostGit {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    private static final int MAX_STDERR_BYTES = 64 * 1024;

    /** Settings that make repository-controlled behaviour inert on the host, whatever a config file says. */
    private static final List<String> HARDENING = List.of(
            "-c", "core.hooksPath=/dev/null",
            "-c", "core.fsmonitor=false",
            "-c", "credential.helper=",
            "-c", "protocol.ext.allow=never",
            "-c", "protocol.file.allow=always",
            "-c", "gc.auto=0",
            "-c", "maintenance.auto=false",
            "-c", "safe.directory=*");

    private final Path home;
    private final Path knownHosts;

    /** @param stateDir a directory of the control plane's own, for git's empty home and SSH's known hosts */
    public HostGit(Path stateDir) {
        this.home = stateDir.resolve("git-home");
        this.knownHosts = stateDir.resolve("known_hosts");
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a finished git command printed. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8).strip();
        }

        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs git and fails with its (redacted) message when it exits non-zero. */
    public String run(Path dir, GitAuth auth, String... args) {
        Result result = exec(dir, auth, InputStream.nullInputStream(), null, DEFAULT_TIMEOUT, args);
        if (!result.ok()) {
            String command = java.util.Arrays.stream(args)
                    .filter(a -> !a.startsWith("-") && !a.contains("="))
                    .findFirst()
                    .orElse(args[0]);
            throw new GitException(
                    "git " + command + " failed: " + result.stderr().strip());
        }
        return result.out();
    }

    /**
     * Runs git in {@code dir} (null: no repository) with {@code input} on stdin; stdout goes to
     * {@code stdout} when given (for large output such as a bundle), else into the result.
     */
    public Result exec(
            Path dir, GitAuth auth, InputStream input, OutputStream stdout, Duration timeout, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("git");
        argv.addAll(HARDENING);
        if (dir != null) {
            argv.add("-C");
            argv.add(dir.toString());
        }
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv);
        Path keyFile = null;
        try {
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> !name.equals("PATH") && !name.equals("LANG") && !name.equals("TZ"));
            env.put("HOME", home.toString());
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_CONFIG_GLOBAL", "/dev/null");
            env.put("GIT_TERMINAL_PROMPT", "0");
            env.put("GIT_ASKPASS", "/bin/false");
            env.put("SSH_ASKPASS", "/bin/false");
            env.put("GIT_SSH_VARIANT", "ssh");
            String ssh = "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=" + knownHosts;
            switch (auth) {
                case GitAuth.Token t -> {
                    String basic = Base64.getEncoder()
                            .encodeToString((t.username() + ":" + t.token()).getBytes(StandardCharsets.UTF_8));
                    env.put("GIT_CONFIG_COUNT", "1");
                    env.put("GIT_CONFIG_KEY_0", "http.extraHeader");
                    env.put("GIT_CONFIG_VALUE_0", "Authorization: Basic " + basic);
                }
                case GitAuth.SshKey k -> {
                    keyFile = Files.createTempFile(
                            home,
                            "key",
                            "",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(keyFile, k.privateKey().endsWith("\n") ? k.privateKey() : k.privateKey() + "\n");
                    ssh += " -o IdentitiesOnly=yes -i " + keyFile;
                }
                case GitAuth.None n -> ssh += " -o IdentitiesOnly=yes -o IdentityFile=/dev/null";
            }
            env.put("GIT_SSH_COMMAND", ssh);
            return run(builder, auth, input, stdout, timeout);
        } catch (IOException e) {
            throw new GitException("could not run git: " + e.getMessage(), e);
        } finally {
            if (keyFile != null) {
                try {
                    Files.deleteIfExists(keyFile);
                } catch (IOException ignored) {
                    // a leftover 0600 file in the control plane's own directory
                }
            }
        }
    }

    private static Result run(
            ProcessBuilder builder, GitAuth auth, InputStream input, OutputStream stdout, Duration timeout)
            throws IOException {
        Process process = builder.start();
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream in = process.getOutputStream();
                    input) {
                input.transferTo(in);
            } catch (IOException ignored) {
                // git stopped reading; its exit status says why
            }
        });
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try (InputStream e = process.getErrorStream()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = e.read(buffer)) > 0) {
                    synchronized (err) {
                        if (err.size() < MAX_STDERR_BYTES) {
                            err.write(buffer, 0, Math.min(n, MAX_STDERR_BYTES - err.size()));
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream o = process.getInputStream()) {
            o.transferTo(stdout == null ? out : stdout);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new GitException("git took longer than " + timeout.toSeconds() + " s and was stopped");
            }
            errReader.join(2000);
            feeder.join(2000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new GitException("interrupted while git was running", e);
        }
        String stderr;
        synchronized (err) {
            stderr = redact(err.toString(StandardCharsets.UTF_8), auth);
        }
        return new Result(process.exitValue(), out.toByteArray(), stderr);
    }

    /** Scrubs every form of the credential from text git printed (a URL echoed back, a header in a trace). */
    static String redact(String text, GitAuth auth) {
        String result = text;
        for (String secret : auth.secrets()) {
            if (!secret.isEmpty()) {
                result = result.replace(secret, "****");
            }
        }
        return result;
    }
}

package dev.nightshift.git.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server on a loopback port, serving git over SSH to exactly one client key: the
 * system's {@code sshd} with a host key and configuration of its own (runs as root, like the
 * sandbox tests). {@link #clientKey()} is the private key a credential would hold.
 */
public final class SshGitServer implements AutoCloseable {
    private final Process sshd;
    private final int port;
    private final String clientKey;

    private SshGitServer(Process sshd, int port, String clientKey) {
        this.sshd = sshd;
        this.port = port;
        this.clientKey = clientKey;
    }

    public static SshGitServer start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
        keygen(dir.resolve("host_key"));
        keygen(dir.resolve("client_key"));
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "ListenAddress 127.0.0.1",
                        "Port " + port,
                        "HostKey " + dir.resolve("host_key"),
                        "PidFile " + dir.resolve("sshd.pid"),
                        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                        "PermitRootLogin prohibit-password",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "PubkeyAuthentication yes",
                        "StrictModes no",
                        "UsePAM no",
                        "PrintMotd no",
                        ""));
        Process sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        for (int i = 0; i < 100; i++) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return new SshGitServer(sshd, port, Files.readString(dir.resolve("client_key")));
            } catch (IOException notYet) {
                if (!sshd.isAlive()) {
                    throw new IOException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(50);
            }
        }
        sshd.destroyForcibly();
        throw new IOException("sshd did not listen on port " + port);
    }

    private static void keygen(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ssh-keygen failed: " + out);
        }
    }

    /** An ssh:// URL for a repository at an absolute path on this machine. */
    public String url(Path repository) {
        return "ssh://root@127.0.0.1:" + port + repository.toAbsolutePath();
    }

    public String clientKey() {
        return clientKey;
    }

    @Override
    public void close() {
        sshd.destroy();
        try {
            sshd.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sshd.destroyForcibly();
    }
}

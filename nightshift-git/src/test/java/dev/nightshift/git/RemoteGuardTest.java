package dev.nightshift.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nightshift.git.testing.GitHttpServer;
import dev.nightshift.git.testing.TestRepos;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host git never connects to this host or its networks on a stranger's say-so, and its failures all read alike. */
class RemoteGuardTest {
    @TempDir
    Path dir;

    @Test
    void loopbackPrivateAndMetadataAddressesAreRefusedBeforeConnectingWithOneMessage() throws Exception {
        Mirrors mirrors = new Workspaces(dir.resolve("git")).mirrors();
        try (ServerSocketChannel listening =
                        ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ServerSocket closing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listening.configureBlocking(false);
            int open = ((InetSocketAddress) listening.getLocalAddress()).getPort();
            int closed = closing.getLocalPort();
            closing.close();

            String toOpen = refusal(mirrors, "http://127.0.0.1:" + open + "/acme/app.git");
            String toClosed = refusal(mirrors, "http://127.0.0.1:" + closed + "/acme/app.git");
            assertThat(toOpen.replace(String.valueOf(open), "PORT"))
                    .isEqualTo(toClosed.replace(String.valueOf(closed), "PORT"));
            assertThat(toOpen)
                    .isEqualTo(
                            "could not reach the repository http://127.0.0.1:" + open + "/acme/app.git; check the URL "
                                    + "and that the Nightshift server can reach its host (an internal git host must be listed in NIGHTSHIFT_GIT_INTERNAL_HOSTS)");
            // nothing connected: a completed handshake would wait in the backlog
            assertThat(listening.accept()).isNull();
        }
        for (String url : List.of(
                "https://10.1.2.3/acme/app.git",
                "https://169.254.169.254/latest/meta-data",
                "ssh://git@[::1]/x.git",
                "git@192.168.1.1:acme/app.git",
                "https://localhost/acme/app.git",
                "https://no-such-host.invalid/acme/app.git")) {
            assertThat(refusal(mirrors, url))
                    .as(url)
                    .startsWith("could not reach the repository " + url + "; check the URL");
        }
        assertThat(dir.resolve("git/mirrors")).isEmptyDirectory();
    }

    @Test
    void namesAreResolvedAndEveryAddressIsChecked() {
        Map<String, String[]> dns = Map.of(
                "git.internal.example", new String[] {"10.0.0.5"},
                "mixed.example", new String[] {"93.184.215.14", "127.0.0.1"},
                "public.example", new String[] {"93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:ba5b"});
        RemoteGuard.Resolver resolver = host -> {
            String[] literals = dns.get(host);
            if (literals == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] addresses = new InetAddress[literals.length];
            for (int i = 0; i < literals.length; i++) {
                addresses[i] = InetAddress.getByName(literals[i]);
            }
            return addresses;
        };
        RemoteGuard guard = new RemoteGuard(Set.of(), resolver, Set::of);
        assertThatThrownBy(() -> guard.check(RepositoryUrl.parse("https://git.internal.example/team/app.git")))
                .hasMessageStartingWith("could not reach the repository");
        assertThatThrownBy(() -> guard.check(RepositoryUrl.parse("https://mixed.example/team/app.git")))
                .hasMessageStartingWith("could not reach the repository");
        // what was checked is what curl connects to: a second, different answer (DNS rebinding) is never asked for
        assertThat(guard.check(RepositoryUrl.parse("https://public.example/team/app.git")))
                .containsExactly(
                        "-c",
                        "http.curloptResolve=public.example:443:93.184.215.14,[2606:2800:21f:cb07:6820:80da:af6b:ba5b]");
        assertThat(guard.check(RepositoryUrl.parse("http://public.example:8080/team/app.git")))
                .containsExactly(
                        "-c",
                        "http.curloptResolve=public.example:8080:93.184.215.14,[2606:2800:21f:cb07:6820:80da:af6b:ba5b]");
        assertThat(guard.check(RepositoryUrl.parse("git@public.example:team/app.git")))
                .isEmpty();
        assertThat(guard.check(RepositoryUrl.parse("/srv/repos/app"))).isEmpty();

        RemoteGuard internal = new RemoteGuard(Set.of("GIT.internal.example", "[::1]"), resolver, Set::of);
        assertThat(internal.check(RepositoryUrl.parse("https://git.internal.example/team/app.git")))
                .isEmpty();
        assertThat(internal.check(RepositoryUrl.parse("ssh://git@[::1]/team/app.git")))
                .isEmpty();
        assertThatThrownBy(() -> internal.check(RepositoryUrl.parse("https://mixed.example/team/app.git")))
                .hasMessageStartingWith("could not reach the repository");

        InetAddress own;
        try {
            own = InetAddress.getByName("93.184.215.14");
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        RemoteGuard onThisHost = new RemoteGuard(Set.of(), resolver, () -> Set.of(own));
        assertThatThrownBy(() -> onThisHost.check(RepositoryUrl.parse("https://public.example/team/app.git")))
                .hasMessageStartingWith("could not reach the repository");
    }

    @Test
    void anAllowedInternalHostStillFailsWithTheSameWordsWhenNothingGitAnswers() throws Exception {
        Path remote = TestRepos.bareWithMain(dir.resolve("repos/app.git"));
        Mirrors mirrors = new Workspaces(dir.resolve("git"), new RemoteGuard(Set.of("127.0.0.1"))).mirrors();
        try (GitHttpServer server = GitHttpServer.start(dir.resolve("repos"), "tok");
                ServerSocket notGit = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket closing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!notGit.isClosed()) {
                    try {
                        notGit.accept().close(); // something listens, and hangs up at once
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            int closed = closing.getLocalPort();
            closing.close();
            String hangUp = refusal(mirrors, "http://127.0.0.1:" + notGit.getLocalPort() + "/app.git");
            String nobody = refusal(mirrors, "http://127.0.0.1:" + closed + "/app.git");
            assertThat(hangUp.replace(String.valueOf(notGit.getLocalPort()), "PORT"))
                    .isEqualTo(nobody.replace(String.valueOf(closed), "PORT"))
                    .startsWith("could not reach the repository http://127.0.0.1:PORT/app.git;");
            // the real server on the same address is reached: the internal host is allowed
            Mirror mirror = mirrors.refresh(RepositoryUrl.parse(server.url("app.git")), GitAuth.token("x", "tok"));
            assertThat(mirror.defaultBranch()).isEqualTo("main");
        }
        assertThat(remote).isDirectory();
    }

    private static String refusal(Mirrors mirrors, String url) {
        GitException e =
                catchThrowableOfType(GitException.class, () -> mirrors.refresh(RepositoryUrl.parse(url), GitAuth.NONE));
        assertThat(e).as(url).isNotNull();
        return e.getMessage();
    }
}

package dev.nightshift.server.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which repositories a session may use, through the API of a real server: refusals are 403s that change nothing. */
class RepositoryPolicyApiTest {
    @TempDir
    Path dir;

    private static ApiClient user(TestServer server, String login) {
        return server.client(server.admin
                .post("/api/users", Map.of("login", login))
                .body()
                .path("token")
                .path("token")
                .asText());
    }

    private static int sessions(ApiClient client) {
        return client.get("/api/sessions").body().path("sessions").size();
    }

    @Test
    void localPathsAreForAdministratorsOrInsideARootAndTheDataDirectoryForNobody() throws Exception {
        Path root = Files.createDirectories(dir.resolve("team-repos"));
        try (TestServer server =
                TestServer.start(Map.of("NIGHTSHIFT_LOCAL_REPOSITORY_ROOTS", root.toString()), p -> {})) {
            ApiClient ada = user(server, "ada");
            int adminBefore = sessions(server.admin);

            ApiClient.Response outside = ada.post(
                    "/api/sessions",
                    Map.of("repository", dir.resolve("elsewhere/app").toString()));
            assertThat(outside.status()).isEqualTo(403);
            assertThat(outside.body().path("error").path("code").asText()).isEqualTo("repository_not_allowed");
            assertThat(outside.errorMessage()).contains("NIGHTSHIFT_LOCAL_REPOSITORY_ROOTS");
            for (String sneaky : List.of(
                    "file://" + dir.resolve("elsewhere/app"),
                    root + "/../elsewhere/app",
                    "file://" + root + "/%2e%2e/elsewhere/app")) {
                assertThat(ada.post("/api/sessions", Map.of("repository", sneaky))
                                .status())
                        .as(sneaky)
                        .isEqualTo(403);
            }
            Files.createSymbolicLink(root.resolve("link-out"), Files.createDirectories(dir.resolve("elsewhere")));
            assertThat(ada.post(
                                    "/api/sessions",
                                    Map.of(
                                            "repository",
                                            root.resolve("link-out/app").toString()))
                            .status())
                    .isEqualTo(403);
            assertThat(sessions(ada)).isZero();
            assertThat(sessions(server.admin)).isEqualTo(adminBefore);

            // inside the root it works, and the administrator may use any local path
            assertThat(ada.post(
                                    "/api/sessions",
                                    Map.of("repository", root.resolve("app").toString()))
                            .status())
                    .isEqualTo(201);
            assertThat(server.admin
                            .post(
                                    "/api/sessions",
                                    Map.of(
                                            "repository",
                                            dir.resolve("elsewhere/app").toString()))
                            .status())
                    .isEqualTo(201);

            // the data directory and its mirrors are nobody's repository, the administrator's neither
            Path mirrors = server.dataDir.resolve("git/mirrors");
            assertThat(mirrors).isDirectory();
            for (String inData : List.of(
                    server.dataDir.toString(),
                    mirrors.resolve("app-0123456789abcdef.git").toString(),
                    "file://" + server.dataDir.resolve("git/outbox"))) {
                for (ApiClient who : List.of(ada, server.admin)) {
                    ApiClient.Response refused = who.post("/api/sessions", Map.of("repository", inData));
                    assertThat(refused.status()).as(inData).isEqualTo(403);
                    assertThat(refused.errorMessage()).contains("data directory");
                }
            }
            // a root's link into the data directory does not get around it
            Files.createSymbolicLink(root.resolve("data"), server.dataDir);
            assertThat(ada.post(
                                    "/api/sessions",
                                    Map.of(
                                            "repository",
                                            root.resolve("data/git/mirrors/x.git")
                                                    .toString()))
                            .status())
                    .isEqualTo(403);
            assertThat(sessions(ada)).isEqualTo(1);

            // every refusal is audited for the administrators
            JsonNode audit = server.admin.get("/api/audit?limit=100").body().path("entries");
            assertThat(StreamSupport.stream(audit.spliterator(), false)
                            .filter(e -> e.path("action").asText().equals("repository.refused")))
                    .hasSizeGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void theAllowlistAdmitsOnlyMatchingRemotesWhateverTheirForm() {
        try (TestServer server = TestServer.start(
                Map.of("NIGHTSHIFT_REPOSITORY_ALLOW", "github.com/acme/*, git@gitlab.example.com:team/**"), p -> {})) {
            ApiClient ada = user(server, "ada");
            for (String allowed : List.of(
                    "https://github.com/acme/app.git",
                    "ssh://git@github.com/acme/app",
                    "git@github.com:acme/app",
                    "https://gitlab.example.com/team/sub/app.git")) {
                assertThat(ada.post("/api/sessions", Map.of("repository", allowed))
                                .status())
                        .as(allowed)
                        .isEqualTo(201);
            }
            for (String refused : List.of(
                    "https://github.com/evil/app.git",
                    "https://github.com/acme/../evil/app",
                    "git@gitlab.example.com:other/x")) {
                for (ApiClient who : List.of(ada, server.admin)) {
                    ApiClient.Response r = who.post("/api/sessions", Map.of("repository", refused));
                    assertThat(r.status()).as(refused).isEqualTo(403);
                    assertThat(r.errorMessage()).contains("NIGHTSHIFT_REPOSITORY_ALLOW");
                }
            }
            assertThat(sessions(ada)).isEqualTo(4);
        }
    }

    @Test
    void aRefusedCreateLeavesNoSessionBehind() {
        try (TestServer server = TestServer.start(p -> {})) {
            int before = sessions(server.admin);
            ApiClient.Response sameBranch = server.admin.post(
                    "/api/sessions", Map.of("repository", "/srv/app", "baseBranch", "main", "workBranch", "main"));
            assertThat(sameBranch.status()).isEqualTo(400);
            assertThat(sameBranch.errorMessage()).contains("'workBranch' must differ from 'baseBranch'");
            assertThat(server.admin
                            .post("/api/sessions", Map.of("repository", "/srv/app", "workBranch", "bad..name"))
                            .status())
                    .isEqualTo(400);
            assertThat(sessions(server.admin)).isEqualTo(before);
        }
    }

    @Test
    void aRepositoryOnThisHostsNetworkFailsWithTheSameWordsWhetherAPortIsOpenOrNot() throws Exception {
        try (TestServer server = TestServer.start(p -> {
                    p.sandboxes = true;
                    p.executor = turn -> {};
                });
                ServerSocketChannel listening =
                        ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ServerSocket closing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listening.configureBlocking(false);
            int open = ((InetSocketAddress) listening.getLocalAddress()).getPort();
            int closed = closing.getLocalPort();
            closing.close();
            ApiClient ada = user(server, "ada");
            String toOpen = checkoutError(ada, "http://127.0.0.1:" + open + "/acme/app.git");
            String toClosed = checkoutError(ada, "http://127.0.0.1:" + closed + "/acme/app.git");
            String toMetadata = checkoutError(ada, "http://169.254.169.254/latest/meta-data/x.git");
            String toPrivate = checkoutError(ada, "https://10.0.0.7/acme/app.git");

            assertThat(toOpen.replace(":" + open + "/", ":PORT/"))
                    .isEqualTo(toClosed.replace(":" + closed + "/", ":PORT/"))
                    .isEqualTo(
                            "the repository could not be checked out: could not reach the repository http://127.0.0.1:PORT/acme/app.git; "
                                    + "check the URL and that the Nightshift server can reach its host (an internal git host must be listed in "
                                    + "NIGHTSHIFT_GIT_INTERNAL_HOSTS)");
            assertThat(toMetadata)
                    .contains(
                            "could not reach the repository http://169.254.169.254/latest/meta-data/x.git; check the URL");
            assertThat(toPrivate)
                    .contains("could not reach the repository https://10.0.0.7/acme/app.git; check the URL");
            assertThat(listening.accept())
                    .as("the control plane never connected")
                    .isNull();
        }
    }

    /** Creates a session on {@code url}, sends a prompt so its sandbox checks it out, and returns the error that follows. */
    private static String checkoutError(ApiClient client, String url) {
        String id = client.createSession(url);
        client.prompt(id, "look around", null);
        return await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> client.allEvents(id).stream()
                                .filter(e -> e.path("type").asText().equals("error"))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow()
                .path("data")
                .path("message")
                .asText();
    }
}

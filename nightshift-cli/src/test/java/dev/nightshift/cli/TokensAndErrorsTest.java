package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.server.auth.LocalAdmin;
import dev.nightshift.server.testing.TestServer;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens, where the CLI finds its server and token, and what it says when something is wrong. */
class TokensAndErrorsTest {
    private static TestServer server;
    private static Cli cli;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> p.executor = turn -> {});
        cli = Cli.of(server.url(), server.admin.token());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aCreatedTokenWorksIsListedAndStopsWorkingWhenRevoked() {
        Cli.Result created = cli.run("token", "create", "--name", "laptop");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String secret = created.out().strip();
        assertThat(secret).startsWith("nsk").doesNotContain("\n");
        assertThat(created.err()).contains("shown only now");

        Cli withNewToken = Cli.of(server.url(), secret);
        assertThat(withNewToken.run("sessions", "--json").exitCode()).isZero();

        Cli.Result listed = cli.run("token", "list", "--json");
        var laptop = listed.json().path("tokens").findParents("name").stream()
                .filter(t -> t.path("name").asText().equals("laptop"))
                .findFirst()
                .orElseThrow();
        assertThat(listed.out()).doesNotContain(secret);
        String tokenId = laptop.path("id").asText();
        assertThat(cli.run("token", "list").out()).contains(tokenId).contains("laptop");

        Cli.Result revoked = cli.run("token", "revoke", tokenId);
        assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
        assertThat(revoked.out()).contains("revoked " + tokenId);

        Cli.Result refused = withNewToken.run("sessions");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.AUTH);
        assertThat(cli.run("token", "revoke", tokenId).exitCode()).isEqualTo(ExitCodes.REFUSED);
    }

    @Test
    void aScopedExpiringTokenCanReadButNotPrompt() {
        Cli.Result created = cli.run(
                "token", "create", "--name", "dashboard", "--scope", "sessions:read", "--expires", "30d", "--json");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.json().path("scopes").toString()).isEqualTo("[\"sessions:read\"]");
        assertThat(created.json().path("expiresAt").asText()).isNotEmpty();
        Cli reader = Cli.of(server.url(), created.json().path("token").asText());
        assertThat(reader.run("sessions", "--json").exitCode()).isZero();
        Cli.Result refused = reader.run("token", "create");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.AUTH); // "lacks the right"
        assertThat(refused.err()).contains("lacks the scope account");
        assertThat(cli.run("token", "list").out()).contains("sessions:read");
        Cli.Result badExpiry = cli.run("token", "create", "--expires", "soon");
        assertThat(badExpiry.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badExpiry.err()).contains("--expires");
        assertThat(cli.run("token", "create", "--scope", "sessions:everything").exitCode())
                .isEqualTo(ExitCodes.REFUSED); // 400
    }

    @Test
    void aBadTokenIsAClearErrorWithItsOwnExitCode() {
        Cli.Result r = Cli.of(server.url(), "nsk_not_a_real_token").run("run", "--repo", "/srv/x", "hello");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.AUTH);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .startsWith("nightshift: the server refused the token")
                .contains("--token")
                .contains("NIGHTSHIFT_TOKEN")
                .doesNotContain("Exception");
    }

    @Test
    void anUnreachableServerIsAClearErrorWithItsOwnExitCode() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort;

        Cli.Result r = Cli.of(url, "whatever").run("sessions");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(r.err())
                .startsWith("nightshift: cannot reach the Nightshift server at " + url + " (connection refused)")
                .contains("nightshift serve")
                .contains("NIGHTSHIFT_SERVER");
    }

    @Test
    void anUnknownSessionSaysSoWithTheServersMessage() {
        Cli.Result r = cli.run("attach", "ses_nope");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err()).contains("ses_nope").contains("HTTP 404");
    }

    @Test
    void badCommandLinesExitWithTwoAndHelpDocumentsTheExitCodes() {
        Cli.Result missingRepo = cli.run("run", "hello");
        assertThat(missingRepo.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missingRepo.err()).contains("--repo");

        Cli.Result help = cli.run("run", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("Exit codes:")
                .contains("the turn failed or was stopped")
                .contains("the server cannot be reached")
                .contains("130")
                .contains("--detach");
        assertThat(cli.run("--help").out())
                .contains("serve")
                .contains("run")
                .contains("attach")
                .contains("sessions")
                .contains("logs")
                .contains("prompt")
                .contains("stop")
                .contains("token");
    }

    @Test
    void withoutServerOrTokenItUsesTheLocalServersPortAndAdminToken() {
        Cli local = Cli.withEnv(Map.of(
                "NIGHTSHIFT_PORT",
                String.valueOf(server.server.port()),
                "NIGHTSHIFT_DATA_DIR",
                server.dataDir.toString()));
        assertThat(server.dataDir.resolve(LocalAdmin.TOKEN_FILE)).exists();

        Cli.Result r = local.run("sessions", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.json().has("sessions")).isTrue();

        Cli.Result noToken = Cli.withEnv(Map.of(
                        "NIGHTSHIFT_DATA_DIR",
                        server.dataDir.resolve("elsewhere").toString(),
                        ServerOptions.SERVER_ENV,
                        server.url()))
                .run("sessions");
        assertThat(noToken.exitCode()).isEqualTo(ExitCodes.AUTH);
        assertThat(noToken.err()).contains("no token").contains("--token");
    }
}

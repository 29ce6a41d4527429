package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code nightshift secrets}: values from stdin only, set twice rotates, never a value in the output. */
class SecretsCommandTest {
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
    void setStoresFromStdinListsWithoutTheValueRotatesAndRemoves() {
        Cli.Result set = cli.runWithInput(
                "npm-real-token\n",
                "secrets",
                "set",
                "NPM_TOKEN",
                "--host",
                "registry.npmjs.org",
                "--repo",
                "github.com/acme/*",
                "--method",
                "GET");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.out()).startsWith("stored NPM_TOKEN (sec_").contains("egress");
        assertThat(server.server.vault().openAll()).contains("npm-real-token"); // the trailing newline dropped

        Cli.Result listed = cli.run("secrets", "list");
        assertThat(listed.out())
                .contains("NPM_TOKEN")
                .contains("repository github.com/acme/*")
                .contains("registry.npmjs.org")
                .doesNotContain("npm-real-token");
        JsonNode secret =
                cli.run("secrets", "list", "--json").json().path("secrets").get(0);
        String id = secret.path("id").asText();

        Cli.Result rotated =
                cli.runWithInput("npm-second-token", "secrets", "set", "NPM_TOKEN", "--repo", "github.com/acme/*");
        assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
        assertThat(rotated.out()).startsWith("rotated NPM_TOKEN (" + id);
        assertThat(server.server.vault().openAll()).contains("npm-second-token").doesNotContain("npm-real-token");
        JsonNode after =
                cli.run("secrets", "list", "--json").json().path("secrets").get(0);
        assertThat(after.path("version").asLong()).isEqualTo(2);
        assertThat(after.path("methods").toString()).isEqualTo("[\"GET\"]"); // what was not given stays

        Cli.Result removed = cli.run("secrets", "rm", id);
        assertThat(removed.exitCode()).isZero();
        assertThat(cli.run("secrets", "rm", id).exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(cli.run("secrets", "list", "--json").json().path("secrets")).isEmpty();
    }

    @Test
    void noValueOnStdinIsAUsageErrorAndBadInputIsRefusedNamingTheRule() {
        Cli.Result empty = cli.run("secrets", "set", "X_TOKEN", "--host", "a.example.com");
        assertThat(empty.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(empty.err()).contains("standard input");

        Cli.Result reserved = cli.runWithInput("v", "secrets", "set", "PATH", "--host", "a.example.com");
        assertThat(reserved.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(reserved.err()).contains("reserved");

        Cli.Result both = cli.runWithInput("v", "secrets", "set", "X", "--user", "--repo", "github.com/a/*");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);

        Cli.Result env = cli.runWithInput("env-value", "secrets", "set", "MY_ENV", "--user", "--delivery", "env");
        assertThat(env.exitCode()).as(env.toString()).isZero();
        assertThat(env.err()).contains("warning");
        assertThat(env.out() + env.err()).doesNotContain("env-value");
        assertThat(cli.runWithInput("env-2", "secrets", "set", "MY_ENV", "--user")
                        .out())
                .startsWith("rotated");
        assertThat(server.admin.get("/api/secrets").raw()).doesNotContain("env-2");
        server.server.vault().list().forEach(s -> server.server.vault().delete(s.id()));
    }
}

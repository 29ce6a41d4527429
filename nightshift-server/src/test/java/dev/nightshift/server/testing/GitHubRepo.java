package dev.nightshift.server.testing;

import dev.nightshift.git.testing.GitHttpServer;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.github.fake.GitHubFake;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The repository the GitHub, Slack and Linear end-to-end tests work on: {@code acme/app} on the GitHub
 * fake, served by a real git smart-HTTP server that accepts Ada's GitHub token, and Ada herself.
 *
 * @param remote the bare repository behind it, for reading what was pushed
 * @param adaToken Ada's GitHub user token, the only one the git server accepts
 */
public record GitHubRepo(GitHubFake github, Path remote, String adaToken) {
    public static final String NAME = "acme/app";

    /** Starts the fake (its GitHub user {@code ada} has id {@code adaId}) and the repository under {@code dir}. */
    public static GitHubRepo start(Path dir, long adaId) throws IOException {
        GitHubFake github = GitHubFake.start();
        github.addUser(adaId, "ada", "Ada Lovelace", null);
        github.addRepository(NAME);
        String token = github.issueUserToken("ada", Duration.ofDays(1));
        Path remote = TestRepos.bareWithMain(dir.resolve("repos/acme/app.git"));
        TestRepos.git(remote, "config", "http.receivepack", "true");
        github.mount(
                "/acme/", GitHttpServer.handlerOnly(dir.resolve("repos"), token).handler());
        return new GitHubRepo(github, remote, token);
    }

    /** The repository's clone URL on the fake. */
    public String url() {
        return github.webUrl() + "/" + NAME + ".git";
    }

    /** Ada as a Nightshift user whose GitHub token is her stored credential; her API client. */
    public ApiClient addAda(TestServer server) {
        ApiClient.Response created = server.admin.post(
                "/api/users", Map.of("login", "ada", "name", "Ada Lovelace", "email", "ada@example.com"));
        if (created.status() != 201) {
            throw new AssertionError("creating Ada: " + created.raw());
        }
        ApiClient ada = server.client(created.body().path("token").path("token").asText());
        ApiClient.Response stored = ada.put("/api/me/credentials/127.0.0.1", Map.of("secret", adaToken));
        if (stored.status() != 200) {
            throw new AssertionError("storing Ada's credential: " + stored.raw());
        }
        return ada;
    }
}

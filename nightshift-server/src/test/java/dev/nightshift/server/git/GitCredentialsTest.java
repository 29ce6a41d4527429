package dev.nightshift.server.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.model.Credential;
import dev.nightshift.core.model.User;
import dev.nightshift.git.GitAuth;
import dev.nightshift.git.RepositoryUrl;
import dev.nightshift.github.GitHubOAuth;
import dev.nightshift.github.OAuthTokens;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.store.JdbcStore;
import dev.nightshift.store.StoreConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealed credentials and OAuth refresh against the GitHub fake, on a real (SQLite) store. */
class GitCredentialsTest {
    @TempDir
    Path dir;

    JdbcStore store;
    GitHubFake github;
    GitHubOAuth oauth;
    GitCredentials credentials;
    User grace;

    @BeforeEach
    void setUp() {
        store = JdbcStore.open(StoreConfig.sqlite(dir.resolve("test.db")));
        github = GitHubFake.start();
        github.oauthClient("client-1", "secret-1");
        github.addUser(7, "grace", "Grace Hopper", "grace@example.com");
        oauth = new GitHubOAuth(github.endpoints(), "client-1", "secret-1");
        credentials = new GitCredentials(
                store,
                SecretBox.open(null, dir),
                (userId, host, refreshToken) -> {
                    OAuthTokens t = oauth.refresh(refreshToken);
                    return new GitCredentials.TokenRefresher.Refreshed(
                            t.accessToken(), t.accessExpiresAt(), t.refreshToken(), t.refreshExpiresAt());
                },
                Clock.systemUTC());
        grace = store.users().create("grace", "Grace Hopper", null, false);
    }

    @AfterEach
    void tearDown() {
        store.close();
        github.close();
    }

    OAuthTokens signIn() {
        URI redirect = URI.create("http://127.0.0.1/auth/github/callback");
        return oauth.exchange(github.authorize("grace", redirect), redirect);
    }

    @Test
    void secretsAreSealedBoundToTheirOwnerAndOpenOnlyWithTheKey() throws Exception {
        credentials.put(grace.id(), "git.example.com", "token", "grace", "glpat-secret-value");
        Credential stored =
                store.credentials().find(grace.id(), "git.example.com").orElseThrow();
        assertThat(stored.secretSealed()).startsWith("v1:").doesNotContain("glpat-secret-value");
        assertThat(credentials.authFor(grace.id(), RepositoryUrl.parse("https://git.example.com/a/b.git")))
                .isEqualTo(GitAuth.token("grace", "glpat-secret-value"));
        assertThat(credentials.authFor(grace.id(), RepositoryUrl.parse("https://other.example.com/a/b.git")))
                .isEqualTo(GitAuth.NONE);
        assertThat(Files.readString(dir.resolve(SecretBox.KEY_FILE)).strip()).hasSize(44);

        SecretBox otherKey = SecretBox.open(Base64.getEncoder().encodeToString(new byte[32]), dir);
        assertThatThrownBy(() -> otherKey.open(stored.secretSealed(), grace.id() + "@git.example.com"))
                .hasMessageContaining("NIGHTSHIFT_SECRET_KEY");
        SecretBox sameKey = SecretBox.open(null, dir);
        assertThatThrownBy(() -> sameKey.open(stored.secretSealed(), "someone-else@git.example.com"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SecretBox.open("dG9vIHNob3J0", dir)).hasMessageContaining("32 bytes");
    }

    @Test
    void anExpiringTokenIsRefreshedOnceAndTheNewRefreshTokenKept() {
        OAuthTokens first = signIn();
        // stored as if it expires in a minute: inside the refresh margin
        Credential stored = credentials.putOAuth(
                grace.id(),
                "github.com",
                first.accessToken(),
                Instant.now().plusSeconds(60),
                first.refreshToken(),
                first.refreshExpiresAt());

        String fresh =
                credentials.accessToken(grace.id(), "github.com").orElseThrow().secret();

        assertThat(fresh).isNotEqualTo(first.accessToken());
        Credential after = store.credentials().find(grace.id(), "github.com").orElseThrow();
        assertThat(after.version()).isEqualTo(stored.version() + 1);
        // the used refresh token is gone at GitHub; the stored one is the new one, which works
        assertThatThrownBy(() -> oauth.refresh(first.refreshToken())).hasMessageContaining("bad_refresh_token");
        assertThat(credentials.refreshNow(grace.id(), "github.com")).isPresent();
    }

    @Test
    void aRefreshThatLosesTheRaceUsesWhatTheWinnerStored() {
        OAuthTokens first = signIn();
        Credential stale = credentials.putOAuth(
                grace.id(),
                "github.com",
                first.accessToken(),
                Instant.now().plusSeconds(60),
                first.refreshToken(),
                first.refreshExpiresAt());
        String winner =
                credentials.accessToken(grace.id(), "github.com").orElseThrow().secret(); // node A refreshed

        // node B read the old row before A wrote: its refresh token is used up, so it takes A's tokens
        Credential result = credentials.refresh(stale, grace.id() + "@github.com");

        assertThat(result.version()).isEqualTo(stale.version() + 1);
        assertThat(SecretBox.open(null, dir).open(result.secretSealed(), grace.id() + "@github.com"))
                .isEqualTo(winner);
        assertThat(Duration.between(Instant.now(), result.expiresAt())).isPositive();
    }
}

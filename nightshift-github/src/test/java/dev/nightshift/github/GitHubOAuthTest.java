package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.github.fake.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubOAuthTest {

    private static final URI REDIRECT = URI.create("https://nightshift.example.com/auth/github/callback");

    private final MutableClock clock = MutableClock.atNow();
    private GitHubFake github;
    private GitHubOAuth oauth;

    @BeforeEach
    void start() {
        github = GitHubFake.start(clock);
        github.addUser(583231, "octocat", "The Octocat", "octocat@github.com");
        oauth = new GitHubOAuth(
                github.endpoints(), github.clientId(), github.clientSecret(), HttpClient.newHttpClient(), clock);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void theAuthorizeUrlCarriesClientRedirectAndStateEncoded() {
        GitHubOAuth app = new GitHubOAuth(GitHubEndpoints.GITHUB_COM, "Iv1.8a61f9b3a7aba766", "secret");

        assertThat(app.authorizeUrl("a-b_c", REDIRECT))
                .isEqualTo(URI.create("https://github.com/login/oauth/authorize?client_id=Iv1.8a61f9b3a7aba766"
                        + "&redirect_uri=https%3A%2F%2Fnightshift.example.com%2Fauth%2Fgithub%2Fcallback&state=a-b_c"));
    }

    @Test
    void exchangesACodeForExpiringTokensThatWork() {
        String code = github.authorize("octocat", REDIRECT);

        OAuthTokens tokens = oauth.exchange(code, REDIRECT);

        assertThat(tokens.accessToken()).startsWith("ghu_");
        assertThat(tokens.accessExpiresAt()).isEqualTo(clock.instant().plus(GitHubFake.USER_TOKEN_TTL));
        assertThat(tokens.refreshToken()).startsWith("ghr_");
        assertThat(tokens.refreshExpiresAt()).isEqualTo(clock.instant().plus(GitHubFake.REFRESH_TOKEN_TTL));
        assertThat(tokens.toString()).doesNotContain(tokens.accessToken()).doesNotContain(tokens.refreshToken());
        assertThat(oauth.user(tokens.accessToken()).login()).isEqualTo("octocat");
        assertThat(github.requests())
                .filteredOn(r -> r.path().equals("/login/oauth/access_token"))
                .hasSize(1);
    }

    @Test
    void aCodeWorksOnce() {
        String code = github.authorize("octocat", REDIRECT);
        oauth.exchange(code, REDIRECT);

        assertThatThrownBy(() -> oauth.exchange(code, REDIRECT))
                .isInstanceOfSatisfying(
                        GitHubOAuthException.class, e -> assertThat(e.error()).isEqualTo("bad_verification_code"))
                .hasMessageContaining("The code passed is incorrect or expired.");
    }

    @Test
    void aCodeIsRefusedForAnotherRedirect() {
        String code = github.authorize("octocat", REDIRECT);

        assertThatThrownBy(() -> oauth.exchange(code, URI.create("https://evil.example/callback")))
                .isInstanceOfSatisfying(
                        GitHubOAuthException.class, e -> assertThat(e.error()).isEqualTo("redirect_uri_mismatch"));
    }

    @Test
    void wrongClientCredentialsAreReported() {
        GitHubOAuth wrong = new GitHubOAuth(
                github.endpoints(), github.clientId(), "not-the-secret", HttpClient.newHttpClient(), clock);

        assertThatThrownBy(() -> wrong.exchange(github.authorize("octocat", REDIRECT), REDIRECT))
                .isInstanceOfSatisfying(
                        GitHubOAuthException.class,
                        e -> assertThat(e.error()).isEqualTo("incorrect_client_credentials"));
    }

    @Test
    void refreshGivesNewTokensAndTheUsedRefreshTokenIsDead() {
        OAuthTokens first = oauth.exchange(github.authorize("octocat", REDIRECT), REDIRECT);
        clock.advance(Duration.ofHours(7));

        OAuthTokens second = oauth.refresh(first.refreshToken());

        assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(second.accessExpiresAt()).isEqualTo(clock.instant().plus(GitHubFake.USER_TOKEN_TTL));
        assertThat(oauth.user(second.accessToken()).id()).isEqualTo(583231);
        assertThatThrownBy(() -> oauth.refresh(first.refreshToken()))
                .isInstanceOfSatisfying(
                        GitHubOAuthException.class, e -> assertThat(e.error()).isEqualTo("bad_refresh_token"))
                .hasMessageContaining("sign in again");
    }

    @Test
    void nonExpiringTokensHaveNoExpiryAndNoRefreshToken() {
        github.expiringUserTokens(false);

        OAuthTokens tokens = oauth.exchange(github.authorize("octocat", REDIRECT), REDIRECT);

        assertThat(tokens.accessExpiresAt()).isNull();
        assertThat(tokens.refreshToken()).isNull();
        assertThat(tokens.refreshExpiresAt()).isNull();
        assertThat(tokens.accessExpired(clock.instant().plus(Duration.ofDays(3650))))
                .isFalse();
    }

    @Test
    void theUserWithAPublicEmailNeedsNoEmailLookup() {
        String token = github.issueUserToken("octocat");

        GitHubUser user = oauth.user(token);

        assertThat(user).isEqualTo(new GitHubUser(583231, "octocat", "The Octocat", "octocat@github.com"));
        assertThat(user.noreplyEmail()).isEqualTo("583231+octocat@users.noreply.github.com");
        assertThat(github.requests("GET", "/user/emails")).isEmpty();
        assertThat(github.requests("GET", "/user"))
                .singleElement()
                .satisfies(r -> assertThat(r.authorization()).isEqualTo("Bearer " + token));
    }

    @Test
    void aPrivateEmailIsTakenFromThePrimaryVerifiedAddress() {
        github.addUser(9919, "hubot", null, null);
        github.addEmail("hubot", "hubot@old.example", false, true);
        github.addEmail("hubot", "hubot@example.com", true, true);

        GitHubUser user = oauth.user(github.issueUserToken("hubot"));

        assertThat(user.email()).isEqualTo("hubot@example.com");
        assertThat(user.name()).isNull();
        assertThat(user.noreplyEmail()).isEqualTo("9919+hubot@users.noreply.github.com");
    }

    @Test
    void anUnverifiedPrimaryEmailIsNotUsed() {
        github.addUser(9920, "mona", "Mona", null);
        github.addEmail("mona", "mona@example.com", true, false);

        assertThat(oauth.user(github.issueUserToken("mona")).email()).isNull();
    }

    @Test
    void anExpiredAccessTokenIsAnAuthenticationFailure() {
        String token = github.issueUserToken("octocat", Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(5));

        assertThatThrownBy(() -> oauth.user(token))
                .isInstanceOf(GitHubAuthException.class)
                .hasMessageContaining("Bad credentials");
    }

    @Test
    void anUnreachableGitHubIsReportedWithItsAddress() {
        URI closed = github.webUrl();
        github.close();

        assertThatThrownBy(() -> oauth.exchange("code", REDIRECT))
                .isInstanceOfSatisfying(
                        GitHubException.class, e -> assertThat(e.status()).isZero())
                .hasMessageContaining(closed.toString());
    }
}

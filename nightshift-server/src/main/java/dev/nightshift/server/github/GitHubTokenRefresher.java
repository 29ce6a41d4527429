package dev.nightshift.server.github;

import dev.nightshift.github.GitHubOAuth;
import dev.nightshift.github.OAuthTokens;
import dev.nightshift.server.auth.SignIn;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.live.LiveAccess;

/**
 * Renews a person's expiring GitHub OAuth token, on the thread of the git operation that needs it.
 * When admission depends on GitHub organisations, a refresh also asks GitHub again who the person
 * is and where they belong: leaving the organisation ends access at the next refresh, not only at
 * the next sign-in, and their open live streams close at once.
 */
public final class GitHubTokenRefresher implements GitCredentials.TokenRefresher {
    private final GitHubOAuth client;
    private final SignIn signIn;
    private final LiveAccess liveAccess;

    public GitHubTokenRefresher(GitHubOAuth client, SignIn signIn, LiveAccess liveAccess) {
        this.client = client;
        this.signIn = signIn;
        this.liveAccess = liveAccess;
    }

    @Override
    public Refreshed refresh(String userId, String host, String refreshToken) {
        OAuthTokens fresh = client.refresh(refreshToken);
        if (!signIn.rules().gitHubOrgs().isEmpty()) {
            var user = client.user(fresh.accessToken());
            var account = new SignIn.Account(
                    "github",
                    host,
                    String.valueOf(user.id()),
                    user.login(),
                    user.name(),
                    user.noreplyEmail(),
                    client.verifiedEmails(fresh.accessToken()),
                    client.memberships(fresh.accessToken()),
                    java.util.Set.of());
            if (!signIn.stillAdmitted(userId, account)) {
                liveAccess.userChanged(userId);
                throw new IllegalStateException("no longer admitted");
            }
        }
        return new Refreshed(
                fresh.accessToken(), fresh.accessExpiresAt(), fresh.refreshToken(), fresh.refreshExpiresAt());
    }
}

package dev.nightshift.server.github;

import dev.nightshift.git.RepositoryUrl;
import dev.nightshift.github.GitHubAuthException;
import dev.nightshift.github.GitHubEndpoints;
import dev.nightshift.github.PullRequestOutcome;
import dev.nightshift.github.PullRequests;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.git.PullRequestPublisher;
import java.util.Locale;
import java.util.Optional;

/**
 * Pull requests on GitHub, opened and kept current with the token of the person who asked (their
 * OAuth sign-in or personal access token). A 401 refreshes the token once and tries again.
 */
public final class GitHubPullRequests implements PullRequestPublisher {
    private final GitHubEndpoints endpoints;
    private final PullRequests pullRequests;
    private final GitCredentials credentials;

    public GitHubPullRequests(GitHubEndpoints endpoints, GitCredentials credentials) {
        this.endpoints = endpoints;
        this.pullRequests = new PullRequests(endpoints);
        this.credentials = credentials;
    }

    /** The credential host for GitHub: the web host, which is also where git pushes go. */
    public String host() {
        return endpoints.web().getHost().toLowerCase(Locale.ROOT);
    }

    @Override
    public Optional<Outcome> publish(
            String userId,
            RepositoryUrl repository,
            String head,
            String base,
            String title,
            String body,
            boolean draft) {
        if (!repository.host().equals(host())) {
            return Optional.empty();
        }
        Optional<String> ownerAndRepo = PullRequests.ownerAndRepo(repository.url(), endpoints.web());
        if (ownerAndRepo.isEmpty()) {
            return Optional.empty();
        }
        String token = credentials
                .accessToken(userId, host())
                .map(GitCredentials.Opened::secret)
                .orElseThrow(() -> new IllegalStateException(
                        "you have no GitHub credential: sign in with GitHub or store a token with PUT /api/me/credentials/"
                                + host()));
        PullRequestOutcome outcome;
        try {
            outcome = pullRequests.openOrUpdate(token, ownerAndRepo.get(), head, base, title, body, draft);
        } catch (GitHubAuthException e) {
            String fresh = credentials.refreshNow(userId, host()).orElseThrow(() -> e);
            outcome = pullRequests.openOrUpdate(fresh, ownerAndRepo.get(), head, base, title, body, draft);
        }
        return Optional.of(
                switch (outcome) {
                    case PullRequestOutcome.Opened o ->
                        new Outcome(
                                o.htmlUrl().toString(),
                                o.number(),
                                o.state().name().toLowerCase(Locale.ROOT),
                                o.draft(),
                                o.created(),
                                null);
                    case PullRequestOutcome.CompareFallback f ->
                        new Outcome(f.url().toString(), 0, null, false, true, f.reason());
                });
    }
}

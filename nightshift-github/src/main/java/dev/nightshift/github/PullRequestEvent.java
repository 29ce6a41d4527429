package dev.nightshift.github;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * What Nightshift keeps from a {@code pull_request} webhook delivery.
 *
 * @param action GitHub's action: opened, closed, reopened, edited, synchronize, ...
 * @param repository the repository's {@code owner/name}
 * @param number the pull request's number
 * @param headRef the branch with the changes
 * @param baseRef the branch they go into
 * @param state open, closed, or merged (closed with {@code merged: true})
 * @param htmlUrl the pull request's page
 * @param updatedAt the pull request's {@code updated_at}, to order deliveries ({@link Webhooks#supersedes})
 */
public record PullRequestEvent(
        String action,
        String repository,
        int number,
        String headRef,
        String baseRef,
        PullRequestState state,
        URI htmlUrl,
        Instant updatedAt) {

    public PullRequestEvent {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}

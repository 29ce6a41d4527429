package dev.nightshift.github;

import java.net.URI;
import java.util.Objects;

/** What {@link PullRequests#openOrUpdate} did: a pull request exists now, or the user has to open it. */
public sealed interface PullRequestOutcome {

    /**
     * A pull request is open for the branch.
     *
     * @param number its number in the repository
     * @param htmlUrl its page on GitHub
     * @param state its state (open, unless it changed under us)
     * @param draft whether it is a draft
     * @param created true when this call created it, false when an open one was found and updated
     */
    record Opened(int number, URI htmlUrl, PullRequestState state, boolean draft, boolean created)
            implements PullRequestOutcome {
        public Opened {
            Objects.requireNonNull(htmlUrl, "htmlUrl");
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * GitHub refused to create the pull request with this token (403: typically the GitHub App lacks
     * the pull request permission on the repository). The user can open it themselves: {@code url}
     * is GitHub's compare page, prefilled with the title and body.
     *
     * @param url the prefilled compare page
     * @param reason why, including GitHub's message, to show to the user
     */
    record CompareFallback(URI url, String reason) implements PullRequestOutcome {
        public CompareFallback {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(reason, "reason");
        }
    }
}

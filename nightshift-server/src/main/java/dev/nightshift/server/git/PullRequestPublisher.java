package dev.nightshift.server.git;

import dev.nightshift.git.RepositoryUrl;
import java.util.Optional;

/**
 * Opens or updates the pull request for a pushed work branch, as the person who asked. Plugged
 * in per git host (GitHub); a repository on a host without pull requests gets none.
 */
public interface PullRequestPublisher {
    /** What the host said: a pull request, or a compare URL to open one by hand (and why). */
    record Outcome(String url, int number, String state, boolean draft, boolean created, String fallbackReason) {
        public boolean fallback() {
            return fallbackReason != null;
        }
    }

    /** Empty when the repository is not one this publisher handles. */
    Optional<Outcome> publish(
            String userId, RepositoryUrl repository, String head, String base, String title, String body, boolean draft)
            throws Exception;
}

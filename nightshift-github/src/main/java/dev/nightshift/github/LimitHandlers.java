package dev.nightshift.github;

import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.kohsuke.github.GHIOException;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/**
 * github-api's rate limit hooks, bounded: its own defaults wait as long as GitHub says (up to an
 * hour for the primary limit), which would hang a user's request.
 */
final class LimitHandlers {

    private LimitHandlers() {}

    /**
     * Thrown from the hooks to give up. A {@link GHIOException} because github-api passes those
     * through unchanged, where it would wrap others into a plain 403 that reads like a refusal.
     */
    static final class LimitExceeded extends GHIOException {
        final int status;

        LimitExceeded(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Secondary limit (403 with Retry-After, or 429): wait as told within the bound, then github-api retries. */
    static GitHubAbuseLimitHandler secondary(Sleeper sleeper, Clock clock) {
        return new GitHubAbuseLimitHandler() {
            @Override
            public void onError(GitHubConnectorResponse response) throws InterruptedIOException, LimitExceeded {
                String retryAfter = response.header("Retry-After");
                Optional<Duration> wait = SecondaryRateLimit.waitFor(retryAfter, clock.instant());
                if (wait.isEmpty()) {
                    throw new LimitExceeded(response.statusCode(), SecondaryRateLimit.tooLong(retryAfter));
                }
                try {
                    sleeper.sleep(wait.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw (InterruptedIOException)
                            new InterruptedIOException("interrupted while waiting out GitHub's rate limit")
                                    .initCause(e);
                }
            }
        };
    }

    /** Primary limit (X-RateLimit-Remaining: 0): resets within the hour, so fail at once and say when. */
    static final GitHubRateLimitHandler PRIMARY = new GitHubRateLimitHandler() {
        @Override
        public void onError(GitHubConnectorResponse response) throws LimitExceeded {
            String reset = response.header("X-RateLimit-Reset");
            throw new LimitExceeded(
                    response.statusCode(),
                    "GitHub's API rate limit for this token is used up"
                            + (reset == null ? "" : " until " + Instant.ofEpochSecond(Long.parseLong(reset.trim())))
                            + "; try again then");
        }
    };
}

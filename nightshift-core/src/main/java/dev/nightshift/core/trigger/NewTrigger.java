package dev.nightshift.core.trigger;

import java.util.Objects;

/**
 * What an external start says before anything acts on it.
 *
 * @param actorId the user the session runs as; null when the source names nobody (yet)
 * @param dedupeKey unique per source (a delivery id, an idempotency key, a schedule slot); a repeat
 *     returns the first trigger. Null when the source has none.
 * @param workBranch the branch the session works on and pushes to (a pull request's head branch);
 *     null: a new branch from the base branch
 */
public record NewTrigger(
        String id,
        TriggerSource source,
        String actorId,
        String repository,
        String baseBranch,
        String prompt,
        String dedupeKey,
        Origin origin,
        String workBranch) {
    /** A trigger whose session works on a new branch. */
    public NewTrigger(
            String id,
            TriggerSource source,
            String actorId,
            String repository,
            String baseBranch,
            String prompt,
            String dedupeKey,
            Origin origin) {
        this(id, source, actorId, repository, baseBranch, prompt, dedupeKey, origin, null);
    }

    public NewTrigger {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(origin, "origin");
    }
}

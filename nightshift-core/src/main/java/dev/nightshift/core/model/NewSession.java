package dev.nightshift.core.model;

/**
 * What it takes to create a session; the store assigns status, sequence and times.
 *
 * @param origin what started it when it was not a person typing ({@code automation:<id>/<run>},
 *     later a chat thread or an issue): the trigger pipeline's {@link dev.nightshift.core.trigger.Origin}
 *     as text; null for a session a person started
 * @param parentId the session it was forked from, or whose agent started it; null otherwise
 * @param forkedAtSeq for a fork: the parent's event (a turn's end) it starts from; null otherwise
 */
public record NewSession(
        String id,
        String repository,
        String baseBranch,
        String model,
        String title,
        String creatorId,
        Source source,
        SessionSettings settings,
        String parentId,
        String origin,
        Long forkedAtSeq) {
    /** A session that is not a fork. */
    public NewSession(
            String id,
            String repository,
            String baseBranch,
            String model,
            String title,
            String creatorId,
            Source source,
            SessionSettings settings,
            String parentId,
            String origin) {
        this(id, repository, baseBranch, model, title, creatorId, source, settings, parentId, origin, null);
    }

    /** A session a person started. */
    public NewSession(
            String id,
            String repository,
            String baseBranch,
            String model,
            String title,
            String creatorId,
            Source source,
            SessionSettings settings,
            String parentId) {
        this(id, repository, baseBranch, model, title, creatorId, source, settings, parentId, null);
    }
}

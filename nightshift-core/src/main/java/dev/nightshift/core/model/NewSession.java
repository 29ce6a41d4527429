package dev.nightshift.core.model;

/** What it takes to create a session; the store assigns status, sequence and times. */
public record NewSession(
        String id,
        String repository,
        String baseBranch,
        String model,
        String title,
        String creatorId,
        Source source,
        SessionSettings settings,
        String parentId) {}

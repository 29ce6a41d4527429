package dev.nightshift.core.port;

import dev.nightshift.core.model.SessionStatus;

/**
 * Filters for listing sessions. Null fields do not filter.
 *
 * @param visibleTo only sessions this user participates in (null: all, for admins)
 * @param creatorId only sessions this user created ("mine")
 */
public record SessionQuery(
        String visibleTo, String creatorId, SessionStatus status, String repository, int offset, int limit) {}

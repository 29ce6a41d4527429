package dev.nightshift.core.model;

import java.time.Instant;

/** A user's membership of a session. */
public record Participant(String sessionId, String userId, String login, Role role, Instant joinedAt) {}

package dev.nightshift.core.model;

import java.time.Instant;

/** A person who can sign in, own sessions and send prompts. */
public record User(String id, String login, String name, String email, boolean admin, Instant createdAt) {}

package dev.nightshift.core.model;

import java.time.Instant;

/**
 * A person who can sign in, own sessions and send prompts.
 *
 * @param deactivatedAt when an administrator deactivated the account (null: active). A deactivated
 *     user's tokens no longer authenticate; their sessions stay readable to the other participants.
 */
public record User(
        String id, String login, String name, String email, boolean admin, Instant createdAt, Instant deactivatedAt) {

    public boolean active() {
        return deactivatedAt == null;
    }
}

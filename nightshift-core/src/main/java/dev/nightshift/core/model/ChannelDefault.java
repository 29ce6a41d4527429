package dev.nightshift.core.model;

import java.time.Instant;

/**
 * A chat channel's default repository, as stored: where requests in the channel that name no
 * repository work.
 *
 * @param provider the chat, e.g. {@code slack}
 * @param team the workspace the channel belongs to (Slack's team id)
 * @param setBy the id of the user who set it; null when nobody is known
 * @param setAt when it was last set
 */
public record ChannelDefault(
        String provider, String team, String channel, String repository, String setBy, Instant setAt) {}

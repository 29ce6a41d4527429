package dev.nightshift.core.port;

import java.time.Instant;
import java.util.Optional;

/**
 * Each chat channel's default repository (Slack's {@code /nightshift repo <url>}): where a request
 * that names none works.
 */
public interface ChannelDefaults {
    /** The channel's default repository, if someone set one. */
    Optional<String> repository(String provider, String team, String channel);

    /** Sets (or replaces) the channel's default repository; {@code setBy} is the user who did. */
    void set(String provider, String team, String channel, String repository, String setBy, Instant now);
}

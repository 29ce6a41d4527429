package dev.nightshift.core.port;

import dev.nightshift.core.model.ChannelDefault;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Each chat channel's default repository (Slack's {@code /nightshift repo <url>}, or an
 * administrator in the web UI): where a request that names none works.
 */
public interface ChannelDefaults {
    /** The channel's default repository, if someone set one. */
    Optional<String> repository(String provider, String team, String channel);

    /** Sets (or replaces) the channel's default repository; {@code setBy} is the user who did. */
    void set(String provider, String team, String channel, String repository, String setBy, Instant now);

    /** Every channel of {@code provider} with a default, ordered by team, then channel. */
    List<ChannelDefault> list(String provider);

    /** Forgets the channel's default; false when it had none. */
    boolean remove(String provider, String team, String channel);
}

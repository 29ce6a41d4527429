package dev.nightshift.store;

import dev.nightshift.core.model.ChannelDefault;
import dev.nightshift.core.port.ChannelDefaults;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link ChannelDefaults} in the {@code channel_defaults} table; one upsert or delete per change. */
final class JdbcChannelDefaults implements ChannelDefaults {
    private final Db db;

    JdbcChannelDefaults(Db db) {
        this.db = db;
    }

    @Override
    public Optional<String> repository(String provider, String team, String channel) {
        return db.read(h -> h.createQuery("SELECT repository FROM channel_defaults"
                        + " WHERE provider = :provider AND team = :team AND channel = :channel")
                .bind("provider", provider)
                .bind("team", team)
                .bind("channel", channel)
                .mapTo(String.class)
                .findOne());
    }

    @Override
    public void set(String provider, String team, String channel, String repository, String setBy, Instant now) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO channel_defaults (provider, team, channel, repository, set_by, updated_at)
                        VALUES (:provider, :team, :channel, :repository, :setBy, :now)
                        ON CONFLICT (provider, team, channel)
                        DO UPDATE SET repository = excluded.repository, set_by = excluded.set_by,
                            updated_at = excluded.updated_at""")
                .bind("provider", provider)
                .bind("team", team)
                .bind("channel", channel)
                .bind("repository", repository)
                .bind("setBy", setBy)
                .bind("now", now.toEpochMilli())
                .execute());
    }

    @Override
    public List<ChannelDefault> list(String provider) {
        return db.read(h -> h.createQuery(
                        "SELECT * FROM channel_defaults WHERE provider = :provider" + " ORDER BY team, channel")
                .bind("provider", provider)
                .map((rs, ctx) -> new ChannelDefault(
                        rs.getString("provider"),
                        rs.getString("team"),
                        rs.getString("channel"),
                        rs.getString("repository"),
                        rs.getString("set_by"),
                        Db.instant(rs, "updated_at")))
                .list());
    }

    @Override
    public boolean remove(String provider, String team, String channel) {
        return db.write(h -> h.createUpdate("DELETE FROM channel_defaults"
                                + " WHERE provider = :provider AND team = :team AND channel = :channel")
                        .bind("provider", provider)
                        .bind("team", team)
                        .bind("channel", channel)
                        .execute())
                > 0;
    }
}

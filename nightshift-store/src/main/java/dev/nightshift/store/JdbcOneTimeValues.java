package dev.nightshift.store;

import dev.nightshift.core.port.OneTimeValues;
import java.time.Instant;
import java.util.Optional;

final class JdbcOneTimeValues implements OneTimeValues {
    private final Db db;

    JdbcOneTimeValues(Db db) {
        this.db = db;
    }

    @Override
    public void save(String purpose, String valueHash, String payload, Instant expiresAt) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO one_time_values (value_hash, purpose, payload, expires_at)
                        VALUES (:hash, :purpose, :payload, :expiresAt)""")
                .bind("hash", valueHash)
                .bind("purpose", purpose)
                .bind("payload", payload)
                .bind("expiresAt", expiresAt.toEpochMilli())
                .execute());
    }

    @Override
    public Optional<String> consume(String purpose, String valueHash, Instant now) {
        return db.write(h -> {
            Optional<Row> row = h.createQuery(
                            "SELECT purpose, payload, expires_at FROM one_time_values WHERE value_hash = :hash")
                    .bind("hash", valueHash)
                    .map((rs, ctx) ->
                            new Row(rs.getString("purpose"), rs.getString("payload"), rs.getLong("expires_at")))
                    .findOne();
            // the delete is what makes it single-use: of two concurrent callbacks only one deletes the row
            int deleted = h.createUpdate("DELETE FROM one_time_values WHERE value_hash = :hash")
                    .bind("hash", valueHash)
                    .execute();
            if (deleted != 1
                    || row.isEmpty()
                    || !row.get().purpose().equals(purpose)
                    || row.get().expiresAtMs() <= now.toEpochMilli()) {
                return Optional.<String>empty();
            }
            return Optional.of(row.get().payload() == null ? "" : row.get().payload());
        });
    }

    private record Row(String purpose, String payload, long expiresAtMs) {}

    @Override
    public boolean firstDelivery(String provider, String deliveryId, Instant now) {
        return db.write(h -> h.createUpdate("""
                        INSERT INTO webhook_deliveries (provider, delivery_id, received_at) VALUES (:provider, :id, :now)
                        ON CONFLICT DO NOTHING""")
                        .bind("provider", provider)
                        .bind("id", deliveryId)
                        .bind("now", now.toEpochMilli())
                        .execute())
                == 1;
    }

    @Override
    public boolean forgetDelivery(String provider, String deliveryId) {
        return db.write(h -> h.createUpdate(
                                "DELETE FROM webhook_deliveries WHERE provider = :provider AND delivery_id = :id")
                        .bind("provider", provider)
                        .bind("id", deliveryId)
                        .execute())
                == 1;
    }
}

package dev.nightshift.store;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.Identity;
import dev.nightshift.core.port.IdentityStore;
import dev.nightshift.core.port.StoreException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

final class JdbcIdentities implements IdentityStore {
    private static final RowMapper<Identity> IDENTITY = (rs, ctx) -> new Identity(
            rs.getString("id"),
            rs.getString("user_id"),
            rs.getString("kind"),
            rs.getString("issuer"),
            rs.getString("subject"),
            rs.getString("login"),
            rs.getString("email"),
            Db.instant(rs, "created_at"),
            Db.instant(rs, "last_seen_at"));

    private final Db db;

    JdbcIdentities(Db db) {
        this.db = db;
    }

    @Override
    public Identity link(
            String userId, String kind, String issuer, String subject, String login, String email, Instant now) {
        Instant at = Instant.ofEpochMilli(now.toEpochMilli());
        Identity identity = new Identity(Ids.newId("idn"), userId, kind, issuer, subject, login, email, at, at);
        try {
            db.write(h -> h.createUpdate("""
                            INSERT INTO identities (id, user_id, kind, issuer, subject, login, email, created_at, last_seen_at)
                            VALUES (:id, :userId, :kind, :issuer, :subject, :login, :email, :at, :at)""")
                    .bind("id", identity.id())
                    .bind("userId", userId)
                    .bind("kind", kind)
                    .bind("issuer", issuer)
                    .bind("subject", subject)
                    .bind("login", login)
                    .bind("email", email)
                    .bind("at", at.toEpochMilli())
                    .execute());
        } catch (RuntimeException e) {
            if (Db.isUniqueViolation(e)) {
                throw new StoreException("this " + kind + " account is already linked to a user", e);
            }
            throw e;
        }
        return identity;
    }

    @Override
    public Optional<Identity> find(String kind, String issuer, String subject) {
        return db.read(h -> h.createQuery(
                        "SELECT * FROM identities WHERE kind = :kind AND issuer = :issuer AND subject = :subject")
                .bind("kind", kind)
                .bind("issuer", issuer)
                .bind("subject", subject)
                .map(IDENTITY)
                .findOne());
    }

    @Override
    public List<Identity> forUser(String userId) {
        return db.read(h -> h.createQuery("SELECT * FROM identities WHERE user_id = :userId ORDER BY created_at, id")
                .bind("userId", userId)
                .map(IDENTITY)
                .list());
    }

    @Override
    public void seen(String identityId, String login, String email, Instant now) {
        db.write(h -> h.createUpdate(
                        "UPDATE identities SET login = :login, email = :email, last_seen_at = :now WHERE id = :id")
                .bind("login", login)
                .bind("email", email)
                .bind("now", now.toEpochMilli())
                .bind("id", identityId)
                .execute());
    }

    @Override
    public boolean unlink(String userId, String identityId) {
        return db.write(h -> h.createUpdate("DELETE FROM identities WHERE id = :id AND user_id = :userId")
                        .bind("id", identityId)
                        .bind("userId", userId)
                        .execute())
                == 1;
    }
}

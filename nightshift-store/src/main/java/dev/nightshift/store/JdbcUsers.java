package dev.nightshift.store;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.User;
import dev.nightshift.core.port.StoreException;
import dev.nightshift.core.port.UserStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

final class JdbcUsers implements UserStore {
    private static final RowMapper<User> USER = (rs, ctx) -> new User(
            rs.getString("id"),
            rs.getString("login"),
            rs.getString("name"),
            rs.getString("email"),
            rs.getInt("is_admin") == 1,
            Db.instant(rs, "created_at"),
            Db.instant(rs, "deactivated_at"));

    private final Db db;

    JdbcUsers(Db db) {
        this.db = db;
    }

    @Override
    public User create(String login, String name, String email, boolean admin) {
        User user = new User(Ids.newId("usr"), login, name, email, admin, db.now(), null);
        try {
            db.write(h -> h.createUpdate("""
                            INSERT INTO users (id, login, name, email, is_admin, created_at)
                            VALUES (:id, :login, :name, :email, :admin, :createdAt)""")
                    .bind("id", user.id())
                    .bind("login", login)
                    .bind("name", name)
                    .bind("email", email)
                    .bind("admin", Db.flag(admin))
                    .bind("createdAt", Db.millis(user.createdAt()))
                    .execute());
        } catch (RuntimeException e) {
            if (Db.isUniqueViolation(e)) {
                throw new StoreException("a user with login '" + login + "' already exists", e);
            }
            throw e;
        }
        return user;
    }

    @Override
    public Optional<User> byId(String id) {
        return db.read(h -> h.createQuery("SELECT * FROM users WHERE id = :id")
                .bind("id", id)
                .map(USER)
                .findOne());
    }

    @Override
    public Optional<User> byLogin(String login) {
        return db.read(h -> h.createQuery("SELECT * FROM users WHERE lower(login) = lower(:login)")
                .bind("login", login)
                .map(USER)
                .findOne());
    }

    @Override
    public List<User> byEmail(String email) {
        return db.read(h -> h.createQuery("SELECT * FROM users WHERE lower(email) = lower(:email) ORDER BY id")
                .bind("email", email)
                .map(USER)
                .list());
    }

    @Override
    public boolean setAdmin(String userId, boolean admin) {
        return db.write(h -> h.createUpdate("UPDATE users SET is_admin = :admin WHERE id = :id")
                        .bind("admin", Db.flag(admin))
                        .bind("id", userId)
                        .execute())
                == 1;
    }

    @Override
    public boolean setDeactivated(String userId, Instant at) {
        return db.write(h -> h.createUpdate("UPDATE users SET deactivated_at = :at WHERE id = :id")
                        .bind("at", Db.millis(at))
                        .bind("id", userId)
                        .execute())
                == 1;
    }

    @Override
    public List<User> list() {
        return db.read(h ->
                h.createQuery("SELECT * FROM users ORDER BY login").map(USER).list());
    }
}

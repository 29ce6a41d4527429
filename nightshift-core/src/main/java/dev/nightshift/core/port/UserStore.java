package dev.nightshift.core.port;

import dev.nightshift.core.model.User;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface UserStore {
    /** @throws StoreException when the login is taken (logins are unique regardless of case) */
    User create(String login, String name, String email, boolean admin);

    Optional<User> byId(String id);

    /** The user with this login, compared without regard to case. */
    Optional<User> byLogin(String login);

    /** The users whose recorded address is {@code email}, compared without regard to case. */
    List<User> byEmail(String email);

    List<User> list();

    /** Grants or removes administration; false when there is no such user. */
    boolean setAdmin(String userId, boolean admin);

    /** Deactivates ({@code at} non-null) or reactivates (null) a user; false when there is no such user. */
    boolean setDeactivated(String userId, Instant at);
}

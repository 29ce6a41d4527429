package dev.nightshift.core.port;

import dev.nightshift.core.model.User;
import java.util.List;
import java.util.Optional;

public interface UserStore {
    /** @throws StoreException when the login is taken */
    User create(String login, String name, String email, boolean admin);

    Optional<User> byId(String id);

    Optional<User> byLogin(String login);

    List<User> list();
}

package dev.nightshift.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.Admission;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.store.JdbcStore;
import dev.nightshift.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * First contact from a chat or a tracker: the account joins the user who has its verified address,
 * or a new user; never a guess among several, never past admission. A real store on SQLite.
 */
class SignInFirstContactTest {
    @TempDir
    Path dir;

    JdbcStore store;
    SignIn signIn;

    @BeforeEach
    void setUp() {
        store = JdbcStore.open(StoreConfig.sqlite(dir.resolve("db.sqlite")));
        Clock clock = Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);
        signIn = new SignIn(
                store,
                new Admission.Rules(Set.of(), Set.of("example.com"), Set.of(), Set.of(), Set.of()),
                Duration.ofHours(1),
                "",
                clock);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    static SignIn.Account slack(String user, String email) {
        return new SignIn.Account("slack", "T1", user, null, "someone", email, List.of(email), Set.of(), Set.of());
    }

    @Test
    void anAccountWithTheAddressOfAnExistingUserJoinsThatUser() {
        User ada = store.users().create("ada", "Ada", "Ada@Example.com", false);

        User found = signIn.firstContact(slack("U1", "ada@example.com"));

        assertThat(found.id()).isEqualTo(ada.id());
        assertThat(store.identities().find("slack", "T1", "U1"))
                .hasValueSatisfying(i -> assertThat(i.userId()).isEqualTo(ada.id()));
        assertThat(store.users().list()).hasSize(1);
        // the second time it is simply the linked account
        assertThat(signIn.firstContact(slack("U1", "ada@example.com")).id()).isEqualTo(ada.id());
    }

    @Test
    void anAddressNobodyHasMakesANewUser() {
        User made = signIn.firstContact(slack("U2", "grace@example.com"));

        assertThat(made.login()).isEqualTo("grace");
        assertThat(store.identities().find("slack", "T1", "U2")).isPresent();
    }

    @Test
    void admissionStillDecidesForAnExistingUsersAddress() {
        store.users().create("eve", "Eve", "eve@elsewhere.org", false);

        assertThatThrownBy(() -> signIn.firstContact(slack("U3", "eve@elsewhere.org")))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(store.identities().find("slack", "T1", "U3")).isEmpty();
    }

    @Test
    void anAddressSeveralUsersHaveOrADeactivatedUsersLinksNobody() {
        store.users().create("bob", "Bob", "bob@example.com", false);
        store.users().create("bob-2", "Bob", "bob@example.com", false);
        User carol = store.users().create("carol", "Carol", "carol@example.com", false);
        store.users().setDeactivated(carol.id(), Instant.parse("2026-12-01T00:00:00Z"));

        assertThatThrownBy(() -> signIn.firstContact(slack("U4", "bob@example.com")))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo("ambiguous_address"));
        assertThatThrownBy(() -> signIn.firstContact(slack("U5", "carol@example.com")))
                .isInstanceOf(ApiException.class);
        assertThat(store.identities().find("slack", "T1", "U4")).isEmpty();
        assertThat(store.identities().find("slack", "T1", "U5")).isEmpty();
        assertThat(store.users().list()).hasSize(3);
    }
}

package dev.nightshift.core.port;

import dev.nightshift.core.model.Identity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** External identities; one per (kind, issuer, subject), enforced by a unique index. */
public interface IdentityStore {
    /** @throws StoreException when the identity is already linked (to anyone) */
    Identity link(String userId, String kind, String issuer, String subject, String login, String email, Instant now);

    Optional<Identity> find(String kind, String issuer, String subject);

    List<Identity> forUser(String userId);

    /** Records a sign-in: the login and e-mail as the provider now reports them. */
    void seen(String identityId, String login, String email, Instant now);

    /** False when the user has no such identity. */
    boolean unlink(String userId, String identityId);
}

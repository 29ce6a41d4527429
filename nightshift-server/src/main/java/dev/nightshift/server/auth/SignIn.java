package dev.nightshift.server.auth;

import dev.nightshift.core.Secrets;
import dev.nightshift.core.model.Identity;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.TokenKind;
import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.Admission;
import dev.nightshift.core.policy.Logins;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.StoreException;
import dev.nightshift.server.http.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signing in with an outside account (GitHub, an OpenID provider; Slack and Linear on first contact).
 * The user is found by the account's immutable subject only — never by login name or e-mail, which
 * anyone can pick at the provider — so an outside account named {@code admin} is a new, separate
 * user. Admission is decided at every sign-in; a refusal is audited with its reason and stores
 * nothing. Runs on the request thread of the callback.
 *
 * <p>The one exception is {@link #firstContact}: a chat or tracker account (Slack, Linear) seen for the
 * first time is linked to the existing user whose recorded address is the account's verified one —
 * an address an administrator gave the user, or an OpenID provider verified — so people keep one
 * Nightshift user wherever they ask.
 */
public final class SignIn {
    static final int MAX_LOGIN_ATTEMPTS = 50;

    /**
     * What the provider vouched for.
     *
     * @param kind {@code github} or {@code oidc}
     * @param issuer the GitHub host or the OpenID issuer
     * @param subject the provider's immutable id for the account
     * @param login the account's name at the provider (a hint for a new login, and for admission lists)
     * @param email the address for the user record (commits), may be null
     * @param verifiedEmails addresses the provider says are verified (admission by e-mail and domain)
     */
    public record Account(
            String kind,
            String issuer,
            String subject,
            String login,
            String name,
            String email,
            List<String> verifiedEmails,
            Set<String> gitHubOrgs,
            Set<String> groups) {}

    /** A signed-in person and their new API token (shown once). */
    public record SignedIn(User user, String token, boolean created, String reason) {}

    private final Store store;
    private final Admission.Rules rules;
    private final Duration tokenTtl;
    private final String contact;
    private final Clock clock;

    /**
     * @param tokenTtl lifetime of the API token a sign-in hands the browser
     * @param contact whom a refused person should ask (shown on the refusal page), may be empty
     */
    public SignIn(Store store, Admission.Rules rules, Duration tokenTtl, String contact, Clock clock) {
        this.store = store;
        this.rules = rules;
        this.tokenTtl = tokenTtl;
        this.contact = contact == null ? "" : contact;
        this.clock = clock;
    }

    public Admission.Rules rules() {
        return rules;
    }

    /** Whom a person who is not admitted should ask ({@code NIGHTSHIFT_ADMISSION_CONTACT}); empty when nobody is named. */
    public String contact() {
        return contact;
    }

    /** Signs the account in, creating its user on first sign-in; 403 {@code not_admitted} when admission refuses. */
    public SignedIn signIn(Account account) {
        Instant now = clock.instant();
        String action = "signin." + account.kind();
        Optional<Identity> known = store.identities().find(account.kind(), account.issuer(), account.subject());
        Optional<User> existing = known.flatMap(i -> store.users().byId(i.userId()));
        if (existing.isPresent() && !existing.get().active()) {
            store.audit()
                    .record(existing.get().id(), null, action, account.issuer(), "refused", "account deactivated", now);
            throw new ApiException(
                    403,
                    "deactivated",
                    "your Nightshift account " + existing.get().login() + " is deactivated; " + ask());
        }
        Admission.Decision decision = admit(
                account,
                existing.map(User::id).orElse(null),
                existing.map(User::admin).orElse(false));
        boolean admin = ((Admission.Decision.Admitted) decision).admin();
        User user;
        boolean created = false;
        if (existing.isPresent()) {
            user = existing.get();
            store.identities().seen(known.get().id(), account.login(), account.email(), now);
            if (admin && !user.admin()) {
                store.users().setAdmin(user.id(), true);
                store.audit()
                        .record(
                                user.id(),
                                null,
                                "user.admin",
                                user.login(),
                                "ok",
                                "granted at sign-in: " + decision.reason(),
                                now);
                user = store.users().byId(user.id()).orElseThrow();
            }
        } else {
            user = createUser(account, admin);
            created = true;
            try {
                store.identities()
                        .link(
                                user.id(),
                                account.kind(),
                                account.issuer(),
                                account.subject(),
                                account.login(),
                                account.email(),
                                now);
            } catch (StoreException e) {
                // a concurrent first sign-in of the same account won: use its user (ours stays without identities)
                Identity winner = store.identities()
                        .find(account.kind(), account.issuer(), account.subject())
                        .orElseThrow(() -> e);
                user = store.users().byId(winner.userId()).orElseThrow();
                created = false;
            }
            store.audit().record(user.id(), null, "identity.link", describe(account), "ok", "first sign-in", now);
        }
        String secret = Secrets.newSecret("nsk");
        var token = store.tokens()
                .create(
                        TokenKind.API,
                        user.id(),
                        account.kind() + " sign-in " + now,
                        null,
                        Secrets.hash(secret),
                        now.plus(tokenTtl),
                        user.admin() ? Scope.ALL : Scope.DEFAULTS,
                        null);
        store.audit()
                .record(
                        user.id(),
                        null,
                        action,
                        account.issuer(),
                        "ok",
                        describe(account) + (created ? " (new user " + user.login() + ")" : "") + ": "
                                + decision.reason() + "; token " + token.id(),
                        now);
        return new SignedIn(user, secret, created, decision.reason());
    }

    /**
     * First contact from a chat or tracker (Slack, Linear), whose account carries a verified address
     * and no login of its own: a linked account signs in as usual; else, when exactly one active user
     * has that address recorded, admission is decided for the account and, if admitted, the account is
     * linked to that user (no token: the workplace acts for them itself); else a new user, as {@link
     * #signIn}. Several users with the address: none is guessed at, a new user is not made either — 403
     * saying to ask an administrator to link the account.
     */
    public User firstContact(Account account) {
        if (store.identities()
                        .find(account.kind(), account.issuer(), account.subject())
                        .isPresent()
                || account.verifiedEmails().isEmpty()) {
            return signIn(account).user();
        }
        Instant now = clock.instant();
        String email = account.verifiedEmails().getFirst();
        List<User> owners = store.users().byEmail(email);
        if (owners.isEmpty()) {
            return signIn(account).user();
        }
        String action = "signin." + account.kind();
        if (owners.size() > 1 || !owners.getFirst().active()) {
            String why = owners.size() > 1 ? owners.size() + " users have this address" : "that user is deactivated";
            store.audit().record(null, null, action, account.issuer(), "refused", describe(account) + ": " + why, now);
            throw new ApiException(
                    403, "ambiguous_address", "your address cannot be matched to one Nightshift user; " + ask());
        }
        User owner = owners.getFirst();
        admit(account, owner.id(), owner.admin());
        try {
            store.identities()
                    .link(
                            owner.id(),
                            account.kind(),
                            account.issuer(),
                            account.subject(),
                            account.login(),
                            account.email(),
                            now);
        } catch (StoreException e) {
            // linked concurrently (a retried delivery): whoever won is the answer
            return store.identities()
                    .find(account.kind(), account.issuer(), account.subject())
                    .flatMap(i -> store.users().byId(i.userId()))
                    .orElseThrow(() -> e);
        }
        store.audit()
                .record(
                        owner.id(),
                        null,
                        "identity.link",
                        describe(account),
                        "ok",
                        "first contact, by verified address",
                        now);
        return owner;
    }

    /** Admission for the account; a refusal is audited (against {@code userId}, may be null) and thrown as a 403. */
    private Admission.Decision admit(Account account, String userId, boolean admin) {
        Admission.Decision decision = Admission.decide(rules, candidate(account, admin));
        if (decision instanceof Admission.Decision.Refused refused) {
            store.audit()
                    .record(
                            userId,
                            null,
                            "signin." + account.kind(),
                            account.issuer(),
                            "refused",
                            describe(account) + ": " + refused.reason(),
                            clock.instant());
            throw new ApiException(
                    403,
                    "not_admitted",
                    "you (" + describe(account) + ") are not admitted to this Nightshift: " + refused.reason() + "; "
                            + ask());
        }
        return decision;
    }

    /**
     * Admission again, at a token refresh: a person who left the admitted organisation (or team)
     * loses access then, not only at their next sign-in. When refused, every token of theirs is
     * revoked (the caller closes their open streams) and the refusal is audited.
     */
    public boolean stillAdmitted(String userId, Account account) {
        Instant now = clock.instant();
        User user = store.users().byId(userId).orElse(null);
        if (user == null) {
            return false;
        }
        var decision = Admission.decide(rules, candidate(account, user.admin()));
        if (decision instanceof Admission.Decision.Admitted) {
            return true;
        }
        int revoked = store.tokens().revokeAllForUser(userId, now);
        store.audit()
                .record(
                        userId,
                        null,
                        "signin." + account.kind(),
                        account.issuer(),
                        "refused",
                        "at token refresh: " + decision.reason() + "; " + revoked + " tokens revoked",
                        now);
        return false;
    }

    /** Links the account to an existing user (who started the linking signed in); 409 when it belongs to someone else. */
    public Identity link(String userId, Account account) {
        Instant now = clock.instant();
        Optional<Identity> known = store.identities().find(account.kind(), account.issuer(), account.subject());
        if (known.isPresent()) {
            if (known.get().userId().equals(userId)) {
                return known.get();
            }
            store.audit()
                    .record(userId, null, "identity.link", describe(account), "refused", "linked to another user", now);
            throw ApiException.conflict(
                    "this " + account.kind() + " account is already linked to another Nightshift user");
        }
        Identity linked;
        try {
            linked = store.identities()
                    .link(
                            userId,
                            account.kind(),
                            account.issuer(),
                            account.subject(),
                            account.login(),
                            account.email(),
                            now);
        } catch (StoreException e) {
            throw ApiException.conflict(
                    "this " + account.kind() + " account is already linked to another Nightshift user");
        }
        store.audit().record(userId, null, "identity.link", describe(account), "ok", "linked by its owner", now);
        return linked;
    }

    private User createUser(Account account, boolean admin) {
        String hint = account.login() != null
                ? account.login()
                : account.email() != null
                        ? account.email()
                                .substring(0, Math.max(1, account.email().indexOf('@')))
                        : "user";
        for (int attempt = 1; attempt <= MAX_LOGIN_ATTEMPTS; attempt++) {
            String login = Logins.candidate(hint, attempt);
            if (store.users().byLogin(login).isPresent()) {
                continue;
            }
            try {
                return store.users()
                        .create(
                                login,
                                account.name() == null ? account.login() : account.name(),
                                account.email(),
                                admin);
            } catch (StoreException e) {
                // taken between the check and the insert: try the next
            }
        }
        throw new ApiException(
                409, "login_taken", "no free login near '" + hint + "'; ask an administrator to create your user");
    }

    /** What admission weighs: what the provider vouched for, and whether the person already administers. */
    private static Admission.Candidate candidate(Account account, boolean admin) {
        return new Admission.Candidate(
                account.kind(),
                account.subject(),
                account.login(),
                account.verifiedEmails(),
                account.gitHubOrgs(),
                account.groups(),
                admin);
    }

    private String ask() {
        return contact.isBlank() ? "ask an administrator of this server to admit you" : "ask " + contact;
    }

    private static String describe(Account a) {
        return a.kind() + " account " + (a.login() == null ? "" : a.login() + " ") + "(" + a.issuer() + " "
                + a.subject() + ")";
    }
}

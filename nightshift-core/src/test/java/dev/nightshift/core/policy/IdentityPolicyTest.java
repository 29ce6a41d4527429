package dev.nightshift.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.model.Role;
import dev.nightshift.core.model.Scope;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Admission, first-sign-in logins, token scopes and who sees what. */
class IdentityPolicyTest {
    private static Admission.Candidate github(String login, List<String> emails, Set<String> orgs) {
        return new Admission.Candidate("github", "1001", login, emails, orgs, Set.of(), false);
    }

    private static Admission.Candidate oidc(String login, List<String> emails, Set<String> groups) {
        return new Admission.Candidate("oidc", "sub-1", login, emails, Set.of(), groups, false);
    }

    private static Admission.Rules rules(
            Set<String> people, Set<String> domains, Set<String> orgs, Set<String> groups, Set<String> admins) {
        return new Admission.Rules(people, domains, orgs, groups, admins);
    }

    @Test
    void withNoRuleOnlyAdministratorsGetIn() {
        assertThat(Admission.Rules.NONE.admitsNobody()).isTrue();
        var refused = Admission.decide(Admission.Rules.NONE, github("octocat", List.of("o@acme.com"), Set.of("acme")));
        assertThat(refused).isInstanceOf(Admission.Decision.Refused.class);
        assertThat(refused.reason()).contains("only administrators");
        var admin = new Admission.Candidate("github", "1", "root", List.of(), Set.of(), Set.of(), true);
        assertThat(Admission.decide(Admission.Rules.NONE, admin))
                .isEqualTo(new Admission.Decision.Admitted("already an administrator", true));
    }

    @Test
    void namedAdministratorsByImmutableIdOrVerifiedEmail() {
        var r = rules(Set.of(), Set.of(), Set.of(), Set.of(), Set.of("GitHub:1001", "Boss@Acme.com"));
        assertThat(Admission.decide(r, github("anyone", List.of(), Set.of())))
                .isEqualTo(new Admission.Decision.Admitted("named administrator (github:1001)", true));
        assertThat(Admission.decide(r, oidc("boss", List.of("boss@acme.com"), Set.of())))
                .isInstanceOf(Admission.Decision.Admitted.class)
                .extracting(d -> ((Admission.Decision.Admitted) d).admin())
                .isEqualTo(true);
        // a login is not an identity: naming "github:octocat" does not make the account octocat an administrator
        var byLogin = rules(Set.of(), Set.of(), Set.of(), Set.of(), Set.of("github:octocat"));
        assertThat(Admission.decide(
                        byLogin,
                        new Admission.Candidate("github", "77", "octocat", List.of(), Set.of(), Set.of(), false)))
                .isInstanceOf(Admission.Decision.Refused.class);
    }

    @Test
    void peopleByLoginOrEmailWithoutCase() {
        var r = rules(Set.of("Octocat", "ann@example.org"), Set.of(), Set.of(), Set.of(), Set.of());
        assertThat(Admission.decide(r, github("octocat", List.of(), Set.of())))
                .isInstanceOf(Admission.Decision.Admitted.class);
        assertThat(Admission.decide(r, oidc("ann", List.of("Ann@Example.org"), Set.of())))
                .isInstanceOf(Admission.Decision.Admitted.class);
        assertThat(Admission.decide(r, oidc("bob", List.of("bob@example.org"), Set.of())))
                .isInstanceOf(Admission.Decision.Refused.class);
        assertThat(Admission.decide(r, github("octocat2", List.of(), Set.of())).reason())
                .contains("not in the admitted");
    }

    @Test
    void domainsCountOnlyVerifiedAddresses() {
        var r = rules(Set.of(), Set.of("@Acme.com"), Set.of(), Set.of(), Set.of());
        assertThat(Admission.decide(r, oidc("x", List.of("x@acme.com"), Set.of()))
                        .reason())
                .isEqualTo("verified e-mail in domain acme.com");
        // an unverified address is simply not among the candidate's verified ones
        assertThat(Admission.decide(r, oidc("x", List.of(), Set.of()))).isInstanceOf(Admission.Decision.Refused.class);
        assertThat(Admission.decide(r, oidc("x", List.of("x@acme.com.evil.io", "x@notacme.com"), Set.of())))
                .isInstanceOf(Admission.Decision.Refused.class);
    }

    @Test
    void gitHubOrganisationsAndTeamsOnlyForGitHubAccounts() {
        var r = rules(Set.of(), Set.of(), Set.of("acme", "other/platform"), Set.of(), Set.of());
        assertThat(Admission.decide(r, github("a", List.of(), Set.of("ACME"))).reason())
                .isEqualTo("GitHub organisation acme");
        assertThat(Admission.decide(r, github("a", List.of(), Set.of("other", "other/platform")))
                        .reason())
                .isEqualTo("GitHub team other/platform");
        assertThat(Admission.decide(r, github("a", List.of(), Set.of("other"))))
                .isInstanceOf(Admission.Decision.Refused.class);
        // an OIDC account claiming the same names as orgs gets nothing from it
        assertThat(Admission.decide(
                        r, new Admission.Candidate("oidc", "s", "a", List.of(), Set.of("acme"), Set.of(), false)))
                .isInstanceOf(Admission.Decision.Refused.class);
    }

    @Test
    void groupsAreCaseSensitiveClaimValues() {
        var r = rules(Set.of(), Set.of(), Set.of(), Set.of("Engineering"), Set.of());
        assertThat(Admission.decide(r, oidc("a", List.of(), Set.of("Engineering"))))
                .isInstanceOf(Admission.Decision.Admitted.class);
        assertThat(Admission.decide(r, oidc("a", List.of(), Set.of("engineering"))))
                .isInstanceOf(Admission.Decision.Refused.class);
    }

    @Test
    void firstSignInLoginsAreValidUniqueAndNeverReserved() {
        assertThat(Logins.candidate("octocat", 1)).isEqualTo("octocat");
        assertThat(Logins.candidate("octocat", 2)).isEqualTo("octocat-2");
        assertThat(Logins.candidate("admin", 1)).isEqualTo("admin-2");
        assertThat(Logins.candidate("Admin", 2)).isEqualTo("Admin-3");
        assertThat(Logins.candidate("José Müller", 1)).isEqualTo("Jose-Muller");
        assertThat(Logins.candidate("--x", 1)).isEqualTo("x");
        assertThat(Logins.candidate(null, 1)).isEqualTo("user");
        assertThat(Logins.candidate("日本", 1)).isEqualTo("user");
        assertThat(Logins.candidate("a".repeat(200), 3)).hasSize(92).matches(Logins.VALID);
        for (String hint : List.of("a b", "x@y.z", "../etc", "nightshift")) {
            assertThat(Logins.candidate(hint, 1)).matches(Logins.VALID).isNotEqualToIgnoringCase("nightshift");
        }
    }

    @Test
    void tokensGetNoMoreThanTheirMakerHas() {
        assertThat(TokenScopes.grant(null, Scope.ALL, false)).isEqualTo(Scope.DEFAULTS);
        assertThat(TokenScopes.grant(Set.of(), EnumSet.of(Scope.SESSIONS_READ), false))
                .containsExactly(Scope.SESSIONS_READ);
        assertThat(TokenScopes.grant(Set.of(Scope.SESSIONS_READ), Scope.ALL, false))
                .containsExactly(Scope.SESSIONS_READ);
        assertThat(TokenScopes.grant(Set.of(Scope.ADMIN), Scope.ALL, true)).containsExactly(Scope.ADMIN);
        assertThatThrownBy(() -> TokenScopes.grant(Set.of(Scope.ADMIN), Scope.ALL, false))
                .hasMessageContaining("administrator");
        assertThatThrownBy(
                        () -> TokenScopes.grant(Set.of(Scope.SESSIONS_WRITE), EnumSet.of(Scope.SESSIONS_READ), false))
                .hasMessageContaining("lacks the scope sessions:write");
        assertThatThrownBy(() -> TokenScopes.grant(null, EnumSet.of(Scope.ADMIN), true))
                .hasMessageContaining("name the scopes");
    }

    @Test
    void scopesParseAndFormatInOneOrder() {
        assertThat(Scope.parse(null)).isEqualTo(Scope.ALL);
        assertThat(Scope.parse("admin sessions:read")).containsExactlyInAnyOrder(Scope.ADMIN, Scope.SESSIONS_READ);
        assertThat(Scope.format(EnumSet.of(Scope.ADMIN, Scope.SESSIONS_READ))).isEqualTo("sessions:read admin");
        assertThatThrownBy(() -> Scope.fromWire("sessions:delete"))
                .hasMessageContaining("expected one of [sessions:read");
    }

    @Test
    void everyoneSeesMakesNonParticipantsViewersOnly() {
        assertThat(Access.effectiveRole(false, Optional.empty(), true)).contains(Role.VIEWER);
        assertThat(Access.effectiveRole(false, Optional.of(Role.MEMBER), true)).contains(Role.MEMBER);
        assertThat(Access.effectiveRole(false, Optional.empty(), false)).isEmpty();
        assertThat(Access.effectiveRole(true, Optional.empty(), false)).contains(Role.OWNER);
        assertThat(Access.Action.READ.scope()).isEqualTo(Scope.SESSIONS_READ);
        assertThat(Access.Action.PROMPT.scope()).isEqualTo(Scope.SESSIONS_WRITE);
        assertThat(Access.Action.MANAGE.scope()).isEqualTo(Scope.SESSIONS_WRITE);
    }
}

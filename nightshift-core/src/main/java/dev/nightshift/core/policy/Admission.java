package dev.nightshift.core.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may sign in at all. Pure: the rules come from configuration, the candidate from what the
 * provider vouched for at this sign-in (never from what the person typed). Roles and token scopes
 * decide what an admitted person may do; this decides only whether they get in.
 *
 * <p>With no rule configured nobody but administrators is admitted: a deployment that turns on a
 * sign-in provider and forgets admission must not open itself to everyone with an account there.
 */
public final class Admission {
    private Admission() {}

    /**
     * @param people logins at the provider or e-mail addresses (compared without case)
     * @param domains e-mail domains; only verified addresses count
     * @param gitHubOrgs organisations ({@code acme}) or teams ({@code acme/platform}) on GitHub
     * @param groups values of an OpenID provider's group claim
     * @param admins who is made an administrator at sign-in: verified e-mail addresses, or
     *     {@code <kind>:<subject>} (e.g. {@code github:583231}, the immutable id)
     */
    public record Rules(
            Set<String> people, Set<String> domains, Set<String> gitHubOrgs, Set<String> groups, Set<String> admins) {
        public static final Rules NONE = new Rules(Set.of(), Set.of(), Set.of(), Set.of(), Set.of());

        public Rules {
            people = lower(people);
            domains = lower(domains).stream()
                    .map(d -> d.startsWith("@") ? d.substring(1) : d)
                    .collect(Collectors.toUnmodifiableSet());
            gitHubOrgs = lower(gitHubOrgs);
            groups = Set.copyOf(groups);
            admins = lower(admins);
        }

        /** True when no admission rule is set: only administrators get in. */
        public boolean admitsNobody() {
            return people.isEmpty() && domains.isEmpty() && gitHubOrgs.isEmpty() && groups.isEmpty();
        }
    }

    /**
     * What the provider vouched for at this sign-in.
     *
     * @param kind {@code github} or {@code oidc}
     * @param subject the provider's immutable id for the account
     * @param login the account's name at the provider (GitHub login, OIDC {@code preferred_username})
     * @param verifiedEmails addresses the provider says are verified
     * @param gitHubOrgs organisations and {@code org/team} memberships, read with the person's token
     * @param groups the group claim of an OpenID ID token
     * @param admin the person already is an administrator in Nightshift
     */
    public record Candidate(
            String kind,
            String subject,
            String login,
            List<String> verifiedEmails,
            Set<String> gitHubOrgs,
            Set<String> groups,
            boolean admin) {
        public Candidate {
            verifiedEmails =
                    verifiedEmails.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
            gitHubOrgs = lower(gitHubOrgs);
            groups = Set.copyOf(groups);
        }
    }

    /** The outcome, with the reason recorded in the audit log. */
    public sealed interface Decision {
        String reason();

        /** @param admin the person is (or is made) an administrator */
        record Admitted(String reason, boolean admin) implements Decision {}

        record Refused(String reason) implements Decision {}
    }

    public static Decision decide(Rules rules, Candidate c) {
        if (c.admin()) {
            return new Decision.Admitted("already an administrator", true);
        }
        String admin = namedAdmin(rules, c);
        if (admin != null) {
            return new Decision.Admitted("named administrator (" + admin + ")", true);
        }
        if (c.login() != null && rules.people().contains(c.login().toLowerCase(Locale.ROOT))) {
            return new Decision.Admitted("listed login " + c.login(), false);
        }
        for (String email : c.verifiedEmails()) {
            if (rules.people().contains(email)) {
                return new Decision.Admitted("listed e-mail " + email, false);
            }
        }
        for (String email : c.verifiedEmails()) {
            int at = email.lastIndexOf('@');
            if (at > 0 && rules.domains().contains(email.substring(at + 1))) {
                return new Decision.Admitted("verified e-mail in domain " + email.substring(at + 1), false);
            }
        }
        if ("github".equals(c.kind())) {
            for (String org : rules.gitHubOrgs()) {
                if (c.gitHubOrgs().contains(org)) {
                    return new Decision.Admitted(
                            "GitHub " + (org.contains("/") ? "team " : "organisation ") + org, false);
                }
            }
        }
        for (String group : rules.groups()) {
            if (c.groups().contains(group)) {
                return new Decision.Admitted("group " + group, false);
            }
        }
        if (rules.admitsNobody()) {
            return new Decision.Refused("no admission rule is configured, so only administrators may sign in");
        }
        return new Decision.Refused("not in the admitted people, domains, organisations or groups");
    }

    private static String namedAdmin(Rules rules, Candidate c) {
        if (c.subject() != null && rules.admins().contains((c.kind() + ":" + c.subject()).toLowerCase(Locale.ROOT))) {
            return c.kind() + ":" + c.subject();
        }
        for (String email : c.verifiedEmails()) {
            if (rules.admins().contains(email)) {
                return email;
            }
        }
        return null;
    }

    private static Set<String> lower(Set<String> values) {
        return values.stream()
                .map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}

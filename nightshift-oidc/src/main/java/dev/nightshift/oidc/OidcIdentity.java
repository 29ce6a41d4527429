package dev.nightshift.oidc;

import java.util.List;
import java.util.Objects;

/**
 * Who signed in, from a validated ID token. The account key is {@code (issuer, subject)}: the
 * subject is immutable and unique only within its issuer, while e-mail, name and preferred username
 * can be changed by the person (or by whoever runs the provider) and must never be used to find a
 * user; they are for display, a first login's suggestion and admission by a verified e-mail domain.
 *
 * @param issuer the provider's {@code iss}, exactly as configured and discovered
 * @param subject the provider's {@code sub}
 * @param email the {@code email} claim, or null
 * @param emailVerified whether the provider says it verified {@link #email} ({@code email_verified}); false when absent
 * @param name the {@code name} claim, or null
 * @param preferredUsername the {@code preferred_username} claim, or null
 * @param groups the configured groups claim as a list (a single string becomes one group); empty when absent
 */
public record OidcIdentity(
        String issuer,
        String subject,
        String email,
        boolean emailVerified,
        String name,
        String preferredUsername,
        List<String> groups) {

    public OidcIdentity {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        groups = List.copyOf(groups);
    }
}

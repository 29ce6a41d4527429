package dev.nightshift.core.model;

import java.time.Instant;

/**
 * An external account linked to a user, keyed by the provider's immutable subject: GitHub's numeric
 * user id, an OpenID provider's {@code iss} + {@code sub}, later a Slack or Linear user id. Sign-in
 * and every integration find the user through this — never by login name or e-mail, which an
 * outsider can choose.
 *
 * @param kind {@code github}, {@code oidc}, {@code slack}, {@code linear}
 * @param issuer who vouches for the subject: the GitHub host, the OpenID issuer URL, the Slack team
 * @param subject the provider's stable id for the account
 * @param login the account's name at the provider when last seen (display only, never a key)
 */
public record Identity(
        String id,
        String userId,
        String kind,
        String issuer,
        String subject,
        String login,
        String email,
        Instant createdAt,
        Instant lastSeenAt) {}

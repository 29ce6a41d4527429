package dev.nightshift.server.auth;

/**
 * One configured OpenID provider, as {@code NIGHTSHIFT_OIDC_PROVIDERS} and
 * {@code NIGHTSHIFT_OIDC_CLIENT_SECRETS} name it. The configuration parses it; the sign-in routes
 * use it, so it lives with them.
 */
public record OidcProviderSetting(String name, java.net.URI issuer, String clientId, String clientSecret) {}

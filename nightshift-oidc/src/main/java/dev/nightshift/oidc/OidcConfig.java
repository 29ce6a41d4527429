package dev.nightshift.oidc;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One OpenID provider as the operator configures it (Keycloak, Google, Microsoft Entra, Okta, Dex,
 * Authentik, …): everything else comes from the provider's discovery document.
 *
 * @param name a short slug naming the provider in URLs and the audit log ({@code keycloak}, {@code google})
 * @param issuer the issuer URL, exactly as the provider writes it in its discovery document and ID
 *     tokens (a trailing slash counts). {@code https}, or {@code http} to a loopback address only:
 *     over plain HTTP anyone on the path could serve their own keys
 * @param clientId the client ID registered at the provider; ID tokens must be addressed to it
 * @param clientSecret the client's secret, sent to the token endpoint only
 * @param scopes the scopes asked for; {@code openid} is added when missing
 * @param groupsClaim the ID token claim holding the person's groups (a string or an array of strings)
 * @param clockSkew how far the provider's clock may be off when checking {@code exp} and {@code iat}
 * @param httpTimeout the connect and the read timeout of every call to the provider (discovery,
 *     key set, token endpoint), so a provider that hangs cannot hold a request thread for long
 */
public record OidcConfig(
        String name,
        URI issuer,
        String clientId,
        String clientSecret,
        List<String> scopes,
        String groupsClaim,
        Duration clockSkew,
        Duration httpTimeout) {

    public static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");
    public static final String DEFAULT_GROUPS_CLAIM = "groups";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public OidcConfig {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "an OpenID provider's name is 1-32 lowercase letters, digits and dashes: " + name);
        }
        Objects.requireNonNull(issuer, "issuer");
        requireSafeIssuer(name, issuer);
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("OpenID provider " + name + " needs a client ID");
        }
        if (clientSecret == null || clientSecret.isEmpty()) {
            throw new IllegalArgumentException("OpenID provider " + name + " needs a client secret");
        }
        List<String> all = new ArrayList<>(scopes == null ? DEFAULT_SCOPES : scopes);
        if (!all.contains("openid")) {
            all.addFirst("openid");
        }
        scopes = List.copyOf(all);
        groupsClaim = groupsClaim == null || groupsClaim.isBlank() ? DEFAULT_GROUPS_CLAIM : groupsClaim;
        clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
        httpTimeout = httpTimeout == null ? DEFAULT_HTTP_TIMEOUT : httpTimeout;
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(
                    "OpenID provider " + name + ": the clock skew must be between 0 and 10 minutes");
        }
        if (httpTimeout.isNegative() || httpTimeout.isZero()) {
            throw new IllegalArgumentException("OpenID provider " + name + ": the HTTP timeout must be positive");
        }
    }

    /** With the default scopes, groups claim, clock skew and timeout. */
    public static OidcConfig of(String name, URI issuer, String clientId, String clientSecret) {
        return new OidcConfig(name, issuer, clientId, clientSecret, null, null, null, null);
    }

    public OidcConfig withGroupsClaim(String claim) {
        return new OidcConfig(name, issuer, clientId, clientSecret, scopes, claim, clockSkew, httpTimeout);
    }

    public OidcConfig withHttpTimeout(Duration timeout) {
        return new OidcConfig(name, issuer, clientId, clientSecret, scopes, groupsClaim, clockSkew, timeout);
    }

    /** Without the secret. */
    @Override
    public String toString() {
        return "OidcConfig[name=" + name + ", issuer=" + issuer + ", clientId=" + clientId + ", scopes=" + scopes
                + ", groupsClaim=" + groupsClaim + ", clockSkew=" + clockSkew + ", httpTimeout=" + httpTimeout + "]";
    }

    private static void requireSafeIssuer(String name, URI issuer) {
        String scheme = issuer.getScheme();
        if (issuer.getHost() == null || issuer.getQuery() != null || issuer.getFragment() != null) {
            throw new IllegalArgumentException("OpenID provider " + name
                    + ": the issuer must be a URL with a host and no query or fragment: " + issuer);
        }
        if ("https".equals(scheme)) {
            return;
        }
        if ("http".equals(scheme) && isLoopback(issuer.getHost())) {
            return;
        }
        throw new IllegalArgumentException(
                "OpenID provider " + name + ": the issuer must be an https URL (http only on loopback): " + issuer);
    }

    /** Literal loopback addresses and {@code localhost} only; no name lookup of other hosts. */
    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

package dev.nightshift.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.nightshift.oidc.OidcException.Reason;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One configured OpenID provider: discovery, the authorization request, the code exchange and the
 * ID token checks, all done by Nimbus {@code oauth2-oidc-sdk}; this class only chooses the strict
 * settings and turns failures into {@link OidcException}s. The caller (the server's sign-in routes)
 * keeps {@code state}, {@code nonce} and the PKCE verifier server-side, uses each {@code state} once,
 * and finds the user by {@link OidcIdentity#issuer()} + {@link OidcIdentity#subject()} only.
 *
 * <p>Why both PKCE and a nonce although Nightshift is a confidential client with a secret: PKCE binds
 * the code to the browser session that started the sign-in, so a code stolen from a redirect (a
 * referrer, a log, a hostile browser extension) or injected into another person's callback is
 * useless without the verifier only the server holds; the nonce binds the ID token to that same
 * sign-in, so a token issued for an earlier or another sign-in cannot be replayed into this one.
 * Neither depends on the client secret staying secret.
 *
 * <p>Threads: immutable after {@link #discover}, safe to share. Every method blocks its caller on
 * the network (discovery, the token endpoint, and the key set when its cache is cold or a token
 * names an unknown key), each call bounded by {@link OidcConfig#httpTimeout()}: call them from a
 * request thread (a virtual thread), never from an event loop.
 */
public final class OidcProvider {

    /** Refetch the key set at most this often when tokens name unknown keys, so forged {@code kid}s cannot make us hammer the provider. */
    private static final long KEY_REFRESH_MIN_INTERVAL_MS = 30_000;
    /** A key set larger than this is refused (a hostile or broken provider cannot fill our memory). */
    private static final int KEY_SET_SIZE_LIMIT = 512 * 1024;

    private static final int ERROR_CODE_MAX = 64;

    private final OidcConfig config;
    private final OIDCProviderMetadata metadata;
    private final Issuer issuer;
    private final ClientID clientId;
    private final Secret clientSecret;
    private final ClientAuthenticationMethod authMethod;
    private final IDTokenValidator validator;

    private OidcProvider(OidcConfig config, OIDCProviderMetadata metadata, JWKSource<SecurityContext> keys)
            throws OidcException {
        this.config = config;
        this.metadata = metadata;
        this.issuer = new Issuer(config.issuer().toString());
        this.clientId = new ClientID(config.clientId());
        this.clientSecret = new Secret(config.clientSecret());
        this.authMethod = clientAuthentication(config, metadata);
        if (metadata.getAuthorizationEndpointURI() == null || metadata.getTokenEndpointURI() == null) {
            throw new OidcException(
                    Reason.DISCOVERY_FAILED,
                    "OpenID provider " + config.name()
                            + " does not name an authorization and a token endpoint in its discovery document");
        }
        // Only the asymmetric algorithms the provider lists: a token whose header says "none" or
        // HS256 is refused before any key is looked at (an HMAC "signed" with the public key or the
        // client secret is the classic forgery).
        var keySelector = new JWSVerificationKeySelector<>(acceptedAlgorithms(config, metadata), keys);
        // No JWE key selector: encrypted ID tokens are refused; plain (unsigned) ones are refused
        // because a JWS key selector is set.
        this.validator = new IDTokenValidator(issuer, clientId, keySelector, null);
        this.validator.setMaxClockSkew((int) config.clockSkew().toSeconds());
    }

    /**
     * Reads {@code {issuer}/.well-known/openid-configuration} and prepares ID token validation
     * against the provider's key set (fetched on first use, cached, refetched when a token names a
     * key not in the cache, as after a key rotation). The document's {@code issuer} must equal the
     * configured one exactly: otherwise a document could redirect the checks to another issuer's
     * tokens.
     *
     * @throws OidcException {@link Reason#DISCOVERY_FAILED} when the document cannot be fetched or
     *     read, names another issuer, or offers nothing Nightshift accepts
     */
    public static OidcProvider discover(OidcConfig config) throws OidcException {
        Objects.requireNonNull(config, "config");
        OIDCProviderMetadata metadata = fetchMetadata(config);
        URI jwksUri = metadata.getJWKSetURI();
        if (jwksUri == null) {
            throw new OidcException(
                    Reason.DISCOVERY_FAILED,
                    "OpenID provider " + config.name()
                            + " does not name its key set (jwks_uri) in its discovery document");
        }
        int timeout = timeoutMillis(config);
        var retriever = new DefaultResourceRetriever(timeout, timeout, KEY_SET_SIZE_LIMIT);
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(toUrl(config, jwksUri), retriever)
                .rateLimited(KEY_REFRESH_MIN_INTERVAL_MS)
                .build();
        return new OidcProvider(config, metadata, keys);
    }

    /** A provider over metadata and keys given directly, for tests that sign their own tokens. */
    static OidcProvider of(OidcConfig config, OIDCProviderMetadata metadata, JWKSource<SecurityContext> keys)
            throws OidcException {
        return new OidcProvider(config, metadata, keys);
    }

    /** The configured name ({@code keycloak}, {@code google}, …). */
    public String name() {
        return config.name();
    }

    /** The issuer, as configured and as the discovery document confirmed it. */
    public URI issuer() {
        return config.issuer();
    }

    public OidcConfig config() {
        return config;
    }

    /**
     * Starts a sign-in: the authorization code flow with a fresh {@code state}, {@code nonce} and
     * PKCE verifier (S256 challenge), each 256 random bits. Sends the browser to
     * {@link OidcAuthorizationRequest#url()}; keeps the rest on the server.
     *
     * @param redirectUri the server's callback, registered at the provider; the same must go to {@link #complete}
     */
    public OidcAuthorizationRequest start(URI redirectUri) {
        Objects.requireNonNull(redirectUri, "redirectUri");
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest request = new AuthenticationRequest.Builder(
                        ResponseType.CODE, new Scope(config.scopes().toArray(String[]::new)), clientId, redirectUri)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build();
        return new OidcAuthorizationRequest(request.toURI(), state.getValue(), nonce.getValue(), verifier.getValue());
    }

    /**
     * Finishes a sign-in: exchanges the {@code code} from the provider's redirect (authenticating
     * with the client secret the way the discovery document allows, basic preferred), then validates
     * the ID token ({@link #validate}). The caller has already checked and consumed {@code state}.
     *
     * @param redirectUri the one given to {@link #start}
     * @param codeVerifier {@link OidcAuthorizationRequest#codeVerifier()} of this sign-in
     * @param expectedNonce {@link OidcAuthorizationRequest#nonce()} of this sign-in
     * @throws OidcException {@link Reason#PROVIDER_REFUSED} when the provider refuses the code,
     *     {@link Reason#PROVIDER_UNREACHABLE} when it cannot be reached in time,
     *     {@link Reason#INVALID_ID_TOKEN} when the ID token fails a check
     */
    public OidcIdentity complete(String code, URI redirectUri, String codeVerifier, String expectedNonce)
            throws OidcException {
        Objects.requireNonNull(redirectUri, "redirectUri");
        if (code == null || code.isBlank()) {
            throw new OidcException(
                    Reason.PROVIDER_REFUSED, "The sign-in provider sent no code: start signing in again.");
        }
        CodeVerifier verifier;
        try {
            verifier = new CodeVerifier(Objects.requireNonNull(codeVerifier, "codeVerifier"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PKCE verifier made by start()", e);
        }
        var grant = new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, verifier);
        ClientAuthentication auth = ClientAuthenticationMethod.CLIENT_SECRET_POST.equals(authMethod)
                ? new ClientSecretPost(clientId, clientSecret)
                : new ClientSecretBasic(clientId, clientSecret);
        HTTPRequest http = new TokenRequest.Builder(metadata.getTokenEndpointURI(), auth, grant)
                .build()
                .toHTTPRequest();
        bound(http);
        // The code and the secret go to the token endpoint only, never to wherever it redirects.
        http.setFollowRedirects(false);
        TokenResponse response;
        try {
            response = OIDCTokenResponseParser.parse(http.send());
        } catch (IOException e) {
            throw new OidcException(
                    Reason.PROVIDER_UNREACHABLE,
                    "Could not reach the sign-in provider " + config.name() + ": try again in a moment.",
                    e);
        } catch (ParseException e) {
            throw new OidcException(
                    Reason.PROVIDER_UNREACHABLE,
                    "The sign-in provider " + config.name()
                            + " answered with something unreadable: try again, or ask an administrator.",
                    e);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            String errorCode = safeErrorCode(error);
            throw new OidcException(
                    Reason.PROVIDER_REFUSED,
                    "The sign-in provider " + config.name() + " refused the sign-in (" + errorCode
                            + "): start signing in again.",
                    new IOException("token endpoint: HTTP " + error.getHTTPStatusCode() + " " + errorCode
                            + (error.getDescription() == null ? "" : ": " + error.getDescription())));
        }
        JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse())
                .getOIDCTokens()
                .getIDToken();
        if (idToken == null) {
            throw new OidcException(
                    Reason.INVALID_ID_TOKEN,
                    "The sign-in provider " + config.name()
                            + " sent no ID token: ask an administrator to check that the openid scope is allowed.");
        }
        return validate(idToken, expectedNonce);
    }

    /**
     * The ID token checks, which {@link #complete} runs on the token from the token endpoint:
     * <ul>
     *   <li>signature, by a key from the provider's key set, with an asymmetric algorithm the
     *       provider lists ({@code none}, HMAC and encrypted tokens are refused): stops forged tokens;</li>
     *   <li>{@code iss} equals the configured issuer: stops tokens from another provider, or from
     *       another tenant of a shared one;</li>
     *   <li>{@code aud} contains the client ID, and with several audiences {@code azp} is the client
     *       ID: stops a token issued to another application (which might be hostile) being replayed here;</li>
     *   <li>{@code exp} not passed and {@code iat} not in the future, give or take the clock skew:
     *       stops old tokens;</li>
     *   <li>{@code nonce} equals this sign-in's: stops a token from another sign-in being injected.</li>
     * </ul>
     */
    OidcIdentity validate(String idToken, String expectedNonce) throws OidcException {
        JWT jwt;
        try {
            jwt = JWTParser.parse(Objects.requireNonNull(idToken, "idToken"));
        } catch (java.text.ParseException e) {
            throw invalid(e);
        }
        return validate(jwt, expectedNonce);
    }

    private OidcIdentity validate(JWT idToken, String expectedNonce) throws OidcException {
        if (expectedNonce == null || expectedNonce.isBlank()) {
            throw new IllegalArgumentException("the sign-in's nonce is required");
        }
        IDTokenClaimsSet claims;
        try {
            claims = validator.validate(idToken, new Nonce(expectedNonce));
        } catch (KeySourceException e) {
            throw new OidcException(
                    Reason.PROVIDER_UNREACHABLE,
                    "Could not fetch the signing keys of the sign-in provider " + config.name()
                            + ": try again in a moment.",
                    e);
        } catch (BadJOSEException | JOSEException e) {
            throw invalid(e);
        }
        List<Audience> audience = claims.getAudience();
        if (audience.size() > 1
                && (claims.getAuthorizedParty() == null
                        || !clientId.getValue()
                                .equals(claims.getAuthorizedParty().getValue()))) {
            throw invalid(new BadJOSEException("ID token with several audiences and no azp naming this client"));
        }
        return identity(claims);
    }

    private OidcIdentity identity(IDTokenClaimsSet claims) throws OidcException {
        JWTClaimsSet set;
        try {
            set = claims.toJWTClaimsSet();
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw invalid(e);
        }
        return new OidcIdentity(
                claims.getIssuer().getValue(),
                claims.getSubject().getValue(),
                string(set.getClaim("email")),
                isTrue(set.getClaim("email_verified")),
                string(set.getClaim("name")),
                string(set.getClaim("preferred_username")),
                groups(set.getClaim(config.groupsClaim())));
    }

    private OidcException invalid(Exception cause) {
        return new OidcException(
                Reason.INVALID_ID_TOKEN,
                "The sign-in provider " + config.name()
                        + "'s answer could not be verified, so the sign-in was refused: start signing in again.",
                cause);
    }

    private static String string(Object claim) {
        return claim instanceof String s && !s.isBlank() ? s : null;
    }

    /** {@code true}, or the string {@code "true"} that some providers send. */
    private static boolean isTrue(Object claim) {
        return Boolean.TRUE.equals(claim) || (claim instanceof String s && s.equalsIgnoreCase("true"));
    }

    private static List<String> groups(Object claim) {
        if (claim instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s);
        }
        if (claim instanceof List<?> list) {
            List<String> groups = new ArrayList<>();
            for (Object item : list) {
                if (item instanceof String s && !s.isBlank()) {
                    groups.add(s);
                }
            }
            return groups;
        }
        return List.of();
    }

    private static OIDCProviderMetadata fetchMetadata(OidcConfig config) throws OidcException {
        Issuer expected = new Issuer(config.issuer().toString());
        HTTPRequest http;
        try {
            http = new HTTPRequest(HTTPRequest.Method.GET, OIDCProviderMetadata.resolveURL(expected));
        } catch (com.nimbusds.oauth2.sdk.GeneralException e) {
            throw new OidcException(
                    Reason.DISCOVERY_FAILED,
                    "OpenID provider " + config.name() + ": the issuer URL is not usable: " + config.issuer(),
                    e);
        }
        bound(http, config);
        http.setFollowRedirects(false);
        HTTPResponse response;
        try {
            response = http.send();
        } catch (IOException e) {
            throw new OidcException(
                    Reason.DISCOVERY_FAILED,
                    "Could not read the discovery document of OpenID provider " + config.name() + " at "
                            + config.issuer() + ": check the issuer URL and that the provider is reachable.",
                    e);
        }
        if (response.getStatusCode() != HTTPResponse.SC_OK) {
            throw new OidcException(
                    Reason.DISCOVERY_FAILED,
                    "OpenID provider " + config.name() + " answered HTTP " + response.getStatusCode()
                            + " for its discovery document: check the issuer URL " + config.issuer() + ".");
        }
        OIDCProviderMetadata metadata;
        try {
            metadata = OIDCProviderMetadata.parse(response.getBody());
        } catch (ParseException e) {
            throw new OidcException(
                    Reason.DISCOVERY_FAILED,
                    "The discovery document of OpenID provider " + config.name()
                            + " is not a valid OpenID provider configuration.",
                    e);
        }
        if (!expected.equals(metadata.getIssuer())) {
            throw new OidcException(
                    Reason.DISCOVERY_FAILED,
                    "The discovery document of OpenID provider " + config.name()
                            + " names the issuer " + metadata.getIssuer() + ", not the configured " + config.issuer()
                            + ": configure the issuer exactly as the provider writes it.");
        }
        return metadata;
    }

    /** The provider's asymmetric ID token algorithms; RS256 (the one every provider must support) when it lists none. */
    private static Set<JWSAlgorithm> acceptedAlgorithms(OidcConfig config, OIDCProviderMetadata metadata)
            throws OidcException {
        List<JWSAlgorithm> listed = metadata.getIDTokenJWSAlgs();
        if (listed == null || listed.isEmpty()) {
            return Set.of(JWSAlgorithm.RS256);
        }
        Set<JWSAlgorithm> accepted = new LinkedHashSet<>();
        for (JWSAlgorithm algorithm : listed) {
            if (JWSAlgorithm.Family.SIGNATURE.contains(algorithm)) {
                accepted.add(algorithm);
            }
        }
        if (accepted.isEmpty()) {
            throw new OidcException(
                    Reason.DISCOVERY_FAILED,
                    "OpenID provider " + config.name() + " signs ID tokens only with " + listed
                            + "; Nightshift accepts RSA, EC and EdDSA signatures.");
        }
        return Set.copyOf(accepted);
    }

    /** {@code client_secret_basic} unless the provider lists only {@code client_secret_post} of the two. */
    private static ClientAuthenticationMethod clientAuthentication(OidcConfig config, OIDCProviderMetadata metadata)
            throws OidcException {
        List<ClientAuthenticationMethod> methods = metadata.getTokenEndpointAuthMethods();
        if (methods == null || methods.isEmpty() || methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)) {
            return ClientAuthenticationMethod.CLIENT_SECRET_BASIC;
        }
        if (methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            return ClientAuthenticationMethod.CLIENT_SECRET_POST;
        }
        throw new OidcException(
                Reason.DISCOVERY_FAILED,
                "OpenID provider " + config.name() + " accepts no client secret at its token endpoint (it offers "
                        + methods + ").");
    }

    private void bound(HTTPRequest http) {
        bound(http, config);
    }

    private static void bound(HTTPRequest http, OidcConfig config) {
        int timeout = timeoutMillis(config);
        http.setConnectTimeout(timeout);
        http.setReadTimeout(timeout);
    }

    private static int timeoutMillis(OidcConfig config) {
        return (int) Math.min(Integer.MAX_VALUE, config.httpTimeout().toMillis());
    }

    private static URL toUrl(OidcConfig config, URI uri) throws OidcException {
        try {
            return uri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new OidcException(
                    Reason.DISCOVERY_FAILED,
                    "OpenID provider " + config.name() + " names a key set URL that is not usable.",
                    e);
        }
    }

    /** The OAuth error code if it looks like one ({@code invalid_grant}); the provider's free text stays out of user messages. */
    private static String safeErrorCode(ErrorObject error) {
        String code = error == null ? null : error.getCode();
        if (code == null || code.length() > ERROR_CODE_MAX || !code.matches("[A-Za-z0-9_.-]+")) {
            return "error";
        }
        return code;
    }
}

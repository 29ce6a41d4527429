package dev.nightshift.oidc;

import java.net.URI;
import java.util.Objects;

/**
 * The start of one sign-in: where to send the browser, and the three secrets the server keeps until
 * the provider redirects back. All three stay on the server (keyed by {@link #state}, used once):
 * the browser only ever carries {@code state} and, in the URL, the code challenge and the nonce.
 *
 * @param url the provider's authorization endpoint with the request in its query
 * @param state ties the callback to this sign-in (against login CSRF); compare, then delete
 * @param nonce must come back inside the ID token: {@link OidcProvider#complete}'s {@code expectedNonce}
 * @param codeVerifier the PKCE secret whose S256 hash went out as the challenge: {@link OidcProvider#complete}'s {@code codeVerifier}
 */
public record OidcAuthorizationRequest(URI url, String state, String nonce, String codeVerifier) {

    public OidcAuthorizationRequest {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(codeVerifier, "codeVerifier");
    }

    /** Without the verifier, so that logging the request does not hand out the secret. */
    @Override
    public String toString() {
        return "OidcAuthorizationRequest[url=" + url + "]";
    }
}

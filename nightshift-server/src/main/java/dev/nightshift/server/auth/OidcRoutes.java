package dev.nightshift.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.Secrets;
import dev.nightshift.core.port.Store;
import dev.nightshift.oidc.OidcAuthorizationRequest;
import dev.nightshift.oidc.OidcConfig;
import dev.nightshift.oidc.OidcException;
import dev.nightshift.oidc.OidcIdentity;
import dev.nightshift.oidc.OidcProvider;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing in with OpenID Connect providers (Keycloak, Google, Microsoft Entra, Okta, Dex,
 * Authentik…), several at once, each under {@code /auth/oidc/{name}/}: the authorization code flow
 * with PKCE and a nonce, a single-use server-stored {@code state} (hashed; the nonce and verifier
 * ride in its payload), the ID token validated by {@code nightshift-oidc}, then {@link SignIn}.
 * A provider's discovery document is read on first use and kept, so a provider that is down at
 * start does not stop the server. Also {@code GET /auth/providers}, which the sign-in screen reads.
 */
public final class OidcRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(OidcRoutes.class);
    static final String STATE_PURPOSE = "oidc";
    static final Duration STATE_TTL = Duration.ofMinutes(10);

    private final Store store;
    private final SignIn signIn;
    private final Map<String, OidcProviderSetting> settings = new LinkedHashMap<>();
    private final String groupsClaim;
    private final boolean gitHub;
    private final Supplier<String> publicUrl;
    private final Clock clock;
    private final Map<String, OidcProvider> discovered = new ConcurrentHashMap<>();

    /** @param gitHub whether GitHub sign-in is configured too (listed by {@code /auth/providers}) */
    public OidcRoutes(
            Store store,
            SignIn signIn,
            List<OidcProviderSetting> providers,
            String groupsClaim,
            boolean gitHub,
            Supplier<String> publicUrl,
            Clock clock) {
        this.store = store;
        this.signIn = signIn;
        providers.forEach(p -> settings.put(p.name(), p));
        this.groupsClaim = groupsClaim;
        this.gitHub = gitHub;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.get("/auth/providers", this::providers);
        routes.get("/auth/oidc/{provider}/login", this::login);
        routes.get("/auth/oidc/{provider}/callback", this::callback);
    }

    /** The sign-in path of {@code github} or {@code oidc:<name>}, or null when it is not configured here. */
    public String loginPath(String provider) {
        if (provider.equals("github")) {
            return gitHub ? "/auth/github/login" : null;
        }
        if (provider.startsWith("oidc:") && settings.containsKey(provider.substring(5))) {
            return "/auth/oidc/" + provider.substring(5) + "/login";
        }
        return null;
    }

    private void providers(Context ctx) {
        List<Map<String, String>> oidc = new ArrayList<>();
        settings.keySet().forEach(name -> oidc.add(Map.of("name", name, "loginUrl", "/auth/oidc/" + name + "/login")));
        Json.respond(ctx, 200, Map.of("github", gitHub, "oidc", oidc));
    }

    private OidcProvider provider(String name) {
        OidcProviderSetting setting = settings.get(name);
        if (setting == null) {
            throw ApiException.notFound(
                    "no sign-in provider '" + name + "' is configured here; see GET /auth/providers");
        }
        OidcProvider known = discovered.get(name);
        if (known != null) {
            return known;
        }
        try {
            OidcProvider provider = OidcProvider.discover(
                    OidcConfig.of(name, setting.issuer(), setting.clientId(), setting.clientSecret())
                            .withGroupsClaim(groupsClaim));
            discovered.put(name, provider);
            return provider;
        } catch (OidcException e) {
            LOG.warn("OpenID provider {} ({}): {}", name, setting.issuer(), e.detail());
            throw new ApiException(
                    502,
                    "provider_unavailable",
                    "the sign-in provider " + name + " cannot be used right now: " + e.getMessage()
                            + " If this persists, tell an administrator.");
        }
    }

    private URI redirect(String name) {
        return URI.create(publicUrl.get() + "/auth/oidc/" + name + "/callback");
    }

    private void login(Context ctx) {
        String name = ctx.pathParam("provider");
        OidcProvider provider = provider(name);
        String linkUser = IdentityLinks.consume(store, ctx.queryParam("link"), "oidc:" + name, clock);
        OidcAuthorizationRequest request = provider.start(redirect(name));
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("provider", name);
        payload.put("nonce", request.nonce());
        payload.put("verifier", request.codeVerifier());
        if (linkUser != null) {
            payload.put("link", linkUser);
        }
        String uiState = SignInPage.uiState(ctx);
        if (!uiState.isEmpty()) {
            payload.put("ui", uiState);
        }
        store.oneTimeValues()
                .save(
                        STATE_PURPOSE,
                        Secrets.hash(request.state()),
                        Json.write(payload),
                        clock.instant().plus(STATE_TTL));
        ctx.header("Cache-Control", "no-store");
        ctx.redirect(request.url().toString());
    }

    private void callback(Context ctx) {
        String name = ctx.pathParam("provider");
        OidcProvider provider = provider(name);
        String target = provider.issuer().toString();
        String restart = "; start again at /auth/oidc/" + name + "/login";
        if (ctx.queryParam("error") != null) {
            refused(target, "provider answered " + limit(ctx.queryParam("error")));
            throw ApiException.unauthorized(
                    "the sign-in provider did not sign you in (" + limit(ctx.queryParam("error")) + ")" + restart);
        }
        String state = ctx.queryParam("state");
        String code = ctx.queryParam("code");
        if (state == null || code == null) {
            throw ApiException.badRequest("the sign-in callback needs 'code' and 'state'" + restart);
        }
        // consumed before anything else: a replayed or forged callback finds nothing
        String saved = store.oneTimeValues()
                .consume(STATE_PURPOSE, Secrets.hash(state), clock.instant())
                .orElse(null);
        JsonNode payload = saved == null ? null : Json.tree(saved);
        if (payload == null || !name.equals(payload.path("provider").asText())) {
            refused(target, "unknown, used, expired or foreign state");
            throw ApiException.unauthorized("this sign-in link is unknown, was already used or expired" + restart);
        }
        OidcIdentity identity;
        try {
            identity = provider.complete(
                    code,
                    redirect(name),
                    payload.path("verifier").asText(),
                    payload.path("nonce").asText());
        } catch (OidcException e) {
            refused(target, e.reason() + ": " + e.detail());
            LOG.info("OpenID sign-in with {} refused: {} ({})", name, e.getMessage(), e.detail());
            int status = e.reason() == OidcException.Reason.PROVIDER_UNREACHABLE ? 502 : 401;
            SignInPage.refused(ctx, new ApiException(status, "signin_refused", e.getMessage()));
            return;
        }
        List<String> verified =
                identity.emailVerified() && identity.email() != null ? List.of(identity.email()) : List.of();
        SignIn.Account account = new SignIn.Account(
                "oidc",
                identity.issuer(),
                identity.subject(),
                identity.preferredUsername(),
                identity.name(),
                verified.isEmpty() ? null : identity.email(),
                verified,
                Set.of(),
                Set.copyOf(identity.groups()));
        SignInPage.complete(ctx, signIn, account, payload, "oidc:" + name);
    }

    /** Every refused OpenID sign-in is audited with its reason, before the person is told. */
    private void refused(String issuer, String reason) {
        store.audit().record(null, null, "signin.oidc", issuer, "refused", reason, clock.instant());
    }

    private static String limit(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9_ .-]", "");
        return clean.length() > 100 ? clean.substring(0, 100) : clean;
    }
}

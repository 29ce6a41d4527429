package dev.nightshift.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.server.testing.WsTestClient;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identity and access for a team, against real servers: Nightshift on a free port, the GitHub fake,
 * and a real OpenID provider ({@code mock-oauth2-server}) on loopback. Sign-in finds people by the
 * provider's immutable subject only, admission decides who gets in, tokens carry scopes, and
 * withdrawing access closes what it opened.
 */
class TeamAccessTest {
    static final String ISSUER_ID = "corp";
    static GitHubFake github;
    static MockOAuth2Server oidc;
    static TestServer server;
    static final HttpClient BROWSER =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() {
        github = GitHubFake.start();
        github.oauthClient("client-1", "client-secret-1");
        oidc = new MockOAuth2Server();
        oidc.start(InetAddress.getLoopbackAddress(), 0);
        server = TestServer.start(
                Map.of(
                        "NIGHTSHIFT_GITHUB_API_URL", github.apiUrl().toString(),
                        "NIGHTSHIFT_GITHUB_WEB_URL", github.webUrl().toString(),
                        "NIGHTSHIFT_GITHUB_CLIENT_ID", "client-1",
                        "NIGHTSHIFT_GITHUB_CLIENT_SECRET", "client-secret-1",
                        "NIGHTSHIFT_OIDC_PROVIDERS", "corp " + oidc.issuerUrl(ISSUER_ID) + " nightshift",
                        "NIGHTSHIFT_OIDC_CLIENT_SECRETS", "corp=oidc-secret",
                        "NIGHTSHIFT_ADMIT_GITHUB_ORGS", "acme",
                        "NIGHTSHIFT_ADMIT_GROUPS", "engineering",
                        "NIGHTSHIFT_ADMISSION_CONTACT", "the platform team (#nightshift)",
                        "NIGHTSHIFT_RATE_LIMIT_SIGN_IN_PER_ADDRESS", "1000"),
                p -> p.executor = turn -> {});
    }

    @AfterAll
    static void stop() {
        server.close();
        oidc.shutdown();
        github.close();
    }

    // -- helpers: a browser going through the sign-in flows -------------------------------------

    static HttpResponse<String> get(String url, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return BROWSER.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** GitHub sign-in as {@code login}, through the server's login route; the callback's answer. */
    static HttpResponse<String> gitHubSignIn(String login, String loginPath, String accept) throws Exception {
        HttpResponse<String> start = get(server.url() + loginPath, null);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
        Map<String, String> q = query(authorize);
        String code = github.authorize(login, URI.create(q.get("redirect_uri")));
        return get(server.url() + "/auth/github/callback?code=" + code + "&state=" + q.get("state"), accept);
    }

    /** An OpenID sign-in: the server's login route, the provider's authorize endpoint, back to the callback URL. */
    static URI oidcCallback(String subject, Map<String, Object> claims, String loginPath) throws Exception {
        oidc.enqueueCallback(
                new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of("nightshift"), claims, 3600));
        HttpResponse<String> start = get(server.url() + loginPath, null);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        HttpResponse<String> atProvider =
                get(start.headers().firstValue("Location").orElseThrow(), null);
        assertThat(atProvider.statusCode()).isEqualTo(302);
        URI back = URI.create(atProvider.headers().firstValue("Location").orElseThrow());
        assertThat(back.toString()).startsWith(server.url() + "/auth/oidc/corp/callback");
        return back;
    }

    static ApiClient tokenOf(HttpResponse<String> json) throws Exception {
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        return server.client(ApiClient.JSON.readTree(json.body()).path("token").asText());
    }

    static ApiClient newUser(String login) {
        ApiClient.Response r = server.admin.post("/api/users", Map.of("login", login));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return server.client(r.body().path("token").path("token").asText());
    }

    /**
     * How long a client may take to read a close the server already sent during the request (the
     * audit entry proves it was sent then); generous, because a loaded CI machine delays delivery,
     * not the close.
     */
    static final long CLIENT_SEES = 10;

    static String lastAudit(String action) {
        return server.admin
                .get("/api/audit?action=" + action)
                .body()
                .path("entries")
                .get(0)
                .path("detail")
                .asText();
    }

    static List<String> logins() {
        return server.admin.get("/api/users").body().path("users").findValuesAsText("login");
    }

    // -- sign-in by identity, admission ---------------------------------------------------------

    @Test
    void aGitHubAccountNamedAdminIsRefusedUntilAdmittedThenASeparateUser() throws Exception {
        github.addUser(666, "admin", "Not The Admin", null);
        int before = logins().size();

        HttpResponse<String> refused = gitHubSignIn("admin", "/auth/github/login", null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(refused.body()).contains("You are not admitted", "ask the platform team (#nightshift)");
        assertThat(logins()).hasSize(before); // nothing stored
        JsonNode audit =
                server.admin.get("/api/audit?action=signin.github").body().path("entries");
        assertThat(audit.get(0).path("outcome").asText()).isEqualTo("refused");
        assertThat(audit.get(0).path("detail").asText()).contains("admin", "666", "not in the admitted");

        github.addMembership("admin", "acme", null);
        ApiClient impostor = tokenOf(gitHubSignIn("admin", "/auth/github/login", "application/json"));
        JsonNode me = impostor.get("/api/me").body().path("user");
        assertThat(me.path("login").asText()).isEqualTo("admin-2");
        assertThat(me.path("admin").asBoolean()).isFalse();
        assertThat(impostor.get("/api/users").status()).isEqualTo(403);
        assertThat(impostor.get("/api/audit").status()).isEqualTo(403);
        assertThat(server.admin.get("/api/me").body().path("user").path("admin").asBoolean())
                .isTrue();

        // the next sign-in of the same account, even renamed at GitHub, is the same user
        ApiClient again = tokenOf(gitHubSignIn("admin", "/auth/github/login", "application/json"));
        assertThat(again.get("/api/me").body().path("user").path("id").asText())
                .isEqualTo(me.path("id").asText());
    }

    @Test
    void leavingTheOrganisationEndsAccessAtTheNextTokenRefresh() throws Exception {
        github.addUser(8080, "leaver", "Leaves Soon", null);
        github.addMembership("leaver", "acme", null);
        ApiClient leaver = tokenOf(gitHubSignIn("leaver", "/auth/github/login", "application/json"));
        JsonNode identity =
                leaver.get("/api/me/identities").body().path("identities").get(0);
        String userId = leaver.get("/api/me").body().path("user").path("id").asText();
        // still a member: a refresh keeps them in
        assertThat(server.server
                        .gitCredentials()
                        .refreshNow(userId, identity.path("issuer").asText()))
                .isPresent();
        assertThat(leaver.get("/api/me").status()).isEqualTo(200);

        github.removeMemberships("leaver", "acme");
        assertThat(server.server
                        .gitCredentials()
                        .refreshNow(userId, identity.path("issuer").asText()))
                .isEmpty();
        assertThat(leaver.get("/api/me").status()).isEqualTo(401);
        assertThat(server.admin
                        .get("/api/audit?action=signin.github&actor="
                                + leaver.get("/api/me")
                                        .body()
                                        .path("user")
                                        .path("login")
                                        .asText("leaver"))
                        .body()
                        .path("entries")
                        .get(0)
                        .path("detail")
                        .asText())
                .contains("at token refresh");
    }

    @Test
    void openIdSignInWorksEndToEndAndAForgedOrReplayedStateIsRefused() throws Exception {
        URI back = oidcCallback(
                "user-4711",
                Map.of(
                        "preferred_username",
                        "grace",
                        "email",
                        "grace@corp.example",
                        "email_verified",
                        true,
                        "name",
                        "Grace Hopper",
                        "groups",
                        List.of("engineering")),
                "/auth/oidc/corp/login");
        HttpResponse<String> browser = get(back.toString(), null);
        assertThat(browser.statusCode()).isEqualTo(302);
        String location = browser.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/#token=");
        ApiClient grace = server.client(location.substring("/#token=".length()));
        JsonNode me = grace.get("/api/me").body();
        assertThat(me.path("user").path("login").asText()).isEqualTo("grace");
        assertThat(me.path("user").path("email").asText()).isEqualTo("grace@corp.example");
        assertThat(me.path("tokenExpiresAt").asText()).isNotEmpty(); // sign-in tokens expire
        JsonNode identities = grace.get("/api/me/identities").body().path("identities");
        assertThat(identities.get(0).path("kind").asText()).isEqualTo("oidc");
        assertThat(identities.get(0).path("subject").asText()).isEqualTo("user-4711");

        // the same callback again: the state was single-use
        HttpResponse<String> replay = get(back.toString(), "application/json");
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("already used");
        HttpResponse<String> forged =
                get(server.url() + "/auth/oidc/corp/callback?code=x&state=forged", "application/json");
        assertThat(forged.statusCode()).isEqualTo(401);
        // a state made for another provider does not finish this one
        HttpResponse<String> unknown = get(server.url() + "/auth/oidc/other/login", "application/json");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(server.admin
                        .get("/api/audit?action=signin.oidc")
                        .body()
                        .path("entries")
                        .findValuesAsText("outcome"))
                .contains("ok", "refused");
    }

    @Test
    void anIdTokenForAnotherSignInIsRefusedAndAudited() throws Exception {
        int before = logins().size();
        oidc.enqueueCallback(new DefaultOAuth2TokenCallback(
                ISSUER_ID,
                "user-77",
                "JWT",
                List.of("nightshift"),
                Map.of("preferred_username", "eve", "groups", List.of("engineering")),
                3600));
        HttpResponse<String> start = get(server.url() + "/auth/oidc/corp/login", null);
        // an attacker swaps the nonce: the provider signs a genuine ID token, but for another sign-in
        String authorize = start.headers()
                .firstValue("Location")
                .orElseThrow()
                .replaceFirst("nonce=[^&]+", "nonce=attacker-nonce");
        HttpResponse<String> atProvider = get(authorize, null);
        URI back = URI.create(atProvider.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> refused = get(back.toString(), "application/json");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).doesNotContain("attacker-nonce").contains("signin_refused");
        assertThat(logins()).hasSize(before);
        JsonNode entry = server.admin
                .get("/api/audit?action=signin.oidc")
                .body()
                .path("entries")
                .get(0);
        assertThat(entry.path("outcome").asText()).isEqualTo("refused");
        assertThat(entry.path("detail").asText()).contains("INVALID_ID_TOKEN");
    }

    @Test
    void openIdSignInOutsideTheAdmittedGroupsIsRefusedWithAPage() throws Exception {
        int before = logins().size();
        URI back = oidcCallback(
                "user-9",
                Map.of("preferred_username", "mallory", "groups", List.of("contractors")),
                "/auth/oidc/corp/login");
        HttpResponse<String> page = get(back.toString(), null);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("You are not admitted", "mallory");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'none'");
        assertThat(logins()).hasSize(before);
    }

    @Test
    void twoPeopleWithTheSameLoginOnTwoProvidersNeverShareAnAccount() throws Exception {
        github.addUser(4242, "linus", "Linus (GitHub)", null);
        github.addMembership("linus", "acme", "platform");
        ApiClient fromGitHub = tokenOf(gitHubSignIn("linus", "/auth/github/login", "application/json"));
        URI back = oidcCallback(
                "sub-linus",
                Map.of("preferred_username", "linus", "groups", List.of("engineering")),
                "/auth/oidc/corp/login");
        ApiClient fromOidc = tokenOf(get(back.toString(), "application/json"));
        String a = fromGitHub.get("/api/me").body().path("user").path("id").asText();
        String b = fromOidc.get("/api/me").body().path("user").path("id").asText();
        assertThat(a).isNotEqualTo(b);
        assertThat(fromOidc.get("/api/me").body().path("user").path("login").asText())
                .isEqualTo("linus-2");
    }

    @Test
    void aSignedInPersonLinksAFurtherAccountWithASingleUseLink() throws Exception {
        ApiClient rosa = newUser("rosa");
        github.addUser(5151, "rosa-gh", "Rosa", null);
        ApiClient.Response link = rosa.post("/api/me/identities/link", Map.of("provider", "github"));
        assertThat(link.status()).as(link.raw()).isEqualTo(201);
        String url = link.text("url");
        assertThat(url).contains("/auth/github/login?link=");
        HttpResponse<String> linked =
                gitHubSignIn("rosa-gh", url.substring(server.url().length()), "application/json");
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
        assertThat(rosa.get("/api/me/identities").body().path("identities").findValuesAsText("subject"))
                .containsExactly("5151");
        // the link was single-use
        assertThat(get(url, "application/json").statusCode()).isEqualTo(401);
        // from now on that GitHub account signs in as rosa (admission still applies: rosa-gh is in no org)
        github.addMembership("rosa-gh", "acme", null);
        ApiClient again = tokenOf(gitHubSignIn("rosa-gh", "/auth/github/login", "application/json"));
        assertThat(again.get("/api/me").body().path("user").path("login").asText())
                .isEqualTo("rosa");
        assertThat(server.admin
                        .get("/api/audit?action=identity.link&actor=rosa")
                        .body()
                        .path("entries")
                        .size())
                .isGreaterThan(0);

        // an administrator sees, links and unlinks identities of others
        ApiClient.Response put = server.admin.put(
                "/api/users/rosa/identities",
                Map.of("kind", "oidc", "issuer", "https://sso.example.com", "subject", "r-1"));
        assertThat(put.status()).as(put.raw()).isEqualTo(201);
        assertThat(server.admin
                        .put(
                                "/api/users/admin/identities",
                                Map.of("kind", "oidc", "issuer", "https://sso.example.com", "subject", "r-1"))
                        .status())
                .isEqualTo(409);
        assertThat(rosa.put("/api/users/rosa/identities", Map.of("kind", "oidc", "issuer", "x", "subject", "y"))
                        .status())
                .isEqualTo(403);
        assertThat(server.admin
                        .delete("/api/users/rosa/identities/" + put.text("id"))
                        .status())
                .isEqualTo(204);
        assertThat(server.admin
                        .get("/api/users/rosa/identities")
                        .body()
                        .path("identities")
                        .size())
                .isEqualTo(1);
        assertThat(rosa.post("/api/me/identities/link", Map.of("provider", "gitlab"))
                        .status())
                .isEqualTo(400);
    }

    // -- scoped, expiring tokens ----------------------------------------------------------------

    @Test
    void aReadOnlyTokenListsSessionsAndIsRefusedAPromptNamingTheScope() {
        ApiClient owner = newUser("scoper");
        String session = owner.createSession("https://example.com/acme/app.git");
        ApiClient.Response made = owner.post(
                "/api/tokens", Map.of("name", "dashboard", "scopes", List.of("sessions:read"), "expiresInDays", 30));
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        assertThat(made.body().path("scopes").findValuesAsText("")).isEmpty();
        assertThat(made.body().path("scopes").toString()).isEqualTo("[\"sessions:read\"]");
        assertThat(made.text("expiresAt")).isNotEmpty();
        ApiClient reader = server.client(made.text("token"));

        assertThat(reader.get("/api/sessions").body().path("sessions").findValuesAsText("id"))
                .contains(session);
        assertThat(reader.get("/api/sessions/" + session).status()).isEqualTo(200);
        ApiClient.Response prompt = reader.prompt(session, "do something", null);
        assertThat(prompt.status()).isEqualTo(403);
        assertThat(prompt.errorMessage()).contains("sessions:write");
        assertThat(reader.post("/api/sessions", Map.of("repository", "https://example.com/a.git"))
                        .status())
                .isEqualTo(403);
        // it cannot mint a broader token, nor manage the account
        assertThat(reader.post("/api/tokens", Map.of("scopes", List.of("sessions:write")))
                        .errorMessage())
                .contains("lacks the scope");
        assertThat(reader.get("/api/tokens").status()).isEqualTo(403);
        // a live token made with it can watch but not prompt
        String live = reader.liveToken(session);
        try (WsTestClient ws = WsTestClient.subscribe(server.wsUrl(session), live)) {
            ws.send(Map.of("type", "prompt", "content", "hi"));
            JsonNode error = ws.next("error", Duration.ofSeconds(10));
            assertThat(error.path("status").asInt()).isEqualTo(403);
            assertThat(error.path("message").asText()).contains("sessions:write");
        }
        // bad requests
        assertThat(owner.post("/api/tokens", Map.of("scopes", List.of("admin"))).status())
                .isEqualTo(403);
        assertThat(owner.post("/api/tokens", Map.of("scopes", List.of("everything")))
                        .status())
                .isEqualTo(400);
        assertThat(owner.post("/api/tokens", Map.of("expiresInDays", 0)).status())
                .isEqualTo(400);
        assertThat(server.admin
                        .post("/api/tokens", Map.of("scopes", List.of("admin")))
                        .status())
                .isEqualTo(201);
        assertThat(server.admin
                        .get("/api/audit?action=token.create&actor=scoper")
                        .body()
                        .path("entries")
                        .get(0)
                        .path("detail")
                        .asText())
                .contains("dashboard", "sessions:read");
    }

    // -- withdrawing access closes what it opened -----------------------------------------------

    @Test
    void aDeactivatedUsersOpenStreamsCloseAndTheirTokensEnd() throws Exception {
        ApiClient bob = newUser("bob");
        String session = bob.createSession("https://example.com/acme/app.git");
        WsTestClient ws = WsTestClient.subscribe(server.wsUrl(session), bob.liveToken(session));
        HttpResponse<InputStream> sse = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/api/sessions/" + session + "/events/stream"))
                                .header("Authorization", "Bearer " + bob.token())
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        assertThat(sse.statusCode()).isEqualTo(200);
        CompletableFuture<Void> sseEnded = CompletableFuture.runAsync(() -> {
            try (InputStream in = sse.body()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.io.IOException ignored) {
                // ended
            }
        });

        ApiClient.Response off = server.admin.send("PATCH", "/api/users/bob", Map.of("active", false));
        assertThat(off.status()).as(off.raw()).isEqualTo(200);
        assertThat(off.body().path("user").path("active").asBoolean()).isFalse();

        // both streams were closed before the request answered (the audit counts them); the client sees it at once
        assertThat(server.admin
                        .get("/api/audit?action=user.deactivate")
                        .body()
                        .path("entries")
                        .get(0)
                        .path("detail")
                        .asText())
                .contains("2 live connections closed");
        assertThat(ws.closed.get(CLIENT_SEES, TimeUnit.SECONDS)).isEqualTo(4001);
        sseEnded.get(CLIENT_SEES, TimeUnit.SECONDS);
        ws.close();
        ApiClient.Response refused = bob.get("/api/me");
        assertThat(refused.status()).isEqualTo(401);
        // their session stays readable to the others
        assertThat(server.admin.get("/api/sessions/" + session).status()).isEqualTo(200);
        // reactivated, they sign in anew: the old tokens stay revoked
        assertThat(server.admin
                        .send("PATCH", "/api/users/bob", Map.of("active", true))
                        .status())
                .isEqualTo(200);
        assertThat(bob.get("/api/me").status()).isEqualTo(401);
        // an administrator cannot lock themself out
        assertThat(server.admin
                        .send("PATCH", "/api/users/admin", Map.of("active", false))
                        .status())
                .isEqualTo(409);
        assertThat(bob.send("PATCH", "/api/users/admin", Map.of("admin", false)).status())
                .isEqualTo(401);
    }

    @Test
    void revokingATokenAShareLinkOrAMembershipClosesTheStreamsItOpened() throws Exception {
        ApiClient owner = newUser("owner1");
        ApiClient member = newUser("member1");
        String session = owner.createSession("https://example.com/acme/app.git");
        assertThat(owner.put("/api/sessions/" + session + "/participants/member1", Map.of("role", "member"))
                        .status())
                .isEqualTo(200);

        // a second API token of the owner, and a live stream opened through it
        ApiClient.Response second = owner.post("/api/tokens", Map.of("name", "laptop"));
        ApiClient laptop = server.client(second.text("token"));
        String liveFromLaptop = laptop.liveToken(session);
        WsTestClient viaLaptop = WsTestClient.subscribe(server.wsUrl(session), liveFromLaptop);
        // the server counts the stream once its subscription is through (not at once on a loaded machine)
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> server.server.webSocketConnections() >= 1);
        assertThat(owner.delete("/api/tokens/" + second.text("id")).status()).isEqualTo(204);
        assertThat(lastAudit("token.revoke")).isEqualTo("1 live connection closed");
        assertThat(viaLaptop.closed.get(CLIENT_SEES, TimeUnit.SECONDS)).isEqualTo(4001);
        // the live token made from it no longer opens anything
        WsTestClient again = WsTestClient.connect(server.wsUrl(session));
        again.send(Map.of("type", "subscribe", "token", liveFromLaptop));
        assertThat(again.next("error", Duration.ofSeconds(10)).path("status").asInt())
                .isEqualTo(401);
        again.close();

        // a share link's viewer
        ApiClient.Response share =
                owner.post("/api/sessions/" + session + "/share-links", Map.of("name", "for review"));
        WsTestClient viewer = WsTestClient.subscribe(server.wsUrl(session), share.text("token"));
        assertThat(owner.delete("/api/sessions/" + session + "/share-links/" + share.text("id"))
                        .status())
                .isEqualTo(204);
        assertThat(lastAudit("share_link.revoke")).isEqualTo("1 live connection closed");
        assertThat(viewer.closed.get(CLIENT_SEES, TimeUnit.SECONDS)).isEqualTo(4001);

        // a member removed
        WsTestClient memberWs = WsTestClient.subscribe(server.wsUrl(session), member.liveToken(session));
        WsTestClient ownerWs = WsTestClient.subscribe(server.wsUrl(session), owner.liveToken(session));
        assertThat(owner.delete("/api/sessions/" + session + "/participants/member1")
                        .status())
                .isEqualTo(204);
        assertThat(lastAudit("participant.remove")).isEqualTo("1 live connection closed");
        assertThat(memberWs.closed.get(CLIENT_SEES, TimeUnit.SECONDS)).isEqualTo(4001);
        assertThat(ownerWs.closed).isNotDone();
        ownerWs.close();
        assertThat(server.admin
                        .get("/api/audit?action=participant.remove")
                        .body()
                        .path("entries")
                        .get(0)
                        .path("target")
                        .asText())
                .isEqualTo("member1");
    }

    // -- the audit log ---------------------------------------------------------------------------

    @Test
    void theAuditLogIsForAdministratorsWithFiltersPagingAndAnExport() throws Exception {
        ApiClient carol = newUser("carol");
        for (int i = 0; i < 5; i++) {
            assertThat(carol.post("/api/tokens", Map.of("name", "t" + i)).status())
                    .isEqualTo(201);
        }
        assertThat(carol.get("/api/audit").status()).isEqualTo(403);
        JsonNode first = server.admin
                .get("/api/audit?actor=carol&action=token.create&limit=3")
                .body();
        assertThat(first.path("entries").size()).isEqualTo(3);
        assertThat(first.path("hasMore").asBoolean()).isTrue();
        JsonNode second = server.admin
                .get("/api/audit?actor=carol&action=token.create&limit=3&before="
                        + first.path("next").asText())
                .body();
        assertThat(second.path("entries").size()).isEqualTo(3); // the five, and the initial token of a new user
        assertThat(second.path("hasMore").asBoolean()).isFalse();
        assertThat(server.admin.get("/api/audit?since=yesterday").status()).isEqualTo(400);
        assertThat(server.admin.get("/api/audit?actor=nobody-here").status()).isEqualTo(400);

        HttpResponse<String> export = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/api/audit/export?actor=carol"))
                                .header("Authorization", "Bearer " + server.admin.token())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        List<String> lines = export.body().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(5);
        for (String line : lines) {
            assertThat(ApiClient.JSON.readTree(line).path("action").asText()).isNotEmpty();
        }
        // an administrator's narrower token acts as a person
        ApiClient narrow = server.client(server.admin
                .post("/api/tokens", Map.of("scopes", List.of("sessions:read")))
                .text("token"));
        assertThat(narrow.get("/api/audit").status()).isEqualTo(403);
        assertThat(narrow.get("/api/audit").errorMessage()).contains("admin");
    }
}

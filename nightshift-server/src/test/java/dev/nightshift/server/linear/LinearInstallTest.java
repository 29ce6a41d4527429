package dev.nightshift.server.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.port.AuditQuery;
import dev.nightshift.linear.LinearOAuth;
import dev.nightshift.linear.fake.LinearFake;
import dev.nightshift.linear.fake.LinearWebhookPayloads;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Installing the Nightshift application in Linear with OAuth, end to end: a real server, the Linear
 * fake's OAuth endpoints and GraphQL API, the browser's part played with plain HTTP requests (the
 * administrator's approval at Linear is the fake's {@code approve}). Sandboxes are off; the agent is a
 * scripted executor that records its prompts.
 */
class LinearInstallTest {
    static final String CLIENT_ID = "nightshift-app";
    static final String CLIENT_SECRET = "app-secret-1";
    static final String WEBHOOK_SECRET = "lin_wh_install";

    static final HttpClient BROWSER = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    LinearFake linear;
    TestServer server;
    String ada;
    String team;
    final List<String> prompts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        linear = LinearFake.start();
        linear.addOAuthClient(CLIENT_ID, CLIENT_SECRET);
        ada = linear.addUser("Ada Lovelace");
        team = linear.addTeam("ENG", "Engineering");
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        linear.close();
    }

    void start(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "NIGHTSHIFT_LINEAR_CLIENT_ID",
                CLIENT_ID,
                "NIGHTSHIFT_LINEAR_CLIENT_SECRET",
                CLIENT_SECRET,
                "NIGHTSHIFT_LINEAR_OAUTH_URL",
                linear.authorizeUrl().toString(),
                "NIGHTSHIFT_LINEAR_TOKEN_URL",
                linear.tokenUrl().toString(),
                "NIGHTSHIFT_LINEAR_API_URL",
                linear.endpoint().toString(),
                "NIGHTSHIFT_LINEAR_WEBHOOK_SECRET",
                WEBHOOK_SECRET,
                "NIGHTSHIFT_LINEAR_REPOSITORIES",
                "ENG=https://example.com/acme/app.git"));
        settings.putAll(extra);
        server = TestServer.start(
                settings, p -> p.executor = turn -> prompts.add(turn.message().content()));
    }

    void start() {
        start(Map.of());
    }

    static HttpResponse<String> get(String url, String token, Consumer<HttpRequest.Builder> more) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        more.accept(request);
        return BROWSER.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    /** An administrator starts the install: Linear's approval URL with its parameters. */
    Map<String, String> startInstall() throws Exception {
        HttpResponse<String> started = get(server.url() + "/api/linear/install", server.admin.token(), r -> {});
        assertThat(started.statusCode()).as(started.body()).isEqualTo(302);
        assertThat(started.headers().firstValue("Cache-Control")).contains("no-store");
        URI location = URI.create(started.headers().firstValue("Location").orElseThrow());
        assertThat(location.toString()).startsWith(linear.authorizeUrl() + "?");
        return query(location);
    }

    /** Linear sends the browser back to the callback. */
    HttpResponse<String> callback(String parameters, boolean json) throws Exception {
        return get(
                server.url() + "/linear/callback?" + parameters,
                null,
                r -> r.header("Accept", json ? "application/json" : "text/html"));
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The whole install: start, the administrator approves at Linear, the callback. */
    void install() throws Exception {
        Map<String, String> authorize = startInstall();
        String code = linear.approve(
                CLIENT_ID,
                authorize.get("redirect_uri"),
                Arrays.asList(authorize.get("scope").split(",")));
        HttpResponse<String> back = callback("code=" + enc(code) + "&state=" + enc(authorize.get("state")), false);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(back.body()).contains("Linear is connected");
    }

    HttpResponse<String> deliver(String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/webhooks/linear"))
                                .header("Content-Type", "application/json")
                                .header("Linear-Signature", LinearWebhookPayloads.sign(body, WEBHOOK_SECRET))
                                .header("Linear-Delivery", UUID.randomUUID().toString())
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    void linkAda() {
        ApiClient.Response created = server.admin.post(
                "/api/users", Map.of("login", "ada", "name", "Ada Lovelace", "email", "ada@example.com"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        ApiClient.Response linked = server.admin.put(
                "/api/users/ada/identities",
                Map.of("kind", "linear", "issuer", linear.organizationId(), "subject", ada, "login", "ada"));
        assertThat(linked.status()).as(linked.raw()).isIn(200, 201);
    }

    List<String> commentsOn(String issue) {
        return linear.comments(issue).stream().map(LinearFake.Comment::body).toList();
    }

    @Test
    void anInstallMadeWhileRunningConnectsLinearAndAnExpiredTokenIsRenewedOnTheNextCall() throws Exception {
        start();
        linkAda();
        JsonNode before = server.admin.get("/api/linear").body();
        assertThat(before.path("connected").asBoolean()).isFalse();
        assertThat(before.path("installable").asBoolean()).isTrue();
        assertThat(before.path("callbackUrl").asText()).isEqualTo(server.url() + "/linear/callback");
        String issue = linear.addIssue(team, "Crash on empty search", "Searching with nothing shows a 500.", List.of());
        String delegation = LinearWebhookPayloads.issueDelegated(
                linear.organizationId(), linear.issueData(issue), linear.appUserId(), ada, Instant.now());
        HttpResponse<String> tooEarly = deliver(delegation);
        assertThat(tooEarly.statusCode()).isEqualTo(503);
        assertThat(tooEarly.body()).contains("/api/linear/install");

        Map<String, String> authorize = startInstall();
        assertThat(authorize)
                .containsEntry("client_id", CLIENT_ID)
                .containsEntry("redirect_uri", server.url() + "/linear/callback")
                .containsEntry("response_type", "code")
                .containsEntry("scope", "read,write,app:assignable,app:mentionable")
                .containsEntry("actor", "app")
                .containsKey("state");
        String code = linear.approve(CLIENT_ID, authorize.get("redirect_uri"), LinearOAuth.APP_SCOPES);
        HttpResponse<String> back = callback("code=" + enc(code) + "&state=" + enc(authorize.get("state")), false);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(back.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(back.body()).contains("Linear is connected").contains("app:assignable");

        ApiClient.Response connected = server.admin.get("/api/linear");
        assertThat(connected.body().path("connected").asBoolean()).isTrue();
        assertThat(connected.text("method")).isEqualTo("oauth");
        assertThat(connected.body().path("scopes"))
                .extracting(JsonNode::asText)
                .containsExactlyElementsOf(LinearOAuth.APP_SCOPES);
        assertThat(connected.body().path("refreshable").asBoolean()).isTrue();
        Instant firstExpiry = Instant.parse(connected.text("expiresAt"));
        assertThat(firstExpiry).isAfter(Instant.now().plus(Duration.ofHours(23)));
        assertThat(connected.raw()).doesNotContain("lin_oauth_").doesNotContain("lin_refresh_");
        assertThat(server.server.store().audit().list(new AuditQuery(null, null, "linear.install", null, null, 10)))
                .singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo("ok"))
                .satisfies(e -> assertThat(e.userId()).isNotNull());

        // the delegation Linear sends again now starts a session, with Linear called as the installed app
        HttpResponse<String> delegated = deliver(delegation);
        assertThat(delegated.statusCode()).as(delegated.body()).isEqualTo(200);
        assertThat(delegated.body()).contains("started");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(commentsOn(issue))
                        .anySatisfy(b -> assertThat(b).startsWith("Working on it in a Nightshift session"))
                        .anySatisfy(b -> assertThat(b).startsWith("Done.")));
        assertThat(prompts.getFirst()).contains("Crash on empty search");
        assertThat(linear.requests())
                .allSatisfy(r -> assertThat(r.authorization()).startsWith("Bearer lin_oauth_"));
        String firstToken = linear.requests().getFirst().authorization().substring("Bearer ".length());
        assertThat(linear.requests())
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + firstToken));

        // Linear ends the access token; the next call is refused once, renews and succeeds
        linear.expireAccessTokens();
        HttpResponse<String> comment = deliver(LinearWebhookPayloads.commentCreated(
                linear.organizationId(),
                UUID.randomUUID().toString(),
                linear.issueData(issue),
                "also handle spaces",
                ada,
                Instant.now()));
        assertThat(comment.body()).as(comment.body()).contains("follow-up");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(commentsOn(issue))
                        .filteredOn(b -> b.startsWith("Done."))
                        .hasSize(2));
        assertThat(prompts.getLast()).isEqualTo("also handle spaces");
        assertThat(linear.refreshes()).isOne();
        String renewed = linear.requests().getLast().authorization().substring("Bearer ".length());
        assertThat(renewed).isNotEqualTo(firstToken);
        assertThat(linear.accepts(renewed)).isTrue();
        assertThat(Instant.parse(server.admin.get("/api/linear").text("expiresAt")))
                .isAfter(firstExpiry);
    }

    @Test
    void aForgedUsedOrMissingStateIs400AndStoresNothing() throws Exception {
        start();
        HttpResponse<String> forged = callback("code=whatever&state=nsl_forged", false);
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("Linear was not connected").contains("unknown, was already used");
        assertThat(forged.headers().firstValue("Content-Security-Policy")).isPresent();
        HttpResponse<String> missing = callback("code=whatever", true);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(ApiClient.JSON
                        .readTree(missing.body())
                        .path("error")
                        .path("code")
                        .asText())
                .isEqualTo("bad_request");

        // a real state, used once by the administrator declining at Linear, cannot be used again
        Map<String, String> authorize = startInstall();
        HttpResponse<String> declined = callback("error=access_denied&state=" + enc(authorize.get("state")), false);
        assertThat(declined.statusCode()).isEqualTo(400);
        assertThat(declined.body()).contains("access_denied");
        String code = linear.approve(CLIENT_ID, authorize.get("redirect_uri"), LinearOAuth.APP_SCOPES);
        HttpResponse<String> reused = callback("code=" + enc(code) + "&state=" + enc(authorize.get("state")), true);
        assertThat(reused.statusCode()).isEqualTo(400);

        assertThat(server.admin.get("/api/linear").body().path("connected").asBoolean())
                .isFalse();
        assertThat(linear.tokenRequests()).isEmpty();
        assertThat(server.server.store().credentials().find(LinearInstallation.OWNER, LinearInstallation.HOST))
                .isEmpty();
        assertThat(server.server.store().audit().list(new AuditQuery(null, null, "linear.install", null, null, 10)))
                .extracting(e -> e.outcome())
                .containsOnly("refused")
                .hasSize(4);
    }

    @Test
    void onlyAdministratorsInstallSeeOrDisconnect() throws Exception {
        start();
        ApiClient.Response created =
                server.admin.post("/api/users", Map.of("login", "bob", "name", "Bob", "email", "bob@example.com"));
        String bob = created.body().path("token").path("token").asText();

        HttpResponse<String> install = get(server.url() + "/api/linear/install", bob, r -> {});
        assertThat(install.statusCode()).isEqualTo(403);
        assertThat(install.headers().firstValue("Location")).isEmpty();
        assertThat(get(server.url() + "/api/linear/install", null, r -> {}).statusCode())
                .isEqualTo(401);
        assertThat(server.client(bob).get("/api/linear").status()).isEqualTo(403);
        assertThat(server.client(bob).delete("/api/linear").status()).isEqualTo(403);
        assertThat(server.client(null).get("/api/linear").status()).isEqualTo(401);
        assertThat(server.client(null).delete("/api/linear").status()).isEqualTo(401);
        assertThat(server.server
                        .store()
                        .audit()
                        .list(new AuditQuery(null, null, "linear.install_started", null, null, 10)))
                .isEmpty();

        // a state an administrator made is not honoured once they are no longer one
        Map<String, String> authorize = startInstall();
        String adminId =
                server.admin.get("/api/me").body().path("user").path("id").asText();
        assertThat(server.server.store().users().setAdmin(adminId, false)).isTrue();
        String code = linear.approve(CLIENT_ID, authorize.get("redirect_uri"), LinearOAuth.APP_SCOPES);
        HttpResponse<String> demoted = callback("code=" + enc(code) + "&state=" + enc(authorize.get("state")), true);
        assertThat(demoted.statusCode()).isEqualTo(403);
        assertThat(linear.tokenRequests()).isEmpty();
        assertThat(server.server.store().credentials().find(LinearInstallation.OWNER, LinearInstallation.HOST))
                .isEmpty();
    }

    @Test
    void aRequestWithABodyIs413AndTheCallbackFallsUnderTheSignInLimit() throws Exception {
        start(Map.of("NIGHTSHIFT_RATE_LIMIT_SIGN_IN_PER_ADDRESS", "3"));
        String body = "x".repeat(2048);
        HttpResponse<String> big = get(
                server.url() + "/api/linear/install",
                server.admin.token(),
                r -> r.method("GET", HttpRequest.BodyPublishers.ofString(body)));
        assertThat(big.statusCode()).as(big.body()).isEqualTo(413);
        assertThat(big.headers().firstValue("Location")).isEmpty();
        HttpResponse<String> bigDelete = get(
                server.url() + "/api/linear",
                server.admin.token(),
                r -> r.method("DELETE", HttpRequest.BodyPublishers.ofString(body)));
        assertThat(bigDelete.statusCode()).isEqualTo(413);
        HttpResponse<String> bigCallback = get(
                server.url() + "/linear/callback?state=x&code=y",
                null,
                r -> r.method("GET", HttpRequest.BodyPublishers.ofString(body)));
        assertThat(bigCallback.statusCode()).isEqualTo(413);

        // three callbacks a minute from one address (the 413 above was the first)
        assertThat(callback("state=a&code=b", true).statusCode()).isEqualTo(400);
        assertThat(callback("state=a&code=b", true).statusCode()).isEqualTo(400);
        HttpResponse<String> limited = callback("state=a&code=b", true);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void disconnectingRevokesAtLinearAndDeliveriesWaitForTheNextInstall() throws Exception {
        start();
        install();
        assertThat(server.admin.get("/api/linear").body().path("connected").asBoolean())
                .isTrue();

        ApiClient.Response disconnected = server.admin.delete("/api/linear");

        assertThat(disconnected.status()).as(disconnected.raw()).isEqualTo(200);
        assertThat(disconnected.body().path("revokedAtLinear").asBoolean()).isTrue();
        assertThat(linear.tokenRequests())
                .filteredOn(r -> r.path().equals(LinearFake.REVOKE_PATH))
                .singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(linear.requests()).isEmpty();
        assertThat(server.admin.get("/api/linear").body().path("connected").asBoolean())
                .isFalse();
        String issue = linear.addIssue(team, "After", "…", List.of());
        HttpResponse<String> delivery = deliver(LinearWebhookPayloads.issueDelegated(
                linear.organizationId(), linear.issueData(issue), linear.appUserId(), ada, Instant.now()));
        assertThat(delivery.statusCode()).isEqualTo(503);
        assertThat(server.admin.delete("/api/linear").status()).isEqualTo(404);
        assertThat(server.server.store().audit().list(new AuditQuery(null, null, "linear.disconnect", null, null, 10)))
                .singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo("ok"));

        // installing again works at once
        install();
        assertThat(server.admin.get("/api/linear").body().path("connected").asBoolean())
                .isTrue();
    }

    @Test
    void aStaticTokenIsReportedAndChangesOnlyInTheConfiguration() throws Exception {
        server = TestServer.start(
                Map.of(
                        "NIGHTSHIFT_LINEAR_ACCESS_TOKEN",
                        linear.appToken(),
                        "NIGHTSHIFT_LINEAR_API_URL",
                        linear.endpoint().toString()),
                p -> {});
        ApiClient.Response status = server.admin.get("/api/linear");
        assertThat(status.body().path("connected").asBoolean()).isTrue();
        assertThat(status.text("method")).isEqualTo("access_token");
        assertThat(status.body().path("installable").asBoolean()).isFalse();
        assertThat(status.body().path("webhookSecretSet").asBoolean()).isFalse();
        assertThat(status.raw()).doesNotContain(linear.appToken());
        assertThat(server.admin.delete("/api/linear").status()).isEqualTo(409);
        HttpResponse<String> install = get(server.url() + "/api/linear/install", server.admin.token(), r -> {});
        assertThat(install.statusCode()).isEqualTo(404);
        assertThat(install.body()).contains("NIGHTSHIFT_LINEAR_CLIENT_ID");
        HttpResponse<String> asJson = get(
                server.url() + "/api/linear/install",
                server.admin.token(),
                r -> r.header("Accept", "application/json"));
        assertThat(asJson.statusCode()).isEqualTo(404);
    }

    @Test
    void aClientAskingForJsonGetsTheApprovalUrlInsteadOfARedirect() throws Exception {
        start();
        HttpResponse<String> started = get(
                server.url() + "/api/linear/install",
                server.admin.token(),
                r -> r.header("Accept", "application/json"));
        assertThat(started.statusCode()).isEqualTo(200);
        JsonNode body = ApiClient.JSON.readTree(started.body());
        Map<String, String> authorize = query(URI.create(body.path("url").asText()));
        assertThat(authorize).containsEntry("actor", "app").containsKey("state");
        assertThat(Instant.parse(body.path("expiresAt").asText()))
                .isBefore(Instant.now().plus(Duration.ofMinutes(11)));
        String code = linear.approve(CLIENT_ID, authorize.get("redirect_uri"), List.of("read", "write"));
        HttpResponse<String> back = callback("code=" + enc(code) + "&state=" + enc(authorize.get("state")), true);
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(ApiClient.JSON.readTree(back.body()).path("scopes"))
                .extracting(JsonNode::asText)
                .containsExactly("read", "write");
    }
}

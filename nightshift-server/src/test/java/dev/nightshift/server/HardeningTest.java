package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a hostile probe of a running server found, each closed: a lenient JSON reader, pages without
 * their protection, share links that read more than the page shows, a source any client could
 * claim, and secrets that caches could keep.
 */
class HardeningTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static TestServer server;
    static ApiClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> p.executor = turn -> {});
        admin = server.admin;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> send(
            String method, String path, String token, String contentType, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return ApiClient.JSON.readTree(response.body());
    }

    private static int sessionCount() {
        return admin.get("/api/sessions?limit=200").body().path("sessions").size();
    }

    // -- strict JSON ------------------------------------------------------------------------

    @Test
    void aBodyWithTrailingContentOrCoercedTypesIsRefusedInTheApisOwnWords() {
        int before = sessionCount();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{\"repository\":\"/srv/a\"} {\"repository\":\"/srv/b\"}", "more after its JSON object");
        refused.put("{\"repository\":\"/srv/a\"} trailing", "malformed JSON at line 1");
        refused.put("{\"repository\":\"/srv/a\",\"title\":5}", "'title' must be a string");
        refused.put("{\"repository\":\"/srv/a\",\"title\":true}", "'title' must be a string");
        refused.put(
                "{\"repository\":\"/srv/a\",\"settings\":{\"autoCommit\":1}}",
                "'settings.autoCommit' must be true or false");
        refused.put(
                "{\"repository\":\"/srv/a\",\"settings\":{\"autoCommit\":\"true\"}}",
                "'settings.autoCommit' must be true or false");
        refused.put("{\"repository\":\"/srv/a\",\"settings\":true}", "'settings' must be an object");
        refused.put("[\"/srv/a\"]", "must be a JSON object");
        refused.put("\"/srv/a\"", "must be a JSON object");
        refused.put("{\"repository\":\"/srv/a\",\"titel\":\"x\"}", "unknown field 'titel'");
        refused.forEach((body, message) -> {
            ApiClient.Response r = admin.post("/api/sessions", body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.errorMessage())
                    .as(body)
                    .contains(message)
                    .doesNotContain("dev.nightshift")
                    .doesNotContain("java.")
                    .doesNotContain("`")
                    .doesNotContain("Requests");
        });
        assertThat(sessionCount()).as("a refused create stores nothing").isEqualTo(before);
        assertThat(admin.post(
                                "/api/sessions",
                                "{\"repository\":\"/srv/a\",\"title\":\"ok\",\"settings\":{\"autoCommit\":false}}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aBodyThatDoesNotSayItIsJsonGets415() throws Exception {
        int before = sessionCount();
        String body = "{\"repository\":\"/srv/typed\"}";
        for (String type :
                new String[] {null, "text/plain", "application/x-www-form-urlencoded", "application/jsonp"}) {
            HttpResponse<String> r = send("POST", "/api/sessions", admin.token(), type, body, Map.of());
            assertThat(r.statusCode()).as(String.valueOf(type)).isEqualTo(415);
            assertThat(json(r).path("error").path("message").asText()).contains("Content-Type: application/json");
        }
        assertThat(sessionCount()).isEqualTo(before);
        assertThat(send("POST", "/api/sessions", admin.token(), "application/json; charset=utf-8", body, Map.of())
                        .statusCode())
                .isEqualTo(201);
        // a POST without a body needs no type (the CLI's and the UI's empty actions)
        assertThat(send("POST", "/api/tokens", admin.token(), null, null, Map.of())
                        .statusCode())
                .isEqualTo(201);
    }

    // -- headers and small disclosures ------------------------------------------------------

    @Test
    void theAppUnderUiCarriesThePagesProtection() throws Exception {
        HttpResponse<String> page = send("GET", "/ui/index.html", null, null, null, Map.of());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(
                        csp -> assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    }

    @Test
    void aShareLinkReadsOnlyWhatTheSharedPageShows() throws Exception {
        String id = admin.createSession("/srv/shared");
        ApiClient.Response link = admin.post("/api/sessions/" + id + "/share-links", Map.of("name", "for review"));
        assertThat(link.status()).isEqualTo(201);
        ApiClient guest = server.client(link.text("token"));

        assertThat(guest.get("/api/sessions/" + id).status()).isEqualTo(200);
        assertThat(guest.get("/api/sessions/" + id + "/events?after=0").status())
                .isEqualTo(200);
        assertThat(guest.get("/api/sessions/" + id + "/artifacts").status()).isEqualTo(200);
        assertThat(guest.get("/api/audit?session=" + id).status()).isEqualTo(403);
        assertThat(guest.get("/api/sessions/" + id + "/participants").status()).isEqualTo(403);
        assertThat(guest.get("/api/sessions/" + id + "/share-links").status()).isEqualTo(403);
        JsonNode sandbox = guest.get("/api/sessions/" + id + "/sandbox").body();
        assertThat(sandbox.path("state").asText()).isNotEmpty();
        assertThat(sandbox.has("isolation")).isFalse();
        assertThat(sandbox.has("ports")).isFalse();
        // the participants still see it all
        assertThat(admin.get("/api/audit?session=" + id).status()).isEqualTo(200);
        assertThat(admin.get("/api/sessions/" + id + "/participants").status()).isEqualTo(200);
        assertThat(admin.get("/api/sessions/" + id + "/sandbox").body().has("isolation"))
                .isTrue();
    }

    @Test
    void onlyAPersonsClientsMayBeClaimedAsTheSource() throws Exception {
        int before = sessionCount();
        for (String integration : new String[] {"slack", "github", "linear", "schedule", "webhook", "agent"}) {
            HttpResponse<String> r = send(
                    "POST",
                    "/api/sessions",
                    admin.token(),
                    "application/json",
                    "{\"repository\":\"/srv/src\"}",
                    Map.of("X-Nightshift-Source", integration));
            assertThat(r.statusCode()).as(integration).isEqualTo(403);
            assertThat(json(r).path("error").path("message").asText()).contains("'web', 'cli' or 'api'");
        }
        assertThat(sessionCount()).isEqualTo(before);
        String id = admin.createSession("/srv/src");
        HttpResponse<String> prompt = send(
                "POST",
                "/api/sessions/" + id + "/prompts",
                admin.token(),
                "application/json",
                "{\"content\":\"hi\"}",
                Map.of("X-Nightshift-Source", "slack"));
        assertThat(prompt.statusCode()).isEqualTo(403);
        assertThat(admin.get("/api/sessions/" + id + "/prompts").body().path("queue"))
                .isEmpty();
        for (String client : new String[] {"web", "cli", "api"}) {
            HttpResponse<String> r = send(
                    "POST",
                    "/api/sessions",
                    admin.token(),
                    "application/json",
                    "{\"repository\":\"/srv/src\"}",
                    Map.of("X-Nightshift-Source", client));
            assertThat(r.statusCode()).as(client).isEqualTo(201);
            assertThat(json(r).path("source").asText()).isEqualTo(client);
        }
    }

    @Test
    void everyAnswerWithANewSecretIsNeverStored() throws Exception {
        String id = admin.createSession("/srv/secrets");
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("/api/tokens", "{\"name\":\"laptop\"}");
        bodies.put("/api/users", "{\"login\":\"nostore\"}");
        bodies.put("/api/sessions/" + id + "/share-links", "{}");
        bodies.put("/api/sessions/" + id + "/live-token", "{}");
        for (var entry : bodies.entrySet()) {
            HttpResponse<String> r =
                    send("POST", entry.getKey(), admin.token(), "application/json", entry.getValue(), Map.of());
            assertThat(r.statusCode()).as(entry.getKey() + " " + r.body()).isEqualTo(201);
            assertThat(r.headers().firstValue("Cache-Control"))
                    .as(entry.getKey())
                    .contains("no-store");
        }
    }

    // -- GitHub sign-in hands the web UI's nonce back --------------------------------------

    @Test
    void gitHubSignInReturnsTheUisNonceWithTheTokenAndIsNeverCached() throws Exception {
        try (GitHubFake github = GitHubFake.start()) {
            github.addUser(7, "grace", "Grace Hopper", null);
            github.oauthClient("client-1", "client-secret-1");
            try (TestServer s = TestServer.start(
                    Map.of(
                            "NIGHTSHIFT_GITHUB_API_URL",
                            github.apiUrl().toString(),
                            "NIGHTSHIFT_GITHUB_WEB_URL",
                            github.webUrl().toString(),
                            "NIGHTSHIFT_GITHUB_CLIENT_ID",
                            "client-1",
                            "NIGHTSHIFT_GITHUB_CLIENT_SECRET",
                            "client-secret-1",
                            "NIGHTSHIFT_ADMIT_PEOPLE",
                            "grace"),
                    p -> {})) {
                assertThat(get(s, "/auth/github/login?ui_state=short").statusCode())
                        .isEqualTo(400);
                assertThat(get(s, "/auth/github/login?ui_state=" + "a".repeat(20) + "%26token%3Dx")
                                .statusCode())
                        .isEqualTo(400);

                String nonce = "nonce_0123456789-abcdef";
                URI authorize = URI.create(get(s, "/auth/github/login?ui_state=" + nonce)
                        .headers()
                        .firstValue("Location")
                        .orElseThrow());
                String code = github.authorize("grace", URI.create(query(authorize, "redirect_uri")));
                HttpResponse<String> done =
                        get(s, "/auth/github/callback?code=" + code + "&state=" + query(authorize, "state"));
                assertThat(done.statusCode()).isEqualTo(302);
                String location = done.headers().firstValue("Location").orElseThrow();
                assertThat(location).matches("/#token=nsk_[^&]+&ui_state=" + nonce);
                assertThat(done.headers().firstValue("Cache-Control")).contains("no-store");

                // a client that asked for JSON gets it, uncached, and without a nonce when it sent none
                URI again = URI.create(get(s, "/auth/github/login")
                        .headers()
                        .firstValue("Location")
                        .orElseThrow());
                String code2 = github.authorize("grace", URI.create(query(again, "redirect_uri")));
                HttpResponse<String> json = HTTP.send(
                        HttpRequest.newBuilder(URI.create(s.url() + "/auth/github/callback?code=" + code2 + "&state="
                                        + query(again, "state")))
                                .header("Accept", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(json.statusCode()).isEqualTo(200);
                assertThat(json.headers().firstValue("Cache-Control")).contains("no-store");
            }
        }
    }

    private static HttpResponse<String> get(TestServer s, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(s.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }
}

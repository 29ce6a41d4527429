package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.git.testing.GitHttpServer;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.git.testing.TokenScan;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub flow end to end: a real git smart-HTTP server and the GitHub fake on one loopback
 * host, a real Nightshift with real sandboxes. A turn's work is pushed with the person's token and
 * becomes a pull request (or a compare URL on 403); webhooks move it to merged and never back;
 * sign-in validates a single-use state; and no token is visible inside the sandbox.
 */
class GitHubFlowTest {
    static final String WEBHOOK_SECRET = "whsec-test-0123";

    @TempDir
    Path dir;

    GitHubFake github;
    TestServer server;
    String adaToken;
    String gitHubToken;
    Path remote;
    GitHttpServer gitServer;

    @BeforeEach
    void setUp() throws Exception {
        github = GitHubFake.start();
        github.addUser(42, "ada", "Ada Lovelace", null);
        github.addRepository("acme/app");
        gitHubToken = github.issueUserToken("ada", Duration.ofDays(1));
        remote = TestRepos.bareWithMain(dir.resolve("repos/acme/app.git"));
        TestRepos.git(remote, "config", "http.receivepack", "true");
        gitServer = GitHttpServer.handlerOnly(dir.resolve("repos"), gitHubToken);
        github.mount("/acme/", gitServer.handler());
        github.oauthClient("client-1", "client-secret-1");
        github.addInstallation(99, List.of("acme/app", "acme/web"));
        Path appKey = Files.writeString(dir.resolve("app.pem"), github.appPrivateKeyPem());
        server = TestServer.start(
                Map.of(
                        "NIGHTSHIFT_GITHUB_APP_ID",
                        github.appId(),
                        "NIGHTSHIFT_GITHUB_APP_PRIVATE_KEY_FILE",
                        appKey.toString(),
                        "NIGHTSHIFT_GITHUB_API_URL",
                        github.apiUrl().toString(),
                        "NIGHTSHIFT_GITHUB_WEB_URL",
                        github.webUrl().toString(),
                        "NIGHTSHIFT_GITHUB_CLIENT_ID",
                        "client-1",
                        "NIGHTSHIFT_GITHUB_CLIENT_SECRET",
                        "client-secret-1",
                        "NIGHTSHIFT_GITHUB_WEBHOOK_SECRET",
                        WEBHOOK_SECRET,
                        "NIGHTSHIFT_ADMIT_PEOPLE",
                        "grace,ada",
                        "NIGHTSHIFT_GIT_INTERNAL_HOSTS",
                        "127.0.0.1"),
                p -> {
                    p.sandboxes = true;
                    p.executor = turn -> {
                        Sandbox sandbox = turn.sandbox();
                        sandbox.writeFile(
                                "src/app.txt",
                                ("changed by: " + turn.message().content() + "\n").getBytes(StandardCharsets.UTF_8));
                    };
                });
        JsonNode created = server.admin
                .post("/api/users", Map.of("login", "ada", "name", "Ada Lovelace", "email", "ada@example.com"))
                .body();
        adaToken = created.path("token").path("token").asText();
    }

    @AfterEach
    void tearDown() {
        server.close();
        github.close();
    }

    String repositoryUrl() {
        return github.webUrl() + "/acme/app.git";
    }

    String session(ApiClient ada) {
        assertThat(ada.put("/api/me/credentials/127.0.0.1", Map.of("secret", gitHubToken))
                        .status())
                .isEqualTo(200);
        return ada.createSession(repositoryUrl());
    }

    static void turn(ApiClient client, String id, String prompt) {
        long before = client.allEvents(id).stream()
                .filter(e -> e.path("type").asText().equals("turn_complete"))
                .count();
        client.prompt(id, prompt, null);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> client.allEvents(id).stream()
                                .filter(e -> e.path("type").asText().equals("turn_complete"))
                                .count()
                        > before);
    }

    static JsonNode artifact(ApiClient client, String id, String type) {
        for (JsonNode a :
                client.get("/api/sessions/" + id + "/artifacts").body().path("artifacts")) {
            if (a.path("type").asText().equals(type)) {
                return a;
            }
        }
        throw new AssertionError("no " + type + " artifact in " + client.allEvents(id));
    }

    @Test
    void aTurnIsPushedWithThePersonsTokenAndOpensOnePullRequestKeptCurrent() throws Exception {
        ApiClient ada = server.client(adaToken);
        String id = session(ada);

        turn(ada, id, "Make the app say hello");

        String branch = ada.get("/api/sessions/" + id).body().path("workBranch").asText();
        assertThat(branch).startsWith("al/");
        assertThat(TestRepos.git(remote, "log", "-1", "--format=%an <%ae>", branch))
                .isEqualTo("Ada Lovelace <ada@example.com>");
        JsonNode pr = artifact(ada, id, "pr");
        assertThat(github.pullRequests("acme/app")).hasSize(1);
        var opened = github.pullRequests("acme/app").get(0);
        assertThat(opened.head()).isEqualTo(branch);
        assertThat(opened.base()).isEqualTo("main");
        assertThat(opened.title()).isEqualTo("Make the app say hello");
        assertThat(pr.path("url").asText()).endsWith("/acme/app/pull/" + opened.number());
        assertThat(pr.path("data").path("state").asText()).isEqualTo("open");
        assertThat(github.requests("POST", "/repos/acme/app/pulls"))
                .allSatisfy(r -> assertThat(r.authorization()).contains(gitHubToken));

        // the second turn reuses the pull request and keeps its body current
        turn(ada, id, "Now say goodbye too");
        assertThat(github.pullRequests("acme/app")).hasSize(1);
        assertThat(github.pullRequests("acme/app").get(0).body()).contains("Now say goodbye too");
        assertThat(TestRepos.git(remote, "rev-list", "--count", "main.." + branch))
                .isEqualTo("2");

        // every credentialed action is in the audit log, which administrators read
        assertThat(ada.get("/api/audit?session=" + id).status()).isEqualTo(403);
        List<String> actions = server.admin
                .get("/api/audit?session=" + id)
                .body()
                .path("entries")
                .findValuesAsText("action");
        assertThat(actions).contains("git.fetch", "git.push", "pr.create", "pr.update");

        // no token anywhere in the sandbox's view
        Sandbox sandbox = server.server.sandboxes().acquire(id);
        List<String> secrets = server.server
                .gitCredentials()
                .openAll(ada.get("/api/me").body().path("user").path("id").asText());
        assertThat(secrets).contains(gitHubToken);
        assertThat(TokenScan.find(sandbox, secrets)).isEmpty();
    }

    @Test
    void aRefusedPullRequestBecomesAPrefilledCompareUrlAndSaysWhy() {
        github.refusePullRequestCreation();
        ApiClient ada = server.client(adaToken);
        String id = session(ada);

        turn(ada, id, "Fix the greeting");

        String branch = ada.get("/api/sessions/" + id).body().path("workBranch").asText();
        JsonNode pr = artifact(ada, id, "pr");
        assertThat(pr.path("url").asText())
                .startsWith(github.webUrl() + "/acme/app/compare/main..." + branch + "?expand=1&title=Fix");
        assertThat(pr.path("data").path("fallback").asText()).isEqualTo("compare");
        assertThat(pr.path("data").path("reason").asText()).contains("Resource not accessible by integration");
        assertThat(TestRepos.git(remote, "rev-parse", branch)).hasSize(40); // the push itself worked
    }

    @Test
    void webhooksMoveThePullRequestForwardOnlyOnceAndOnlyWhenSigned() throws Exception {
        ApiClient ada = server.client(adaToken);
        String id = session(ada);
        turn(ada, id, "Change it");
        JsonNode pr = artifact(ada, id, "pr");
        int number = pr.path("data").path("number").asInt();
        String merged = payload(
                "closed", number, true, "2026-11-21T10:00:05Z", pr.path("url").asText());
        String lateOpen = payload(
                "reopened",
                number,
                false,
                "2026-11-21T10:00:01Z",
                pr.path("url").asText());

        assertThat(deliver("d-1", merged, sign(merged)).statusCode()).isEqualTo(200);
        assertThat(artifact(ada, id, "pr").path("data").path("state").asText()).isEqualTo("merged");
        HttpResponse<String> again = deliver("d-1", merged, sign(merged));
        assertThat(again.body()).contains("duplicate");
        deliver("d-2", lateOpen, sign(lateOpen));
        assertThat(artifact(ada, id, "pr").path("data").path("state").asText()).isEqualTo("merged");

        HttpResponse<String> forged = deliver("d-3", lateOpen, "sha256=" + "0".repeat(64));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(deliver("d-4", lateOpen, null).statusCode()).isEqualTo(401);
        assertThat(artifact(ada, id, "pr").path("data").path("state").asText()).isEqualTo("merged");
    }

    @Test
    void signInWithGitHubValidatesASingleUseStateAndStoresTheTokensSealed() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        HttpResponse<String> login = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/auth/github/login"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(github.webUrl() + "/login/oauth/authorize");
        String state = query(authorize, "state");
        URI redirect = URI.create(query(authorize, "redirect_uri"));
        github.addUser(7, "grace", "Grace Hopper", null);
        String code = github.authorize("grace", redirect);

        HttpResponse<String> forged = callback(http, code, "forged-state");
        assertThat(forged.statusCode()).isEqualTo(401);
        HttpResponse<String> ok = callback(http, code, state);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode body = ApiClient.JSON.readTree(ok.body());
        ApiClient grace = server.client(body.path("token").asText());
        JsonNode me = grace.get("/api/me").body().path("user");
        assertThat(me.path("login").asText()).isEqualTo("grace");
        assertThat(grace.get("/api/me/credentials")
                        .body()
                        .path("credentials")
                        .get(0)
                        .path("kind")
                        .asText())
                .isEqualTo("oauth");
        assertThat(callback(http, code, state).statusCode()).isEqualTo(401); // the state was single-use
        String raw = Files.readString(server.dataDir.resolve("nightshift.db"), StandardCharsets.ISO_8859_1);
        assertThat(raw)
                .doesNotContain(server.server
                        .gitCredentials()
                        .openAll(me.path("id").asText())
                        .get(0));
    }

    @Test
    void theAppReadsAnInstallationsRepositoriesWithItsOwnTokenForAdministratorsOnly() {
        JsonNode listed =
                server.admin.get("/api/github/installations/99/repositories").body();
        assertThat(listed.path("repositories").findValuesAsText("")).isEmpty();
        assertThat(listed.path("repositories").toString()).contains("acme/app", "acme/web");
        assertThat(server.admin.get("/api/github/installations/99/repositories").status())
                .isEqualTo(200);
        // one installation token for both calls: it is cached until shortly before it expires
        assertThat(github.requests("POST", "/app/installations/99/access_tokens"))
                .hasSize(1);
        assertThat(server.client(adaToken)
                        .get("/api/github/installations/99/repositories")
                        .status())
                .isEqualTo(403);
        assertThat(server.admin
                        .get("/api/github/installations/abc/repositories")
                        .status())
                .isEqualTo(400);
        assertThat(server.admin
                        .get("/api/github/installations/12345/repositories")
                        .status())
                .isEqualTo(502);
    }

    @Test
    void aTokenGitHubRejectsIsRefreshedOnceAndThePullRequestStillOpens() throws Exception {
        // ada signs in with GitHub: her OAuth tokens are stored for the host
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        URI authorize = URI.create(http.send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/auth/github/login"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .headers()
                .firstValue("Location")
                .orElseThrow());
        String code = github.authorize("ada", URI.create(query(authorize, "redirect_uri")));
        ApiClient ada = server.client(ApiClient.JSON
                .readTree(callback(http, code, query(authorize, "state")).body())
                .path("token")
                .asText());
        String userId = ada.get("/api/me").body().path("user").path("id").asText();
        String access = server.server.gitCredentials().openAll(userId).get(0);
        // git pushes with it; GitHub's API then says it expired
        gitServer.acceptOnly(access);
        github.expireToken(access);
        String id = ada.createSession(repositoryUrl());

        turn(ada, id, "Refresh and carry on");

        JsonNode pr = artifact(ada, id, "pr");
        assertThat(pr.path("data").path("state").asText()).isEqualTo("open");
        List<String> secrets = server.server.gitCredentials().openAll(userId);
        assertThat(secrets.get(0)).isNotEqualTo(access); // the refreshed token is the one stored
        assertThat(github.requests("POST", "/repos/acme/app/pulls"))
                .last()
                .satisfies(r -> assertThat(r.authorization()).contains(secrets.get(0)));
        Sandbox sandbox = server.server.sandboxes().acquire(id);
        assertThat(TokenScan.find(
                        sandbox,
                        java.util.stream.Stream.concat(secrets.stream(), java.util.stream.Stream.of(access))
                                .toList()))
                .isEmpty();
    }

    private HttpResponse<String> callback(HttpClient http, String code, String state) throws Exception {
        return http.send(
                HttpRequest.newBuilder(
                                URI.create(server.url() + "/auth/github/callback?code=" + code + "&state=" + state))
                        .header("Accept", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }

    private HttpResponse<String> deliver(String delivery, String body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/webhooks/github"))
                .header("X-GitHub-Event", "pull_request")
                .header("X-GitHub-Delivery", delivery)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A pull_request delivery in GitHub's documented shape (the fields Nightshift reads, and some it does not). */
    private static String payload(String action, int number, boolean merged, String updatedAt, String htmlUrl) {
        return """
                {"action":"%s","number":%d,
                 "pull_request":{"url":"https://api.example/repos/acme/app/pulls/%d","html_url":"%s","number":%d,
                   "state":"%s","merged":%s,"draft":false,"title":"t","updated_at":"%s",
                   "head":{"ref":"al/x","sha":"%s"},"base":{"ref":"main","sha":"%s"}},
                 "repository":{"full_name":"acme/app","name":"app","owner":{"login":"acme"}},
                 "sender":{"login":"ada"}}
                """.formatted(
                        action,
                        number,
                        number,
                        htmlUrl,
                        number,
                        merged || action.equals("closed") ? "closed" : "open",
                        merged,
                        updatedAt,
                        "a".repeat(40),
                        "b".repeat(40));
    }
}

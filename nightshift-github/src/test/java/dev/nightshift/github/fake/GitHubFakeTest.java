package dev.nightshift.github.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake's wire format, checked without the production code in between. */
class GitHubFakeTest {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = MutableClock.atNow();
    private GitHubFake github;

    @BeforeEach
    void start() {
        github = GitHubFake.start(clock);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void anExpiredTokenGetsBadCredentialsWithGitHubsHeaders() throws Exception {
        String token = github.issueUserToken("octocat", Duration.ofMinutes(1));
        assertThat(get("/user", token).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));

        HttpResponse<String> r = get("/user", token);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json.readTree(r.body()).path("message").asText()).isEqualTo("Bad credentials");
        assertThat(json.readTree(r.body()).has("documentation_url")).isTrue();
        assertThat(r.headers().firstValue("X-GitHub-Request-Id")).isPresent();
        assertThat(r.headers().firstValue("X-RateLimit-Limit")).contains("5000");
        assertThat(r.headers().firstValue("X-RateLimit-Remaining")).isPresent();
        assertThat(r.headers().firstValue("X-RateLimit-Reset")).isPresent();
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void pagesCarryLinkHeadersWithNextAndLast() throws Exception {
        github.addRepository("o/r");
        for (int i = 0; i < 5; i++) {
            github.addPullRequest("o/r", "b" + i, "main", "PR " + i);
        }
        String token = github.issueUserToken("octocat");

        HttpResponse<String> first = get("/repos/o/r/pulls?per_page=2", token);
        HttpResponse<String> last = get("/repos/o/r/pulls?per_page=2&page=3", token);

        assertThat(json.readTree(first.body())).hasSize(2);
        assertThat(first.headers().firstValue("Link"))
                .hasValueSatisfying(link -> assertThat(link)
                        .contains("<" + github.apiUrl() + "/repos/o/r/pulls?per_page=2&page=2>; rel=\"next\"")
                        .contains("<" + github.apiUrl() + "/repos/o/r/pulls?per_page=2&page=3>; rel=\"last\""));
        JsonNode lastPage = json.readTree(last.body());
        assertThat(lastPage).hasSize(1);
        assertThat(lastPage.get(0).path("title").asText()).isEqualTo("PR 0"); // oldest last
        assertThat(last.headers().firstValue("Link"))
                .hasValueSatisfying(
                        link -> assertThat(link).doesNotContain("rel=\"next\"").contains("rel=\"prev\""));
    }

    @Test
    void withoutAcceptJsonTheTokenAnswerIsFormEncodedAsOnGitHub() throws Exception {
        URI redirect = URI.create("http://localhost/cb");
        String code = github.authorize("octocat", redirect);
        String form = "client_id=" + github.clientId() + "&client_secret=" + github.clientSecret() + "&code=" + code
                + "&redirect_uri=http%3A%2F%2Flocalhost%2Fcb";

        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(github.webUrl() + "/login/oauth/access_token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("access_token=ghu_").contains("&token_type=bearer");
    }

    @Test
    void theAppEndpointWantsAJwt() throws Exception {
        github.addInstallation(7, java.util.List.of("o/r"));
        String userToken = github.issueUserToken("octocat");

        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(github.apiUrl() + "/app/installations/7/access_tokens"))
                        .header("Authorization", "Bearer " + userToken)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("A JSON web token could not be decoded");
    }

    @Test
    void issuesAndPullRequestsShareNumbers() {
        github.addIssue("o/r", 1, "Bug", "", "hubot");

        assertThat(github.addPullRequest("o/r", "feature", "main", "Fix")).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> github.addIssue("o/r", 2, "Taken", "", "hubot"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRepeatedReactionIsAnsweredWith200AndTheExistingReaction() throws Exception {
        github.addIssue("o/r", 1, "Bug", "", "hubot");
        long comment = github.addIssueComment("o/r", 1, "hubot", "hi");
        String token = github.issueUserToken("octocat");
        String path = "/repos/o/r/issues/comments/" + comment + "/reactions";

        HttpResponse<String> first = send("POST", path, token, "{\"content\":\"eyes\"}");
        HttpResponse<String> again = send("POST", path, token, "{\"content\":\"eyes\"}");
        HttpResponse<String> bad = send("POST", path, token, "{\"content\":\"thumbsup\"}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json.readTree(again.body()).path("id").asLong())
                .isEqualTo(json.readTree(first.body()).path("id").asLong());
        assertThat(json.readTree(first.body()).path("user").path("login").asText())
                .isEqualTo("octocat");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(github.reactions(comment)).containsExactly("eyes");
    }

    @Test
    void permissionReportsTheBaseRoleAndTheRoleName() throws Exception {
        github.addRepository("o/r");
        github.setPermission("o/r", "maya", "maintain");
        String token = github.issueUserToken("octocat");

        JsonNode body = json.readTree(
                get("/repos/o/r/collaborators/maya/permission", token).body());

        assertThat(body.path("permission").asText()).isEqualTo("write");
        assertThat(body.path("role_name").asText()).isEqualTo("maintain");
        assertThat(body.path("user").path("permissions").path("maintain").asBoolean())
                .isTrue();
        assertThat(body.path("user").path("permissions").path("admin").asBoolean())
                .isFalse();
        assertThat(get("/repos/o/r/collaborators/nobody-here/permission", token).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aReviewCommentOffTheDiffIsUnprocessable() throws Exception {
        int pr = github.addPullRequest("o/r", "feature", "main", "Fix");
        String token = github.issueUserToken("octocat");
        String onLine3 = "{\"event\":\"COMMENT\",\"body\":\"b\",\"comments\":"
                + "[{\"path\":\"README.md\",\"line\":3,\"side\":\"RIGHT\",\"body\":\"x\"}]}";
        String onLine9 = onLine3.replace("\"line\":3", "\"line\":9");

        HttpResponse<String> refused = send("POST", "/repos/o/r/pulls/" + pr + "/reviews", token, onLine9);
        HttpResponse<String> accepted = send("POST", "/repos/o/r/pulls/" + pr + "/reviews", token, onLine3);

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("must be part of the diff");
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(json.readTree(accepted.body()).path("state").asText()).isEqualTo("COMMENTED");
        assertThat(github.reviews("o/r", pr))
                .singleElement()
                .satisfies(r -> assertThat(r.comments()).hasSize(1));
    }

    @Test
    void jobLogsRedirectToAnotherOriginThatRefusesTokensAndExpiresItsLinks() throws Exception {
        java.util.List<Long> jobs = github.addWorkflowRun(
                "o/r",
                9,
                "main",
                "a".repeat(40),
                java.util.List.of(new GitHubFake.JobSpec("t", "failure", java.util.List.of("s"), "the log")));
        String token = github.issueUserToken("octocat");

        HttpResponse<String> redirect = get("/repos/o/r/actions/jobs/" + jobs.get(0) + "/logs", token);
        URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());

        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(location.getPort()).isNotEqualTo(github.webUrl().getPort());
        HttpResponse<String> withToken = http.send(
                HttpRequest.newBuilder(location)
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(400);
        HttpResponse<String> plain =
                http.send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo("the log");
        clock.advance(Duration.ofMinutes(1));
        assertThat(http.send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void anInjectedServerErrorAnswersOneRequest() throws Exception {
        String token = github.issueUserToken("octocat");
        github.serverErrorOnce(502);

        assertThat(get("/user", token).statusCode()).isEqualTo(502);
        assertThat(get("/user", token).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String method, String apiPath, String token, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(github.apiUrl() + apiPath))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/vnd.github+json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String apiPath, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(github.apiUrl() + apiPath))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/vnd.github+json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

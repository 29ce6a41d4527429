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

    private HttpResponse<String> get(String apiPath, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(github.apiUrl() + apiPath))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/vnd.github+json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

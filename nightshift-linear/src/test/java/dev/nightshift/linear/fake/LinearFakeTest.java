package dev.nightshift.linear.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake answers as Linear's GraphQL endpoint does, for requests Nightshift's client would not send. */
class LinearFakeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private LinearFake linear;

    @BeforeEach
    void start() {
        linear = LinearFake.start();
    }

    @AfterEach
    void stop() {
        linear.close();
    }

    @Test
    void answersAQueryWithData() throws Exception {
        HttpResponse<String> response = post("{\"query\":\"{ viewer { id } }\"}", linear.appToken());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())
                        .path("data")
                        .path("viewer")
                        .path("id")
                        .asText())
                .isEqualTo(linear.appUserId());
    }

    @Test
    void answersAUserAndNullForAnUnknownOne() throws Exception {
        linear.addUser("5b0f3c7e-2d1a-4e6b-8c9d-0e1f2a3b4c5d", "Mary Jackson", "mary@acme.com", false);
        String quiet = linear.addUser("Grace Hopper");

        JsonNode mary = JSON.readTree(post(
                        "{\"query\":\"{ user(id: \\\"5b0f3c7e-2d1a-4e6b-8c9d-0e1f2a3b4c5d\\\") { id name email active app } }\"}",
                        linear.appToken())
                .body());
        JsonNode unknown = JSON.readTree(post("{\"query\":\"{ user(id: \\\"nobody\\\") { id } }\"}", linear.appToken())
                .body());
        ObjectNode byVariable = JSON.createObjectNode();
        byVariable.put("query", "query U($id: String!) { user(id: $id) { id email active app } }");
        byVariable.putObject("variables").put("id", linear.appUserId());
        JsonNode app =
                JSON.readTree(post(byVariable.toString(), linear.appToken()).body());
        byVariable.putObject("variables").put("id", quiet);
        JsonNode grace =
                JSON.readTree(post(byVariable.toString(), linear.appToken()).body());

        assertThat(mary.toString())
                .isEqualTo("{\"data\":{\"user\":{\"id\":\"5b0f3c7e-2d1a-4e6b-8c9d-0e1f2a3b4c5d\","
                        + "\"name\":\"Mary Jackson\",\"email\":\"mary@acme.com\",\"active\":false,\"app\":false}}}");
        assertThat(unknown.toString()).isEqualTo("{\"data\":{\"user\":null}}");
        assertThat(app.path("data").path("user").path("app").asBoolean()).isTrue();
        assertThat(grace.path("data").path("user").path("email").asText()).isEqualTo("grace.hopper@linear.invalid");
        assertThat(grace.path("data").path("user").path("active").asBoolean()).isTrue();
        assertThat(grace.path("data").path("user").path("app").asBoolean()).isFalse();
    }

    @Test
    void withoutABearerTokenItIsAnAuthenticationError() throws Exception {
        HttpResponse<String> response = post("{\"query\":\"{ viewer { id } }\"}", null);

        JsonNode error = JSON.readTree(response.body()).path("errors").get(0);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error.path("extensions").path("code").asText()).isEqualTo("AUTHENTICATION_ERROR");
        assertThat(error.path("extensions").path("type").asText()).isEqualTo("authentication error");
        assertThat(error.path("message").asText()).isEqualTo("Authentication required, not authenticated");
    }

    @Test
    void anUnknownFieldIsAValidationError() throws Exception {
        HttpResponse<String> response = post("{\"query\":\"{ organization { id } }\"}", linear.appToken());

        JsonNode error = JSON.readTree(response.body()).path("errors").get(0);
        assertThat(error.path("message").asText()).isEqualTo("Cannot query field \"organization\" on type \"Query\".");
        assertThat(error.path("extensions").path("code").asText()).isEqualTo("GRAPHQL_VALIDATION_FAILED");
    }

    @Test
    void aMutationFieldAsAQueryIsAValidationError() throws Exception {
        HttpResponse<String> response = post("{\"query\":\"query { commentCreate { success } }\"}", linear.appToken());

        assertThat(JSON.readTree(response.body())
                        .path("errors")
                        .get(0)
                        .path("message")
                        .asText())
                .contains("on type \"Query\"");
    }

    @Test
    void aBodyThatIsNotAGraphQlRequestIsRefused() throws Exception {
        assertThat(post("not json", linear.appToken()).statusCode()).isEqualTo(400);
        assertThat(post("{\"variables\":{}}", linear.appToken()).body()).contains("Must provide query string.");
    }

    @Test
    void onlyPostIsServed() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(linear.endpoint()).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
    }

    @Test
    void readsLiteralArgumentsAndAliases() throws Exception {
        String team = linear.addTeam("ENG", "Engineering");
        String issue = linear.addIssue(team, "Title", "Body", List.of());
        String user = linear.addUser("Grace");
        linear.addComment(issue, user, "one", Instant.parse("2025-11-21T08:00:00Z"));
        linear.addComment(issue, user, "two", Instant.parse("2025-11-21T09:00:00Z"));
        ObjectNode request = JSON.createObjectNode();
        request.put("query", "{ it: issue(id: \"ENG-1\") { id oldest: comments(first: 1) { nodes { body } } } }");

        JsonNode data = JSON.readTree(
                        post(request.toString(), linear.appToken()).body())
                .path("data");

        assertThat(data.has("issue")).isFalse();
        assertThat(data.path("it").path("id").asText()).isEqualTo(issue);
        assertThat(data.path("it")
                        .path("oldest")
                        .path("nodes")
                        .get(0)
                        .path("body")
                        .asText())
                .isEqualTo("one");
    }

    @Test
    void aMissingVariableIsAValidationError() throws Exception {
        ObjectNode request = JSON.createObjectNode();
        request.put("query", "query Q($id: String!) { issue(id: $id) { id } }");
        request.putObject("variables");

        JsonNode error = JSON.readTree(
                        post(request.toString(), linear.appToken()).body())
                .path("errors")
                .get(0);

        assertThat(error.path("extensions").path("code").asText()).isEqualTo("GRAPHQL_VALIDATION_FAILED");
    }

    @Test
    void findsTheRootFieldPastAliasesAndOperationNames() {
        assertThat(LinearFake.rootField("query Q($id: String!) { issue(id: $id) { id } }"))
                .isEqualTo("issue");
        assertThat(LinearFake.rootField("mutation { x: commentCreate(input: {}) { success } }"))
                .isEqualTo("commentCreate");
        assertThat(LinearFake.rootField("{viewer{id}}")).isEqualTo("viewer");
        assertThat(LinearFake.rootAlias("{viewer{id}}")).isNull();
        assertThat(LinearFake.rootAlias("mutation { x: commentCreate(input: {}) { success } }"))
                .isEqualTo("x");
        assertThat(LinearFake.rootField("query")).isNull();
        assertThat(LinearFake.arguments(
                        "mutation M($id: String!, $input: X!) { commentUpdate(id: $id, input: $input) { success } }",
                        "commentUpdate",
                        JSON.valueToTree(Map.of("id", "c1", "input", Map.of("body", "b")))))
                .containsEntry("id", JSON.getNodeFactory().textNode("c1"))
                .containsKey("input");
    }

    @Test
    void injectedFailuresComeBeforeTheTokenCheckAndInOrder() throws Exception {
        linear.serverErrorNext(1, 502);
        linear.tooManyRequestsNext(1, "3");
        linear.rateLimitNext(1, null);

        HttpResponse<String> first = post("{\"query\":\"{ viewer { id } }\"}", null);
        HttpResponse<String> second = post("{\"query\":\"{ viewer { id } }\"}", null);
        HttpResponse<String> third = post("{\"query\":\"{ viewer { id } }\"}", null);
        HttpResponse<String> fourth = post("{\"query\":\"{ viewer { id } }\"}", linear.appToken());

        assertThat(first.statusCode()).isEqualTo(502);
        assertThat(first.body()).startsWith("<html>");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).contains("3");
        assertThat(third.statusCode()).isEqualTo(400);
        assertThat(third.body()).contains("\"code\":\"RATELIMITED\"");
        assertThat(third.headers().firstValue("Retry-After")).isEmpty();
        assertThat(fourth.statusCode()).isEqualTo(200);
        assertThat(linear.requests()).hasSize(4);
    }

    @Test
    void issueDataMatchesWhatTheFakeServes() {
        String team = linear.addTeam("WEB", "Web");
        String issue = linear.addIssue(team, "Fix the header", "It overlaps", List.of("frontend"));

        LinearWebhookPayloads.IssueData data = linear.issueData(issue);

        assertThat(data.identifier()).isEqualTo("WEB-1");
        assertThat(data.teamKey()).isEqualTo("WEB");
        assertThat(data.labels()).containsExactly("frontend");
        assertThat(data.url()).isEqualTo("https://linear.app/acme/issue/web-1/fix-the-header");
        assertThat(linear.addIssue(team, "Second", "", List.of())).isNotEqualTo(issue);
        assertThat(linear.issueData(linear.addIssue(team, "Third", "", List.of()))
                        .identifier())
                .isEqualTo("WEB-3");
    }

    private HttpResponse<String> post(String body, String token) throws IOException, InterruptedException {
        URI endpoint = linear.endpoint();
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

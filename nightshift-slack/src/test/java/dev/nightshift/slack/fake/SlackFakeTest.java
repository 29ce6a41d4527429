package dev.nightshift.slack.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake's wire format, checked without the SDK in between. */
class SlackFakeTest {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private SlackFake slack;

    @BeforeEach
    void start() {
        slack = SlackFake.start();
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    @Test
    void noTokenIsNotAuthedAndAnUnknownOneInvalidAuthBothWithStatus200() throws Exception {
        HttpResponse<String> none = post("auth.test", null, "application/x-www-form-urlencoded", "");
        HttpResponse<String> unknown = post("auth.test", "xoxb-nope", "application/x-www-form-urlencoded", "");

        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(json.readTree(none.body())).isEqualTo(json.readTree("{\"ok\":false,\"error\":\"not_authed\"}"));
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(json.readTree(unknown.body())).isEqualTo(json.readTree("{\"ok\":false,\"error\":\"invalid_auth\"}"));
    }

    @Test
    void jsonBodiesAndTheTokenParameterWorkToo() throws Exception {
        HttpResponse<String> posted = post(
                "chat.postMessage",
                slack.botToken(),
                "application/json; charset=utf-8",
                "{\"channel\":\"C1\",\"text\":\"hi\",\"blocks\":[{\"type\":\"divider\"}]}");
        HttpResponse<String> viaParam =
                post("auth.test", null, "application/x-www-form-urlencoded", "token=" + slack.botToken());

        JsonNode answer = json.readTree(posted.body());
        assertThat(answer.path("ok").asBoolean()).isTrue();
        assertThat(slack.messages("C1").getFirst().blocks()).isEqualTo("[{\"type\":\"divider\"}]");
        assertThat(answer.at("/message/bot_id").asText()).isEqualTo(SlackFake.BOT_ID);
        assertThat(json.readTree(viaParam.body()).path("user_id").asText()).isEqualTo(SlackFake.BOT_USER_ID);
    }

    @Test
    void blocksThatAreNotAJsonArrayAreInvalidBlocks() throws Exception {
        HttpResponse<String> r = post(
                "chat.postMessage", slack.botToken(), "application/x-www-form-urlencoded", "channel=C1&blocks=%7B%7D");

        assertThat(json.readTree(r.body()).path("error").asText()).isEqualTo("invalid_blocks");
        assertThat(slack.messages("C1")).isEmpty();
    }

    @Test
    void aRateLimitIs429WithRetryAfter() throws Exception {
        slack.rateLimitNext("auth.test", 1, 3);

        HttpResponse<String> limited = post("auth.test", slack.botToken(), "application/x-www-form-urlencoded", "");
        HttpResponse<String> after = post("auth.test", slack.botToken(), "application/x-www-form-urlencoded", "");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("3");
        assertThat(json.readTree(limited.body()).path("error").asText()).isEqualTo("ratelimited");
        assertThat(after.statusCode()).isEqualTo(200);
    }

    @Test
    void connectionsOpenNeedsTheAppTokenAndHandsOutALoopbackWebSocket() throws Exception {
        HttpResponse<String> withBot =
                post("apps.connections.open", slack.botToken(), "application/x-www-form-urlencoded", "");
        HttpResponse<String> withApp =
                post("apps.connections.open", slack.appToken(), "application/x-www-form-urlencoded", "");

        assertThat(json.readTree(withBot.body()).path("error").asText()).isEqualTo("not_allowed_token_type");
        assertThat(json.readTree(withApp.body()).path("url").asText())
                .startsWith("ws://127.0.0.1:")
                .contains("ticket=");
    }

    @Test
    void anUnknownMethodIsUnknownMethod() throws Exception {
        HttpResponse<String> r = post("conversations.kick", slack.botToken(), "application/x-www-form-urlencoded", "");

        assertThat(json.readTree(r.body()).path("error").asText()).isEqualTo("unknown_method");
    }

    private HttpResponse<String> post(String method, String token, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(slack.methodsUrl() + method))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

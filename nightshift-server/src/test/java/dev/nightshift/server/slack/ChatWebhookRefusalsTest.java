package dev.nightshift.server.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chat integrations' doors when they cannot be used: not configured (503 naming the settings to
 * set) and oversized deliveries (413 before any signature check or parsing). Nothing is stored.
 */
class ChatWebhookRefusalsTest {

    static HttpResponse<String> post(TestServer server, String path, String contentType, byte[] body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + path))
                                .header("Content-Type", contentType)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutSettingsEveryChatDoorSaysWhatToConfigure() throws Exception {
        try (TestServer server = TestServer.start(p -> {})) {
            for (String path :
                    List.of("/webhooks/slack/events", "/webhooks/slack/interactivity", "/webhooks/slack/commands")) {
                HttpResponse<String> answer = post(server, path, "application/json", "{}".getBytes());
                assertThat(answer.statusCode()).as(path).isEqualTo(503);
                assertThat(answer.body()).contains("NIGHTSHIFT_SLACK_SIGNING_SECRET");
            }
            HttpResponse<String> linear = post(server, "/webhooks/linear", "application/json", "{}".getBytes());
            assertThat(linear.statusCode()).isEqualTo(503);
            assertThat(linear.body()).contains("NIGHTSHIFT_LINEAR_WEBHOOK_SECRET");
        }
    }

    @Test
    void anOversizedDeliveryIsRefusedBeforeItIsRead() throws Exception {
        Map<String, String> settings = Map.of(
                "NIGHTSHIFT_SLACK_BOT_TOKEN", "xoxb-unused",
                "NIGHTSHIFT_SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5",
                // nothing listens here: the refusals must not need Slack or Linear
                "NIGHTSHIFT_SLACK_API_URL", "http://127.0.0.1:9/api/",
                "NIGHTSHIFT_LINEAR_WEBHOOK_SECRET", "lin_wh_secret",
                "NIGHTSHIFT_LINEAR_ACCESS_TOKEN", "lin_oauth_unused",
                "NIGHTSHIFT_LINEAR_API_URL", "http://127.0.0.1:9/graphql");
        try (TestServer server = TestServer.start(settings, p -> {})) {
            byte[] big = new byte[(1 << 20) + 1];
            java.util.Arrays.fill(big, (byte) ' ');
            HttpResponse<String> slack = post(server, "/webhooks/slack/events", "application/json", big);
            assertThat(slack.statusCode()).isEqualTo(413);
            assertThat(slack.body()).contains("1 MiB");
            HttpResponse<String> linear = post(server, "/webhooks/linear", "application/json", big);
            assertThat(linear.statusCode()).isEqualTo(413);
            assertThat(linear.body()).contains("1 MiB");
            assertThat(server.admin.get("/api/sessions").body().path("items").size())
                    .isZero();
        }
    }
}

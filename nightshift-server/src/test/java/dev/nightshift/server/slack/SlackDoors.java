package dev.nightshift.server.slack;

import dev.nightshift.slack.SlackSignatures;
import dev.nightshift.slack.fake.SlackFake;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * A server's Slack doors as Slack knocks on them: Events API, slash command and interactivity
 * requests signed with the app's signing secret ({@code v0} HMAC of {@code v0:<ts>:<body>}), and the
 * settings that point a server at a {@link SlackFake}.
 *
 * @param serverUrl the Nightshift the requests go to
 */
record SlackDoors(String serverUrl) {
    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

    /** Slack over the Events API against {@code slack}: its bot token, Web API and {@link #SECRET}. */
    static Map<String, String> settings(SlackFake slack) {
        return Map.of(
                "NIGHTSHIFT_SLACK_BOT_TOKEN", slack.botToken(),
                "NIGHTSHIFT_SLACK_SIGNING_SECRET", SECRET,
                "NIGHTSHIFT_SLACK_API_URL", slack.methodsUrl());
    }

    /** An Events API delivery, signed now. */
    HttpResponse<String> event(String body) throws Exception {
        return event(body, Instant.now().getEpochSecond(), SECRET);
    }

    /** An Events API delivery signed at {@code timestamp} with {@code secret} (forged or stale ones too). */
    HttpResponse<String> event(String body, long timestamp, String secret) throws Exception {
        return post("/webhooks/slack/events", "application/json", body, timestamp, secret);
    }

    /** {@code /nightshift <text>} typed by {@code user} in {@code channel} of the fake's team. */
    HttpResponse<String> command(String user, String channel, String text) throws Exception {
        String body = "token=ignored&team_id=" + SlackFake.TEAM_ID + "&channel_id=" + channel + "&user_id=" + user
                + "&command=%2Fnightshift&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
        return post(
                "/webhooks/slack/commands",
                "application/x-www-form-urlencoded",
                body,
                Instant.now().getEpochSecond(),
                SECRET);
    }

    /** An interactivity request: the JSON {@code payload} in a form, as Slack posts a button press. */
    HttpResponse<String> interaction(String payloadJson) throws Exception {
        String form = "payload=" + URLEncoder.encode(payloadJson, StandardCharsets.UTF_8);
        return post(
                "/webhooks/slack/interactivity",
                "application/x-www-form-urlencoded",
                form,
                Instant.now().getEpochSecond(),
                SECRET);
    }

    /** Any request to one of Slack's doors, signed with {@code secret} at {@code timestamp}. */
    HttpResponse<String> post(String path, String contentType, String body, long timestamp, String secret)
            throws Exception {
        String ts = String.valueOf(timestamp);
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(serverUrl + path))
                                .header("Content-Type", contentType)
                                .header(SlackSignatures.TIMESTAMP_HEADER, ts)
                                .header(
                                        SlackSignatures.SIGNATURE_HEADER,
                                        SlackSignatures.signature(secret, ts, body.getBytes(StandardCharsets.UTF_8)))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}

package dev.nightshift.slack.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Payloads as Slack sends them, for {@link SlackFake#pushEventsApi}, {@link SlackFake#pushInteractive}
 * or an HTTP request's body: the Events API envelope ({@code event_callback}) around an {@code
 * app_mention} or a {@code message}, and a {@code block_actions} interaction. The shapes follow
 * Slack's documented examples (the event wrapper of {@code app_mention} and {@code message.im}, the
 * {@code block_actions} payload), with the fields Nightshift reads; the workspace is {@link
 * SlackFake#TEAM_ID}.
 */
public final class SlackPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SlackPayloads() {}

    /**
     * An {@code app_mention}: someone wrote {@code text} (with {@code <@}{@link SlackFake#BOT_USER_ID}
     * {@code >} in it) in {@code channel}.
     *
     * @param threadTs the thread it is a reply in; null for a message in the channel
     */
    public static String appMention(
            String channel, String user, String text, String ts, String threadTs, String eventId) {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "app_mention");
        event.put("user", user);
        event.put("text", text);
        event.put("ts", ts);
        event.put("channel", channel);
        event.put("event_ts", ts);
        if (threadTs != null) {
            event.put("thread_ts", threadTs);
        }
        return envelope(event, eventId, ts);
    }

    /**
     * A {@code message} from a person.
     *
     * @param channelType {@code im} for a direct message to the app, {@code channel}, {@code group}
     * @param threadTs the thread it is a reply in; null for a message that is not in a thread
     */
    public static String message(
            String channel, String channelType, String user, String text, String ts, String threadTs, String eventId) {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "message");
        event.put("channel", channel);
        event.put("user", user);
        event.put("text", text);
        event.put("ts", ts);
        event.put("event_ts", ts);
        event.put("channel_type", channelType);
        if (threadTs != null) {
            event.put("thread_ts", threadTs);
        }
        return envelope(event, eventId, ts);
    }

    /** A {@code message} the app itself posted, as Slack echoes it: with the app's user and {@code bot_id}. */
    public static String ownMessage(String channel, String channelType, String text, String ts, String eventId) {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "message");
        event.put("channel", channel);
        event.put("user", SlackFake.BOT_USER_ID);
        event.put("bot_id", SlackFake.BOT_ID);
        event.put("text", text);
        event.put("ts", ts);
        event.put("event_ts", ts);
        event.put("channel_type", channelType);
        return envelope(event, eventId, ts);
    }

    /** {@code user} pressed a status message's Stop button ({@code nightshift_stop}) for {@code sessionId}. */
    /** {@code user} picked a repository on an ephemeral picker: the button's {@code value}. */
    public static String repositoryPicked(String channel, String threadTs, String user, String value) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("type", "block_actions");
        payload.putObject("user").put("id", user).put("team_id", SlackFake.TEAM_ID);
        payload.put("api_app_id", SlackFake.APP_ID);
        ObjectNode container = payload.putObject("container");
        container.put("type", "message");
        container.put("channel_id", channel);
        container.put("is_ephemeral", true);
        if (threadTs != null) {
            container.put("thread_ts", threadTs);
        }
        payload.putObject("team").put("id", SlackFake.TEAM_ID).put("domain", "slack-fake");
        payload.putObject("channel").put("id", channel).put("name", "general");
        ObjectNode action = payload.putArray("actions").addObject();
        action.put("action_id", "nightshift_repo_0");
        action.put("type", "button");
        action.put("value", value);
        return payload.toString();
    }

    public static String stopPressed(String channel, String messageTs, String threadTs, String user, String sessionId) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("type", "block_actions");
        payload.putObject("user")
                .put("id", user)
                .put("username", user.toLowerCase(Locale.ROOT))
                .put("team_id", SlackFake.TEAM_ID);
        payload.put("api_app_id", SlackFake.APP_ID);
        payload.put("token", "verification-token-unused");
        ObjectNode container = payload.putObject("container");
        container.put("type", "message");
        container.put("message_ts", messageTs);
        container.put("channel_id", channel);
        container.put("is_ephemeral", false);
        if (threadTs != null) {
            container.put("thread_ts", threadTs);
        }
        payload.put("trigger_id", "1234567890.0987654321.abcdef");
        payload.putObject("team").put("id", SlackFake.TEAM_ID).put("domain", "slack-fake");
        payload.putObject("channel").put("id", channel).put("name", "general");
        ObjectNode message = payload.putObject("message");
        message.put("type", "message");
        message.put("user", SlackFake.BOT_USER_ID);
        message.put("bot_id", SlackFake.BOT_ID);
        message.put("ts", messageTs);
        if (threadTs != null) {
            message.put("thread_ts", threadTs);
        }
        payload.put("response_url", "https://hooks.slack.com/actions/T0FAKETEAM/1/fake");
        ObjectNode action = payload.putArray("actions").addObject();
        action.put("action_id", "nightshift_stop");
        action.put("block_id", "actions");
        action.putObject("text").put("type", "plain_text").put("text", "Stop");
        action.put("value", sessionId);
        action.put("style", "danger");
        action.put("type", "button");
        action.put("action_ts", messageTs);
        return write(payload);
    }

    /**
     * {@code user} pressed a button of the agent's question or plan posted as {@code messageTs} in
     * {@code threadTs}: {@code actionId} ({@code nightshift_answer_<n>} or {@code nightshift_approve}) with
     * its {@code value}.
     */
    public static String answerPressed(
            String channel, String messageTs, String threadTs, String user, String actionId, String value) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("type", "block_actions");
        payload.putObject("user")
                .put("id", user)
                .put("username", user.toLowerCase(Locale.ROOT))
                .put("team_id", SlackFake.TEAM_ID);
        payload.put("api_app_id", SlackFake.APP_ID);
        ObjectNode container = payload.putObject("container");
        container.put("type", "message");
        container.put("message_ts", messageTs);
        container.put("channel_id", channel);
        container.put("is_ephemeral", false);
        if (threadTs != null) {
            container.put("thread_ts", threadTs);
        }
        payload.put("trigger_id", "1234567890.0987654321.abcdef");
        payload.putObject("team").put("id", SlackFake.TEAM_ID).put("domain", "slack-fake");
        payload.putObject("channel").put("id", channel).put("name", "general");
        ObjectNode message = payload.putObject("message");
        message.put("type", "message");
        message.put("user", SlackFake.BOT_USER_ID);
        message.put("bot_id", SlackFake.BOT_ID);
        message.put("ts", messageTs);
        if (threadTs != null) {
            message.put("thread_ts", threadTs);
        }
        ObjectNode action = payload.putArray("actions").addObject();
        action.put("action_id", actionId);
        action.put("block_id", "answers");
        action.putObject("text").put("type", "plain_text").put("text", "an answer");
        action.put("value", value);
        action.put("type", "button");
        action.put("action_ts", messageTs);
        return write(payload);
    }

    private static String envelope(ObjectNode event, String eventId, String ts) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("token", "verification-token-unused");
        envelope.put("team_id", SlackFake.TEAM_ID);
        envelope.put("api_app_id", SlackFake.APP_ID);
        envelope.set("event", event);
        envelope.put("type", "event_callback");
        envelope.put("event_id", eventId);
        envelope.put("event_time", (long) Double.parseDouble(ts));
        envelope.putArray("authed_users").add(SlackFake.BOT_USER_ID);
        return write(envelope);
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A slash command {@code /nightshift <text>} in {@code channel} by {@code user}, as Socket Mode
     * carries it: the fields Slack's HTTP request sends form-encoded, as one JSON object.
     */
    public static String slashCommand(String channel, String user, String text) {
        ObjectNode command = JSON.createObjectNode();
        command.put("token", "gIkuvaNzQIHg97ATvDxqgjtO");
        command.put("team_id", SlackFake.TEAM_ID);
        command.put("team_domain", "example");
        command.put("channel_id", channel);
        command.put("channel_name", "eng");
        command.put("user_id", user);
        command.put("user_name", user.toLowerCase(Locale.ROOT));
        command.put("command", "/nightshift");
        command.put("text", text);
        command.put("api_app_id", SlackFake.APP_ID);
        command.put("is_enterprise_install", "false");
        command.put("response_url", "https://hooks.slack.com/commands/" + SlackFake.TEAM_ID + "/1234/abcd");
        command.put("trigger_id", "13345224609.738474920.8088930838d88f008e0");
        try {
            return JSON.writeValueAsString(command);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.nightshift.slack;

import java.util.Set;

/**
 * An Events API payload Nightshift acts on, as {@link SlackEvents#parse} reads it. Slack ids ({@code
 * T…} teams, {@code C…}/{@code D…}/{@code G…} channels, {@code U…}/{@code W…} users) and message
 * timestamps ({@code ts}, which name a message within its channel) are kept as Slack writes them.
 * Text is Slack's: mentions as {@code <@U…>}, links as {@code <url|label>}, and {@code &}, {@code <},
 * {@code >} escaped; {@link SlackEvents#requestText} makes a request of it.
 */
public sealed interface SlackEvent {

    /**
     * Slack checking a Request URL: answer 200 with {@code challenge} (as text or as {@code
     * {"challenge": …}}). Comes over HTTP only, never over Socket Mode.
     */
    record UrlVerification(String challenge) implements SlackEvent {}

    /**
     * Someone mentioned the app in a channel it is in ({@code app_mention}). Direct messages to the
     * app come as {@link Message}s instead.
     *
     * @param teamId the workspace, from the envelope
     * @param threadTs the thread's first message when the mention is a reply in a thread; null when
     *     the mention starts no thread yet (reply in a new thread under {@code ts})
     * @param eventId the envelope's {@code event_id}: Slack retries a delivery with the same id, so a
     *     second delivery of it is a repeat
     */
    record Mention(String teamId, String channel, String user, String text, String ts, String threadTs, String eventId)
            implements SlackEvent {}

    /**
     * A message in a conversation the app is in ({@code message}: {@code message.im} for direct
     * messages to the app, {@code message.channels}/{@code message.groups} where subscribed).
     *
     * <p>A plain message from a person has {@code subtype} and {@code botId} null. Anything else is
     * marked: {@code botId} is set for messages posted by an app or bot (the app's own included,
     * which must not be answered); {@code subtype} names edits ({@code message_changed}), deletions
     * ({@code message_deleted}), {@code bot_message}, joins and the like. For an edit or deletion,
     * {@code user} and {@code text} are null: the edited message is nested in the payload and not
     * read, as edits do not start anything.
     *
     * @param channelType {@code im} (a direct message), {@code channel}, {@code group} (private
     *     channel) or {@code mpim}, as Slack sends it; null when absent
     * @param threadTs the thread's first message for a reply in a thread; null for a message that is
     *     not in a thread (Slack's {@code thread_ts} equal to {@code ts} is read as null too)
     */
    record Message(
            String teamId,
            String channel,
            String channelType,
            String user,
            String text,
            String ts,
            String threadTs,
            String botId,
            String subtype,
            String eventId)
            implements SlackEvent {

        /** The subtypes of messages people write: a file with a message, a reply also sent to the channel. */
        static final Set<String> PERSON_SUBTYPES = Set.of("file_share", "thread_broadcast");

        /**
         * A message a person wrote, neither an app's nor a change to another message: no {@code botId},
         * a {@code user}, and no subtype or one of a person's ({@code file_share}, {@code
         * thread_broadcast}).
         */
        public boolean fromPerson() {
            return botId == null && user != null && (subtype == null || PERSON_SUBTYPES.contains(subtype));
        }
    }

    /**
     * Someone pressed the Stop button of a status message ({@code block_actions} with the action
     * {@value StatusMessage#STOP_ACTION_ID}). Slack does not check who may stop the session: the
     * server does.
     *
     * @param channel where the status message is
     * @param messageTs the status message
     * @param threadTs the thread the status message is in; null when it is not in one
     * @param user who pressed it
     * @param sessionId the button's value
     */
    record StopPressed(String teamId, String channel, String messageTs, String threadTs, String user, String sessionId)
            implements SlackEvent {}

    /**
     * Someone pressed a repository button of an ephemeral picker ({@value
     * RepositoryPicker#ACTION_PREFIX}…).
     *
     * @param threadTs the thread the picker was shown in; null when not in one
     * @param value the button's value: the pending request's id and the repository
     */
    record RepositoryPicked(String teamId, String channel, String threadTs, String user, String value)
            implements SlackEvent {}

    /**
     * Someone pressed an answer button of the agent's question ({@value QuestionMessage#ANSWER_PREFIX}…)
     * or the Approve button of its plan ({@value QuestionMessage#APPROVE_ACTION_ID}). Slack does not
     * check who may answer: the server does.
     *
     * @param messageTs the question's message
     * @param threadTs the thread it is in; null when it is not in one
     * @param approve the Approve button of a plan (else an answer)
     * @param value the button's value: {@code <question id> <option index>}, or the plan's id
     */
    record AnswerPressed(
            String teamId,
            String channel,
            String messageTs,
            String threadTs,
            String user,
            boolean approve,
            String value)
            implements SlackEvent {}
}

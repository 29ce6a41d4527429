package dev.nightshift.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.slack.SlackEvent.Mention;
import dev.nightshift.slack.SlackEvent.Message;
import dev.nightshift.slack.SlackEvent.StopPressed;
import dev.nightshift.slack.SlackEvent.UrlVerification;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what Slack sends into {@link SlackEvent}s, and a person's message into a request: the text
 * without the app's mention, and the repository it names. Stateless and pure, so any thread may
 * call it; the server calls {@link #parse} after {@link SlackSignatures#verify} (HTTP) or with a
 * Socket Mode envelope's payload.
 */
public final class SlackEvents {

    /** The host a bare {@code owner/repo} is taken to be on: the forge Nightshift integrates with. */
    public static final String SHORTHAND_HOST = "github.com";

    /** Hosts whose URLs name a repository wherever they stand in a message. */
    static final Set<String> FORGE_HOSTS = Set.of("github.com", "gitlab.com", "bitbucket.org");

    /** The words after which a repository may be written as a bare {@code owner/repo} or any URL. */
    static final Set<String> REPOSITORY_WORDS = Set.of("in", "repo", "repository");

    /** First path segments of github.com that are pages, not owners. */
    static final Set<String> GITHUB_RESERVED = Set.of(
            "about",
            "apps",
            "enterprise",
            "explore",
            "features",
            "issues",
            "login",
            "marketplace",
            "notifications",
            "orgs",
            "pricing",
            "pulls",
            "search",
            "settings",
            "sponsors",
            "topics",
            "users");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code <url>} or {@code <url|label>}: how Slack writes a link in a message's text. */
    private static final Pattern SLACK_LINK = Pattern.compile("<(https?://[^\\s|>]+)(?:\\|[^>]*)?>");

    /** GitHub's rules: an owner is 1–39 letters, digits and single hyphens; a name adds {@code .} and {@code _}. */
    private static final Pattern SHORTHAND =
            Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})");

    private static final String LEADING_PUNCTUATION = "([{<\"'`*_";
    private static final String TRAILING_PUNCTUATION = ".,;:!?)]}>\"'`*_";

    private SlackEvents() {}

    /**
     * The event in a payload Slack sent, or empty when Nightshift does not act on it or cannot read
     * it. The payload is an Events API request's body or a Socket Mode {@code events_api} envelope's
     * {@code payload}; or an interaction: a Socket Mode {@code interactive} envelope's {@code payload},
     * or the {@code payload} form field of an HTTP interactivity request (which the caller takes out
     * of the form).
     *
     * <p>Read: {@code url_verification} with its {@code challenge}; {@code event_callback} carrying an
     * {@code app_mention} or a {@code message}, with the envelope's {@code team_id} and {@code
     * event_id} (both required, as the server deduplicates on the event id) and the event's {@code
     * channel} and {@code ts} (required); {@code block_actions} with a {@value
     * StatusMessage#STOP_ACTION_ID} action, a user, a channel and a message. A field of the wrong JSON
     * type counts as absent. Everything else is empty: other event types and actions, bodies that are
     * not JSON objects, missing fields. A payload comes from the network, so nothing in it makes this
     * throw.
     */
    public static Optional<SlackEvent> parse(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(
                    switch (String.valueOf(text(root, "type"))) {
                        case "url_verification" -> urlVerification(root);
                        case "event_callback" -> eventCallback(root);
                        case "block_actions" -> blockActions(root);
                        default -> null;
                    });
        } catch (RuntimeException malformed) {
            // the readers return null for what they cannot use; this is the last guard for a payload
            // shaped in a way they did not foresee, which is still not the caller's error
            return Optional.empty();
        }
    }

    private static SlackEvent urlVerification(JsonNode root) {
        String challenge = text(root, "challenge");
        return challenge == null ? null : new UrlVerification(challenge);
    }

    private static SlackEvent eventCallback(JsonNode root) {
        String teamId = text(root, "team_id");
        String eventId = text(root, "event_id");
        JsonNode event = root.path("event");
        if (blank(teamId) || blank(eventId) || !event.isObject()) {
            return null;
        }
        String channel = text(event, "channel");
        String ts = text(event, "ts");
        if (blank(channel) || blank(ts)) {
            return null;
        }
        String threadTs = text(event, "thread_ts");
        if (threadTs != null && (threadTs.isBlank() || threadTs.equals(ts))) {
            threadTs = null;
        }
        return switch (String.valueOf(text(event, "type"))) {
            case "app_mention" -> {
                String user = text(event, "user");
                yield blank(user)
                        ? null
                        : new Mention(teamId, channel, user, orEmpty(text(event, "text")), ts, threadTs, eventId);
            }
            case "message" ->
                new Message(
                        teamId,
                        channel,
                        text(event, "channel_type"),
                        text(event, "user"),
                        text(event, "text"),
                        ts,
                        threadTs,
                        text(event, "bot_id"),
                        text(event, "subtype"),
                        eventId);
            default -> null;
        };
    }

    private static SlackEvent blockActions(JsonNode root) {
        JsonNode actions = root.path("actions");
        if (!actions.isArray()) {
            return null;
        }
        for (JsonNode action : actions) {
            String id = text(action, "action_id");
            if (id != null
                    && (id.startsWith(QuestionMessage.ANSWER_PREFIX) || id.equals(QuestionMessage.APPROVE_ACTION_ID))) {
                return answerPressed(root, id, text(action, "value"));
            }
            if (id != null && id.startsWith(RepositoryPicker.ACTION_PREFIX)) {
                String picked = text(action, "value");
                String team = text(root.path("team"), "id");
                if (team == null) {
                    team = text(root.path("user"), "team_id");
                }
                String who = text(root.path("user"), "id");
                String where = text(root.path("container"), "channel_id");
                if (where == null) {
                    where = text(root.path("channel"), "id");
                }
                if (blank(picked) || blank(team) || blank(who) || blank(where)) {
                    return null;
                }
                String thread = text(root.path("container"), "thread_ts");
                return new SlackEvent.RepositoryPicked(team, where, blank(thread) ? null : thread, who, picked);
            }
        }
        String sessionId = null;
        for (JsonNode action : actions) {
            if (StatusMessage.STOP_ACTION_ID.equals(text(action, "action_id"))) {
                sessionId = text(action, "value");
                break;
            }
        }
        JsonNode container = root.path("container");
        String teamId = text(root.path("team"), "id");
        if (teamId == null) {
            teamId = text(root.path("user"), "team_id");
        }
        String user = text(root.path("user"), "id");
        String channel = text(container, "channel_id");
        if (channel == null) {
            channel = text(root.path("channel"), "id");
        }
        String messageTs = text(container, "message_ts");
        if (messageTs == null) {
            messageTs = text(root.path("message"), "ts");
        }
        if (blank(sessionId) || blank(teamId) || blank(user) || blank(channel) || blank(messageTs)) {
            return null;
        }
        String threadTs = text(container, "thread_ts");
        if (threadTs == null) {
            threadTs = text(root.path("message"), "thread_ts");
        }
        if (threadTs != null && (threadTs.isBlank() || threadTs.equals(messageTs))) {
            threadTs = null;
        }
        return new StopPressed(teamId, channel, messageTs, threadTs, user, sessionId);
    }

    /** An answer or Approve button: who pressed it, where, and its value; null when any of them is missing. */
    private static SlackEvent answerPressed(JsonNode root, String actionId, String value) {
        String team = text(root.path("team"), "id");
        if (team == null) {
            team = text(root.path("user"), "team_id");
        }
        String who = text(root.path("user"), "id");
        JsonNode container = root.path("container");
        String channel = text(container, "channel_id");
        if (channel == null) {
            channel = text(root.path("channel"), "id");
        }
        String messageTs = text(container, "message_ts");
        if (messageTs == null) {
            messageTs = text(root.path("message"), "ts");
        }
        if (blank(value) || blank(team) || blank(who) || blank(channel) || blank(messageTs)) {
            return null;
        }
        String thread = text(container, "thread_ts");
        if (thread == null) {
            thread = text(root.path("message"), "thread_ts");
        }
        return new SlackEvent.AnswerPressed(
                team,
                channel,
                messageTs,
                blank(thread) || thread.equals(messageTs) ? null : thread,
                who,
                actionId.equals(QuestionMessage.APPROVE_ACTION_ID),
                value);
    }

    /**
     * A message's text as a request to the app: the app's own mentions ({@code <@BOTID>}, {@code
     * <@BOTID|name>}) removed with the space after each, links ({@code <url|label>}, {@code <url>})
     * written as their URL (the label can say anything), Slack's escapes ({@code &lt;}, {@code &gt;},
     * {@code &amp;}) turned back into the characters, and the whole stripped. Other mentions stay as
     * Slack wrote them.
     *
     * @param botUserId the app's bot user ({@link SlackClient#authTest}); null removes no mention
     * @param text Slack's text; null gives the empty string
     */
    public static String requestText(String botUserId, String text) {
        if (text == null) {
            return "";
        }
        String result = text;
        if (botUserId != null && !botUserId.isBlank()) {
            result = result.replaceAll("<@" + Pattern.quote(botUserId) + "(?:\\|[^>]*)?>[ \\t]?", "");
        }
        result = SLACK_LINK.matcher(result).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        result = result.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        return result.strip();
    }

    /**
     * The repository a message names, as a URL to clone, or empty when it names none. The grammar,
     * word by word (words are split on white space; brackets, quotes, backticks and trailing
     * punctuation around a word are ignored; Slack's {@code <url|label>} counts as its URL, never its
     * label):
     *
     * <ul>
     *   <li>an {@code http(s)} URL on github.com, gitlab.com or bitbucket.org, anywhere: {@code
     *       https://github.com/acme/app/pull/3} names {@code https://github.com/acme/app};
     *   <li>any other {@code http(s)} URL whose path ends in {@code .git}, anywhere;
     *   <li>any {@code http(s)} URL right after the word {@code in}, {@code repo} or {@code
     *       repository} (a colon after the word is fine): {@code in https://git.example.com/team/app};
     *   <li>{@code owner/repo} right after one of those words, on {@value #SHORTHAND_HOST}, with GitHub's
     *       characters and at least one letter (so {@code in 2024/25} names nothing): {@code fix the
     *       login bug in acme/app}, {@code repo: acme/app}.
     * </ul>
     *
     * <p>The first match in reading order wins. A URL names the repository by its first two path
     * segments on github.com and bitbucket.org (owner and name; a trailing {@code .git} dropped on
     * github.com), and elsewhere by its path up to GitLab's {@code /-/} separator, so links to a
     * pull request, a file or a tree name their repository. The scheme and port are kept; user
     * information, query and fragment are dropped. Paths with {@code .} or {@code ..} segments, and
     * github.com pages that are not repositories ({@code /orgs/…}, {@code /settings/…}), name nothing.
     */
    public static Optional<String> repository(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String plain = SLACK_LINK.matcher(text).replaceAll(m -> Matcher.quoteReplacement(" " + m.group(1) + " "));
        String previous = "";
        for (String raw : plain.split("\\s+")) {
            String word = trim(raw);
            boolean afterWord = REPOSITORY_WORDS.contains(previous);
            previous = word.toLowerCase(Locale.ROOT);
            if (word.isEmpty()) {
                continue;
            }
            Optional<String> found =
                    word.regionMatches(true, 0, "http://", 0, 7) || word.regionMatches(true, 0, "https://", 0, 8)
                            ? fromUrl(word, afterWord)
                            : afterWord ? fromShorthand(word) : Optional.empty();
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fromUrl(String word, boolean afterWord) {
        URI uri;
        try {
            uri = new URI(word);
        } catch (URISyntaxException malformed) {
            return Optional.empty();
        }
        String host = uri.getHost();
        String path = uri.getPath();
        if (host == null || path == null) {
            return Optional.empty();
        }
        host = host.toLowerCase(Locale.ROOT);
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        boolean forge = FORGE_HOSTS.contains(host);
        boolean gitSuffix = !segments.isEmpty() && segments.getLast().endsWith(".git");
        if (!forge && !gitSuffix && !afterWord) {
            return Optional.empty();
        }
        List<String> repository;
        if (host.equals("github.com") || host.equals("bitbucket.org")) {
            if (segments.size() < 2) {
                return Optional.empty();
            }
            repository = new ArrayList<>(segments.subList(0, 2));
            if (host.equals("github.com")) {
                if (GITHUB_RESERVED.contains(repository.getFirst().toLowerCase(Locale.ROOT))) {
                    return Optional.empty();
                }
                String name = repository.get(1);
                if (name.endsWith(".git")) {
                    repository.set(1, name.substring(0, name.length() - 4));
                }
            }
        } else {
            int separator = segments.indexOf("-");
            repository = separator < 0 ? segments : segments.subList(0, separator);
            if (repository.size() < 2) {
                return Optional.empty();
            }
        }
        if (repository.stream().anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
            return Optional.empty();
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return Optional.of(scheme + "://" + host + port + "/" + String.join("/", repository));
    }

    private static Optional<String> fromShorthand(String word) {
        Matcher m = SHORTHAND.matcher(word);
        if (!m.matches() || word.chars().noneMatch(Character::isLetter)) {
            return Optional.empty();
        }
        String name = m.group(1);
        if (name.endsWith(".git")) {
            word = word.substring(0, word.length() - 4);
            name = name.substring(0, name.length() - 4);
        }
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        return Optional.of("https://" + SHORTHAND_HOST + "/" + word);
    }

    private static String trim(String word) {
        int start = 0;
        int end = word.length();
        while (start < end && LEADING_PUNCTUATION.indexOf(word.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && TRAILING_PUNCTUATION.indexOf(word.charAt(end - 1)) >= 0) {
            end--;
        }
        return word.substring(start, end);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}

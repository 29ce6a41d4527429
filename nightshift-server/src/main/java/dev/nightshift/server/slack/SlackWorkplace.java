package dev.nightshift.server.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.model.Identity;
import dev.nightshift.core.model.Question;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.Origin;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSink;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.auth.SignIn;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.question.Questions;
import dev.nightshift.server.session.SessionProgress;
import dev.nightshift.server.session.TurnControl;
import dev.nightshift.slack.QuestionMessage;
import dev.nightshift.slack.SlackClient;
import dev.nightshift.slack.SlackEvent;
import dev.nightshift.slack.SlackEvents;
import dev.nightshift.slack.StatusMessage;
import dev.nightshift.triggers.TriggerPipeline;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack as a place to ask for work: a mention of the app in a channel, or a direct message to it,
 * starts a session in that thread; replies in the thread by admitted, linked people are follow-ups
 * (for {@link #THREAD_LIFETIME}, then a new session), and {@code stop} or the Stop button stops the
 * turn. One status message per request, updated at most every {@link #UPDATE_EVERY}, follows the
 * turn and ends with the summary, the branch and the pull request.
 *
 * <p>Who acts: the session runs as the Nightshift user linked to the Slack user (an identity of kind
 * {@code slack}, issuer the team id), linked on first contact through their confirmed e-mail when
 * the admission policy admits it; others get an ephemeral message and no session. The app's bot
 * token posts. Deliveries arrive over the Events API or Socket Mode; both end in {@link #handle},
 * on the request thread or a virtual thread.
 *
 * <p>Slack wants an answer within three seconds, so {@link #handle} does only what the database can
 * decide — the delivery is recorded by the caller, then a linked person's request with a known
 * repository becomes a durable trigger — and leaves every call to Slack (the 👀 reaction, looking up a
 * newcomer's e-mail, the repository picker, ephemeral replies) to {@link #later}, on a virtual thread
 * after the acknowledgement. Status updates run on the server's timer and never block a turn.
 */
public final class SlackWorkplace implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlackWorkplace.class);
    /** The origin kind of a Slack thread's sessions: {@code slack:<team>/<channel>/<thread ts>}. */
    public static final String ORIGIN = "slack";
    /** How long a thread keeps following up on its session; later replies start a new one. */
    static final Duration THREAD_LIFETIME = Duration.ofDays(7);
    /** Slack's chat.update limits: a thread's status message changes at most this often. */
    static final Duration UPDATE_EVERY = Duration.ofSeconds(3);

    private static final int MAX_PROMPT_CHARS = 20_000;

    /** What the operator configured for Slack. */
    public record Settings(Map<String, String> channelRepositories) {
        public Settings {
            channelRepositories = Map.copyOf(channelRepositories);
        }
    }

    private final Store store;
    private final TriggerPipeline pipeline;
    private final SlackClient slack;
    private final SignIn signIn;
    private final TurnControl turns;
    private final Settings settings;
    private final List<String> allowedRepositories;
    private final dev.nightshift.core.policy.RepositoryPolicy repositories;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private final Questions questions;
    private volatile String botUserId;
    private final Map<String, Status> running = new ConcurrentHashMap<>();
    /** Where work after the acknowledgement runs: one virtual thread per piece. */
    private final java.util.concurrent.ExecutorService after =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    /** A thread's status message while its turn runs: where it is and what it said last. */
    private record Status(String channel, String ts, String sessionId, String said) {}

    public SlackWorkplace(
            Store store,
            TriggerPipeline pipeline,
            SlackClient slack,
            SignIn signIn,
            TurnControl turns,
            Settings settings,
            List<String> allowedRepositories,
            dev.nightshift.core.policy.RepositoryPolicy repositories,
            Supplier<String> baseUrl,
            Clock clock,
            Questions questions) {
        this.questions = questions;
        this.repositories = repositories;
        this.store = store;
        this.pipeline = pipeline;
        this.slack = slack;
        this.signIn = signIn;
        this.turns = turns;
        this.settings = settings;
        this.allowedRepositories = List.copyOf(allowedRepositories);
        this.baseUrl = baseUrl;
        this.clock = clock;
        pipeline.sink(ORIGIN, new Sink());
    }

    /**
     * Updates running status messages on {@code timer}, every {@link #UPDATE_EVERY}, and learns the
     * app's own user id in the background (so the first event need not ask Slack).
     */
    public void start(ScheduledExecutorService timer) {
        timer.scheduleWithFixedDelay(
                this::refreshQuietly, UPDATE_EVERY.toMillis(), UPDATE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        later("learning the app's user id", this::botUser);
    }

    /** Lets work handed over after an acknowledgement finish (a few seconds at most), then stops. */
    @Override
    public void close() {
        after.shutdown();
        try {
            if (!after.awaitTermination(5, TimeUnit.SECONDS)) {
                after.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            after.shutdownNow();
        }
    }

    /**
     * Runs {@code work} after the acknowledgement, on a virtual thread; a failure is logged and
     * audited (Slack will not send the event again: it was acknowledged).
     */
    private void later(String what, Runnable work) {
        try {
            after.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.warn("Slack: {} failed", what, e);
                    audit(null, "slack.event", what, "failed", String.valueOf(e.getMessage()));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Slack: {} dropped, the server is stopping", what);
        }
    }

    private String botUser() {
        String id = botUserId;
        if (id == null) {
            id = slack.authTest();
            botUserId = id;
        }
        return id;
    }

    /** Acts on one verified, first-seen event; returns what was done. */
    public String handle(SlackEvent event) {
        try {
            return switch (event) {
                case SlackEvent.UrlVerification v -> "challenge";
                case SlackEvent.Mention m ->
                    ask(m.teamId(), m.channel(), m.user(), m.text(), m.ts(), m.threadTs(), m.eventId());
                case SlackEvent.Message m -> message(m);
                case SlackEvent.StopPressed s -> stopPressed(s);
                case SlackEvent.RepositoryPicked p -> picked(p);
                case SlackEvent.AnswerPressed a -> answerPressed(a);
            };
        } catch (RuntimeException e) {
            LOG.warn("handling a Slack {} failed", event.getClass().getSimpleName(), e);
            audit(null, "slack.event", event.getClass().getSimpleName(), "failed", e.getMessage());
            return "failed: " + e.getMessage();
        }
    }

    private String message(SlackEvent.Message m) {
        if (!m.fromPerson() || botUser().equals(m.user())) {
            return "ignored: not a person's message"; // never answer ourselves
        }
        if ("im".equals(m.channelType()) && m.threadTs() == null) {
            return ask(m.teamId(), m.channel(), m.user(), m.text(), m.ts(), null, m.eventId());
        }
        if (m.threadTs() == null || m.text() == null || m.text().contains("<@" + botUser() + ">")) {
            return "ignored: not a thread reply"; // a mention in a thread arrives as app_mention too
        }
        Origin origin = origin(m.teamId(), m.channel(), m.threadTs());
        Optional<Trigger> bound = pipeline.forOrigin(origin);
        if (bound.isEmpty() || bound.get().createdAt().plus(THREAD_LIFETIME).isBefore(clock.instant())) {
            return "ignored: no live session in this thread";
        }
        return ask(m.teamId(), m.channel(), m.user(), m.text(), m.ts(), m.threadTs(), m.eventId());
    }

    /**
     * A request in a thread (or a new one): start or follow up its session, or stop its turn. A linked
     * person's request is decided here; anyone else is looked up (by e-mail, through Slack) after the
     * acknowledgement.
     */
    private String ask(
            String teamId, String channel, String slackUser, String text, String ts, String threadTs, String eventId) {
        String thread = threadTs != null ? threadTs : ts;
        channelTeams.put(channel, teamId);
        Optional<Identity> identity = store.identities().find("slack", teamId, slackUser);
        if (identity.isPresent()) {
            Optional<User> user = store.users().byId(identity.get().userId()).filter(User::active);
            if (user.isEmpty()) {
                later(
                        "telling " + slackUser + " how to connect",
                        () -> tellHowToConnect(teamId, channel, thread, slackUser));
                return "ignored: unlinked";
            }
            return askAs(user.get(), teamId, channel, slackUser, text, ts, thread, eventId);
        }
        later("first contact with " + slackUser, () -> {
            Optional<User> user = personByEmail(teamId, slackUser);
            if (user.isEmpty()) {
                tellHowToConnect(teamId, channel, thread, slackUser);
            } else {
                askAs(user.get(), teamId, channel, slackUser, text, ts, thread, eventId);
            }
        });
        return "accepted: looking up " + slackUser;
    }

    /** The ephemeral "connect your account" message, with a one-time link for this Slack user. */
    private void tellHowToConnect(String teamId, String channel, String thread, String slackUser) {
        slack.postEphemeral(
                channel,
                thread,
                slackUser,
                // only this person sees it (ephemeral): the link binds their Slack account to whoever opens it
                "I can only work for people with a Nightshift account. Connect yours: sign in at "
                        + baseUrl.get() + " and open " + baseUrl.get() + "/connect#"
                        + connectCode(teamId, slackUser)
                        + " within 30 minutes (an administrator may need to admit you first), then ask again.");
        audit(null, "slack.ignored", channel, "ignored", "no admitted Nightshift account for " + slackUser);
    }

    /** A known person's request: stop, follow up or start; Slack is called only after the acknowledgement. */
    private String askAs(
            User person,
            String teamId,
            String channel,
            String slackUser,
            String text,
            String ts,
            String thread,
            String eventId) {
        String request =
                SlackEvents.requestText(botUser(), text == null ? "" : text).strip();
        Origin origin = origin(teamId, channel, thread);
        Optional<Trigger> bound = pipeline.forOrigin(origin)
                .filter(t -> !t.createdAt().plus(THREAD_LIFETIME).isBefore(clock.instant()));
        if (bound.isPresent() && request.equalsIgnoreCase("stop")) {
            turns.stop(bound.get().sessionId());
            audit(person.id(), "slack.stop", origin.id(), "ok", bound.get().sessionId());
            return "stopped";
        }
        if (bound.isPresent()) {
            Optional<Question> waiting = questions.open(bound.get().sessionId());
            if (waiting.isPresent()) {
                // the turn waits for an answer: the reply is the answer, not a follow-up
                return answerFromThread(person, waiting.get(), request, channel, thread, ts, slackUser);
            }
        }
        later("reacting to " + ts, () -> slack.react(channel, ts, "eyes"));
        String repository = bound.map(Trigger::repository).orElseGet(() -> repository(channel, request));
        if (repository == null) {
            later(
                    "asking which repository",
                    () -> askWhichRepository(teamId, channel, thread, ts, slackUser, person, text, eventId, origin));
            return "accepted: asking which repository";
        }
        return record(person, repository, bound, request, eventId, origin, teamId, channel, thread);
    }

    /**
     * No repository named and none set for the channel: an ephemeral picker of the person's recent
     * repositories, the request kept (hashed id, 30 minutes) until they pick one.
     */
    private void askWhichRepository(
            String teamId,
            String channel,
            String thread,
            String ts,
            String slackUser,
            User user,
            String text,
            String eventId,
            Origin origin) {
        List<String> recent = store
                .sessions()
                .list(new dev.nightshift.core.port.SessionQuery(user.id(), user.id(), null, null, 0, 50))
                .items()
                .stream()
                .map(Session::repository)
                .distinct()
                .limit(dev.nightshift.slack.RepositoryPicker.MAX_CHOICES)
                .toList();
        String help = "Which repository? Name it in your message (\"… in https://github.com/acme/app\"), or set this "
                + "channel's default with /nightshift repo <git URL>.";
        if (recent.isEmpty()) {
            slack.postEphemeral(channel, thread, slackUser, help);
        } else {
            String pending = dev.nightshift.core.Secrets.newSecret("nsp");
            store.oneTimeValues()
                    .save(
                            PICK_PURPOSE,
                            dev.nightshift.core.Secrets.hash(pending),
                            Json.write(Map.of(
                                    "team",
                                    teamId,
                                    "channel",
                                    channel,
                                    "thread",
                                    thread,
                                    "user",
                                    slackUser,
                                    "text",
                                    text == null ? "" : text,
                                    "event",
                                    eventId)),
                            clock.instant().plus(CONNECT_TTL));
            slack.postEphemeral(
                    channel,
                    thread,
                    slackUser,
                    help,
                    dev.nightshift.slack.RepositoryPicker.blocksJson(pending, recent));
        }
        audit(user.id(), "slack.ask_repository", origin.id(), "ok", recent.size() + " recent repositories offered");
    }

    /** A picker's button: the request it kept starts on the repository picked (by the person who asked). */
    private String picked(SlackEvent.RepositoryPicked p) {
        int space = p.value().indexOf(' ');
        if (space < 0) {
            return "ignored: not a picker's value";
        }
        Optional<String> kept = store.oneTimeValues()
                .consume(
                        PICK_PURPOSE, dev.nightshift.core.Secrets.hash(p.value().substring(0, space)), clock.instant());
        if (kept.isEmpty()) {
            later(
                    "saying a choice expired",
                    () -> slack.postEphemeral(
                            p.channel(), p.threadTs(), p.user(), "That choice has expired; ask again."));
            return "ignored: expired";
        }
        JsonNode request = Json.tree(kept.get());
        if (!request.path("user").asText().equals(p.user())) {
            return "ignored: someone else's choice";
        }
        Optional<User> user = linkedPerson(p.teamId(), p.user());
        if (user.isEmpty()) {
            return "ignored: unlinked";
        }
        String repository = p.value().substring(space + 1);
        String thread = request.path("thread").asText();
        Origin origin = origin(p.teamId(), p.channel(), thread);
        return record(
                user.get(),
                repository,
                Optional.empty(),
                SlackEvents.requestText(botUser(), request.path("text").asText())
                        .strip(),
                request.path("event").asText() + ":picked",
                origin,
                p.teamId(),
                p.channel(),
                thread);
    }

    /** Where a kept request waits for its repository to be picked. */
    static final String PICK_PURPOSE = "slack-pick";

    private String record(
            User user,
            String repository,
            Optional<Trigger> bound,
            String request,
            String eventId,
            Origin origin,
            String teamId,
            String channel,
            String thread) {
        NewTrigger trigger = new NewTrigger(
                TriggerPipeline.newTriggerId(),
                TriggerSource.SLACK,
                user.id(),
                repository,
                bound.map(Trigger::baseBranch).orElse(null),
                request.isEmpty() ? "(an empty request: ask what to do)" : cap(request),
                "event:" + eventId,
                // an expired thread starts afresh: a new origin for the same thread
                bound.isEmpty() && pipeline.forOrigin(origin).isPresent()
                        ? origin(teamId, channel, thread + "+" + clock.instant().toEpochMilli())
                        : origin,
                null);
        pipeline.record(trigger);
        audit(user.id(), "slack.request", origin.id(), "ok", trigger.id());
        return (bound.isPresent() ? "follow-up: " : "started: ") + trigger.id();
    }

    private String stopPressed(SlackEvent.StopPressed s) {
        Optional<User> user = linkedPerson(s.teamId(), s.user());
        Optional<Session> session = store.sessions().get(s.sessionId());
        if (user.isEmpty()
                || session.isEmpty()
                || !store.sessions()
                        .role(s.sessionId(), user.get().id())
                        .map(role -> Access.allows(role, Access.Action.PROMPT))
                        .orElse(false)) {
            later(
                    "saying who may stop",
                    () -> slack.postEphemeral(
                            s.channel(), s.threadTs(), s.user(), "Only the session's members can stop it."));
            return "ignored: not a member";
        }
        turns.stop(s.sessionId());
        audit(user.get().id(), "slack.stop", s.sessionId(), "ok", "button");
        return "stopped";
    }

    // ---------------------------------------------------------------- the agent's questions

    /**
     * A turn of a session this Slack thread started asks: the question (or plan) goes to the thread,
     * with buttons where one click can answer. Called on the turn's thread; Slack is called later.
     */
    public void questionAsked(Question question) {
        Optional<Session> session = store.sessions().get(question.sessionId());
        String origin = session.map(Session::origin).orElse(null);
        if (origin == null || !origin.startsWith(ORIGIN + ":")) {
            return;
        }
        String[] t = origin.substring(ORIGIN.length() + 1).split("/", 3);
        if (t.length < 3) {
            return;
        }
        String thread = t[2].contains("+") ? t[2].substring(0, t[2].indexOf('+')) : t[2];
        QuestionMessage message = message(question);
        later("asking in " + t[1] + " " + thread, () -> {
            slack.postMessage(t[1], thread, message.text(), message.blocksJson());
            audit(null, "slack.question", origin, "ok", question.id());
        });
    }

    private QuestionMessage message(Question question) {
        JsonNode data = Json.tree(question.data());
        String url = sessionUrl(question.sessionId());
        return question.kind() == Question.Kind.PLAN
                ? QuestionMessage.plan(question.id(), data.path("plan").asText(), url)
                : QuestionMessage.question(question.id(), items(data), url);
    }

    private static List<QuestionMessage.Item> items(JsonNode data) {
        List<QuestionMessage.Item> items = new java.util.ArrayList<>();
        for (JsonNode q : data.path("questions")) {
            List<String> options = new java.util.ArrayList<>();
            q.path("options").forEach(o -> options.add(o.asText()));
            items.add(new QuestionMessage.Item(q.path("question").asText(), options));
        }
        return items;
    }

    /**
     * A reply in the thread while the turn waits: the answer, one line per question (or, for a plan,
     * "approve", or the changes asked for), given as the linked person, who must be a member of the
     * session. Decided from the database; what Slack is told comes after the acknowledgement.
     */
    private String answerFromThread(
            User person,
            Question question,
            String request,
            String channel,
            String thread,
            String ts,
            String slackUser) {
        Caller caller = Caller.actingFor(person, "slack " + slackUser);
        try {
            if (question.kind() == Question.Kind.PLAN) {
                if (dev.nightshift.core.policy.QuestionRules.approves(request)) {
                    questions.approvePlan(
                            caller, question.sessionId(), new Requests.ApprovePlan(question.id(), null), Source.SLACK);
                } else {
                    questions.answer(
                            caller,
                            question.sessionId(),
                            question.id(),
                            new Requests.Answer(List.of(request)),
                            Source.SLACK);
                }
            } else {
                List<QuestionMessage.Item> items = items(Json.tree(question.data()));
                Optional<List<String>> answers = QuestionMessage.answers(items, request);
                if (answers.isEmpty()) {
                    later(
                            "saying how to answer",
                            () -> slack.postEphemeral(
                                    channel,
                                    thread,
                                    slackUser,
                                    "The agent asked " + items.size() + " questions: answer each on its own line, in "
                                            + "order, in one reply."));
                    return "ignored: the reply does not answer the " + items.size() + " questions";
                }
                questions.answer(
                        caller, question.sessionId(), question.id(), new Requests.Answer(answers.get()), Source.SLACK);
            }
        } catch (ApiException e) {
            later(
                    "saying why the answer was refused",
                    () -> slack.postEphemeral(channel, thread, slackUser, e.getMessage()));
            return "ignored: " + e.getMessage();
        }
        later("acknowledging the answer " + ts, () -> slack.react(channel, ts, "white_check_mark"));
        audit(person.id(), "slack.answer", question.id(), "ok", question.sessionId());
        return "answered: " + question.id();
    }

    /** An answer or Approve button: answered as the linked person, and the buttons give way to the answer. */
    private String answerPressed(SlackEvent.AnswerPressed pressed) {
        Optional<User> user = linkedPerson(pressed.teamId(), pressed.user());
        if (user.isEmpty()) {
            later(
                    "telling " + pressed.user() + " how to connect",
                    () -> tellHowToConnect(pressed.teamId(), pressed.channel(), pressed.threadTs(), pressed.user()));
            return "ignored: unlinked";
        }
        String[] value = pressed.value().split(" ", 2);
        Optional<Question> question = store.questions().get(value[0]);
        if (question.isEmpty()) {
            return "ignored: no question " + value[0];
        }
        Question q = question.get();
        Caller caller = Caller.actingFor(user.get(), "slack " + pressed.user());
        String said;
        try {
            if (pressed.approve()) {
                questions.approvePlan(caller, q.sessionId(), new Requests.ApprovePlan(q.id(), null), Source.SLACK);
                said = "Plan approved.";
            } else {
                List<QuestionMessage.Item> items = items(Json.tree(q.data()));
                int option = value.length < 2 ? -1 : parseIndex(value[1]);
                if (items.size() != 1
                        || option < 0
                        || option >= items.getFirst().options().size()) {
                    return "ignored: not an option of " + q.id();
                }
                String answer = items.getFirst().options().get(option);
                questions.answer(caller, q.sessionId(), q.id(), new Requests.Answer(List.of(answer)), Source.SLACK);
                said = items.getFirst().question() + " " + answer;
            }
        } catch (ApiException e) {
            later(
                    "saying why the answer was refused",
                    () -> slack.postEphemeral(pressed.channel(), pressed.threadTs(), pressed.user(), e.getMessage()));
            return "ignored: " + e.getMessage();
        }
        String text = said;
        later(
                "showing the answer in place of the buttons",
                () -> slack.update(
                        pressed.channel(),
                        pressed.messageTs(),
                        text,
                        QuestionMessage.answeredBlocksJson(text, pressed.user())));
        audit(user.get().id(), "slack.answer", q.id(), "ok", pressed.approve() ? "approved" : "button");
        return "answered: " + q.id();
    }

    private static int parseIndex(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The repository a request works on: named in it, the channel's default, or the only one allowed. */
    /** The team a channel's requests came from last (channel ids are unique across a workspace). */
    private final Map<String, String> channelTeams = new ConcurrentHashMap<>();

    private String teamOf(String channel) {
        return channelTeams.getOrDefault(channel, "");
    }

    /**
     * {@code /nightshift repo [url]}: shows or sets the channel's default repository (a linked person,
     * and a repository the policy allows them). Returns what Slack shows the person, ephemerally.
     */
    public String command(String teamId, String channel, String slackUser, String text) {
        channelTeams.put(channel, teamId);
        String[] words = text == null ? new String[0] : text.strip().split("\\s+", 2);
        if (words.length == 0 || !words[0].equalsIgnoreCase("repo")) {
            return "Usage: /nightshift repo <git URL> sets this channel's default repository; /nightshift repo shows it.";
        }
        if (words.length == 1) {
            return store.channelDefaults()
                    .repository(ORIGIN, teamId, channel)
                    .or(() -> Optional.ofNullable(settings.channelRepositories().get(channel)))
                    .map(r -> "This channel's requests work on " + r + " unless they name another repository.")
                    .orElse(
                            "This channel has no default repository: name one in your request, or set it with /nightshift repo <git URL>.");
        }
        Optional<User> user = linkedPerson(teamId, slackUser);
        if (user.isEmpty()) {
            return "Only people with a Nightshift account can set this; mention the app to get a link that connects yours.";
        }
        Optional<String> repository = channelRepository(words[1]);
        if (repository.isEmpty()) {
            return "\"" + words[1]
                    + "\" is not a repository I can read: give its git URL, e.g. https://github.com/acme/app.git";
        }
        Optional<dev.nightshift.core.policy.RepositoryPolicy.Refusal> refused =
                repositories.check(repository.get(), user.get().admin());
        if (refused.isPresent()) {
            audit(
                    user.get().id(),
                    "slack.channel_repository",
                    channel,
                    "refused",
                    refused.get().name());
            return repository.get() + " is not allowed on this Nightshift ("
                    + refused.get().name().toLowerCase(Locale.ROOT) + "); ask an administrator.";
        }
        store.channelDefaults()
                .set(ORIGIN, teamId, channel, repository.get(), user.get().id(), clock.instant());
        audit(user.get().id(), "slack.channel_repository", channel, "ok", repository.get());
        return "This channel's requests now work on " + repository.get() + " unless they name another repository.";
    }

    /**
     * The repository a channel's default names, read as {@code /nightshift repo <text>} reads it: by
     * the request grammar of {@link SlackEvents#repository}, so a default is always something a
     * mention can name too. Empty when it names none. Pure; any thread.
     */
    static Optional<String> channelRepository(String text) {
        return SlackEvents.repository("repo " + text);
    }

    private String repository(String channel, String request) {
        Optional<String> named = SlackEvents.repository(request);
        if (named.isPresent()) {
            return named.get();
        }
        Optional<String> set = store.channelDefaults().repository(ORIGIN, teamOf(channel), channel);
        if (set.isPresent()) {
            return set.get();
        }
        String channelDefault = settings.channelRepositories().get(channel);
        if (channelDefault != null) {
            return channelDefault;
        }
        if (allowedRepositories.size() == 1 && !allowedRepositories.getFirst().contains("*")) {
            return "https://" + allowedRepositories.getFirst() + ".git";
        }
        return null;
    }

    /** The active Nightshift user a Slack user is linked to (the database only: fit for before the acknowledgement). */
    private Optional<User> linkedPerson(String teamId, String slackUser) {
        return store.identities()
                .find("slack", teamId, slackUser)
                .map(Identity::userId)
                .flatMap(id -> store.users().byId(id))
                .filter(User::active);
    }

    /**
     * First contact: a sign-in with the Slack user's confirmed e-mail (asked of Slack, so after the
     * acknowledgement), which the admission policy decides on and which links them.
     */
    private Optional<User> personByEmail(String teamId, String slackUser) {
        Optional<String> email = slack.userEmail(slackUser);
        if (email.isEmpty()) {
            return Optional.empty();
        }
        String name = email.get().substring(0, email.get().indexOf('@')).toLowerCase(Locale.ROOT);
        try {
            // no login: a Slack member id is not one, and admission would match a made-up one against the
            // logins listed for other providers (NIGHTSHIFT_ADMIT_PEOPLE); the policy weighs the address
            // the user who has this address already, or a new one
            return Optional.of(signIn.firstContact(new SignIn.Account(
                    "slack", teamId, slackUser, null, name, email.get(), List.of(email.get()), Set.of(), Set.of())));
        } catch (ApiException e) {
            return Optional.empty(); // not admitted: the caller says how to get in
        }
    }

    /** The one-time "Connect your account" purpose, and how long a code lives. */
    public static final String CONNECT_PURPOSE = "slack-connect";

    static final Duration CONNECT_TTL = Duration.ofMinutes(30);

    private String connectCode(String teamId, String slackUser) {
        String code = dev.nightshift.core.Secrets.newSecret("nsc");
        store.oneTimeValues()
                .save(
                        CONNECT_PURPOSE,
                        dev.nightshift.core.Secrets.hash(code),
                        teamId + " " + slackUser,
                        clock.instant().plus(CONNECT_TTL));
        return code;
    }

    private static Origin origin(String teamId, String channel, String threadTs) {
        return new Origin(ORIGIN, teamId + "/" + channel + "/" + threadTs);
    }

    /**
     * A trigger's channel and thread ts: {@code [team, channel, thread]}, the thread without the
     * {@code +<millis>} an expired thread's new origin carries.
     */
    private static String[] thread(Trigger trigger) {
        String[] t = trigger.origin().id().split("/", 3);
        int plus = t[2].indexOf('+');
        if (plus >= 0) {
            t[2] = t[2].substring(0, plus);
        }
        return t;
    }

    private String sessionUrl(String sessionId) {
        return baseUrl.get() + "/sessions/" + sessionId;
    }

    private static String cap(String text) {
        return text.length() <= MAX_PROMPT_CHARS ? text : text.substring(0, MAX_PROMPT_CHARS);
    }

    private void audit(String userId, String action, String target, String outcome, String detail) {
        store.audit().record(userId, null, action, target, outcome, detail, clock.instant());
    }

    // ---------------------------------------------------------------- the status message

    /**
     * One request's status message is posted and ended in turn: both run on the pipeline's workers, and
     * a post that Slack makes wait (retries) must not land after the end of a short turn.
     */
    private final Map<String, java.util.concurrent.locks.ReentrantLock> posting = new ConcurrentHashMap<>();
    /** Requests whose turn ended before their status message was posted: it is not posted any more. */
    private final Set<String> endedFirst = ConcurrentHashMap.newKeySet();

    private java.util.concurrent.locks.ReentrantLock posting(String triggerId) {
        return posting.computeIfAbsent(triggerId, id -> new java.util.concurrent.locks.ReentrantLock());
    }

    private final class Sink implements TriggerSink {
        @Override
        public void started(Trigger trigger, String sessionId) {
            java.util.concurrent.locks.ReentrantLock lock = posting(trigger.id());
            lock.lock();
            try {
                if (!endedFirst.remove(trigger.id())) {
                    post(trigger, sessionId);
                }
            } finally {
                lock.unlock();
            }
        }

        private void post(Trigger trigger, String sessionId) {
            String[] t = thread(trigger);
            StatusMessage status = StatusMessage.working(sessionId, sessionUrl(sessionId), null, null, List.of());
            String ts = slack.postMessage(t[1], t[2], status.text(), status.blocksJson());
            store.artifacts()
                    .add(
                            sessionId,
                            "slack-status",
                            null,
                            Json.write(Map.of("trigger", trigger.id(), "channel", t[1], "ts", ts)),
                            clock.instant());
            running.put(trigger.id(), new Status(t[1], ts, sessionId, status.text()));
            audit(trigger.actorId(), "slack.status", trigger.origin().id(), "ok", "posted " + ts);
        }

        @Override
        public void refused(Trigger trigger, String reason) {
            String[] t = thread(trigger);
            slack.postMessage(t[1], t[2], "I could not start: " + reason, null);
        }

        @Override
        public void turnEnded(Trigger trigger, TurnOutcome outcome) {
            java.util.concurrent.locks.ReentrantLock lock = posting(trigger.id());
            lock.lock();
            try {
                end(trigger, outcome);
            } finally {
                lock.unlock();
                posting.remove(trigger.id());
            }
        }

        private void end(Trigger trigger, TurnOutcome outcome) {
            Status status = running.remove(trigger.id());
            String channel;
            String ts; // null: the status message was never posted (Slack was down then)
            if (status != null) {
                channel = status.channel();
                ts = status.ts();
            } else {
                Optional<Artifact> posted = store.artifacts().list(outcome.sessionId()).stream()
                        .filter(a -> a.type().equals("slack-status") && a.data().contains(trigger.id()))
                        .findFirst();
                if (posted.isPresent()) {
                    JsonNode data = Json.tree(posted.get().data());
                    channel = data.path("channel").asText();
                    ts = data.path("ts").asText();
                } else {
                    channel = thread(trigger)[1];
                    ts = null;
                    endedFirst.add(trigger.id()); // a post still to come is not made
                }
            }
            SessionProgress progress = SessionProgress.read(store, outcome.sessionId());
            String branch = store.sessions()
                    .get(outcome.sessionId())
                    .map(Session::workBranch)
                    .orElse(null);
            String pr = store.artifacts().list(outcome.sessionId()).stream()
                    .filter(a -> a.type().equals("pr")
                            && a.url() != null
                            && !a.data().contains("\"fallback\""))
                    .map(Artifact::url)
                    .findFirst()
                    .orElse(null);
            StatusMessage end = outcome.succeeded()
                    ? StatusMessage.done(
                            outcome.sessionId(),
                            sessionUrl(outcome.sessionId()),
                            plan(progress),
                            progress.lastAnswer(),
                            branch,
                            pr)
                    : StatusMessage.failed(
                            outcome.sessionId(),
                            sessionUrl(outcome.sessionId()),
                            outcome.error(),
                            plan(progress),
                            progress.lastAnswer(),
                            branch,
                            pr);
            if (ts != null) {
                slack.update(channel, ts, end.text(), end.blocksJson());
            } else {
                // the thread heard nothing while it ran: the outcome comes as a message of its own
                slack.postMessage(channel, thread(trigger)[2], end.text(), end.blocksJson());
            }
            audit(trigger.actorId(), "slack.status", trigger.origin().id(), "ok", "final " + ts);
        }
    }

    /** What the session's log says so far, as a status message's plan. */
    private static List<StatusMessage.PlanItem> plan(SessionProgress progress) {
        return progress.plan().stream()
                .map(i -> new StatusMessage.PlanItem(i.content(), i.done()))
                .toList();
    }

    private void refreshQuietly() {
        for (Map.Entry<String, Status> entry : running.entrySet()) {
            try {
                Status status = entry.getValue();
                SessionProgress progress = SessionProgress.read(store, status.sessionId());
                StatusMessage now = StatusMessage.working(
                        status.sessionId(),
                        sessionUrl(status.sessionId()),
                        progress.currentStep(),
                        progress.runningTool(),
                        plan(progress));
                if (!now.text().equals(status.said())
                        && running.replace(
                                entry.getKey(),
                                status,
                                new Status(status.channel(), status.ts(), status.sessionId(), now.text()))) {
                    slack.update(status.channel(), status.ts(), now.text(), now.blocksJson());
                }
            } catch (RuntimeException e) {
                LOG.debug("updating a Slack status message failed; next time", e);
            }
        }
    }
}

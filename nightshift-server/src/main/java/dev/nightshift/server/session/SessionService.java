package dev.nightshift.server.session;

import dev.nightshift.core.Ids;
import dev.nightshift.core.Secrets;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.NewAttachment;
import dev.nightshift.core.model.NewMessage;
import dev.nightshift.core.model.NewSession;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionSettings;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.TokenKind;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.policy.Limits;
import dev.nightshift.core.policy.PromptCheck;
import dev.nightshift.core.policy.RepositoryPolicy;
import dev.nightshift.core.policy.SessionStatusPolicy;
import dev.nightshift.core.port.EnqueueResult;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.Setting;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.http.Views;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a session can be asked to do, whatever the surface (REST, WebSocket, later Slack or
 * GitHub): every method checks the caller's role first and leaves stored state untouched when it
 * refuses.
 */
public final class SessionService {
    private static final int MAX_CLIENT_REQUEST_ID = 200;
    private static final int MAX_MODEL_ID = 200;

    private final Store store;
    private final java.util.function.Consumer<String> queueChanged;
    private final TurnControl dispatcher;
    private final Limits limits;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final RepositoryPolicy repositories;

    private final java.util.function.Consumer<String> archived;
    private final java.util.function.Consumer<String> prompted;
    private final SessionRoles roles;

    /**
     * @param queueChanged told when a session's prompt queue changed (its watchers get the new queue)
     * @param dispatcher runs queued prompts and stops running ones
     * @param archived told when a session is archived (its sandbox goes)
     * @param prompted told when a prompt is queued (its sandbox should be resumed by the time it runs)
     * @param roles who may do what in a session
     * @param repositories which repositories a caller may create a session on
     */
    public SessionService(
            Store store,
            java.util.function.Consumer<String> queueChanged,
            TurnControl dispatcher,
            Limits limits,
            Clock clock,
            MeterRegistry metrics,
            java.util.function.Consumer<String> archived,
            java.util.function.Consumer<String> prompted,
            SessionRoles roles,
            RepositoryPolicy repositories) {
        this.roles = roles;
        this.repositories = repositories;
        this.archived = archived;
        this.prompted = prompted;
        this.store = store;
        this.queueChanged = queueChanged;
        this.dispatcher = dispatcher;
        this.limits = limits;
        this.clock = clock;
        this.metrics = metrics;
    }

    public Limits limits() {
        return limits;
    }

    /** A deployment setting: every signed-in person may watch every session (as a viewer). */
    public boolean everyoneSees() {
        return roles.everyoneSees();
    }

    /** Loads the session and checks that the caller may do {@code action} there (404, then 403). */
    public SessionRoles.SessionAccess require(Caller caller, String sessionId, Access.Action action) {
        return roles.require(caller, sessionId, action);
    }

    /**
     * Creates a session after checking everything the request says, the repository policy
     * included: a refused request stores nothing (a policy refusal is only audited).
     */
    public Session create(Caller caller, Requests.CreateSession request, Source source) {
        return create(caller, request, source, Ids.newId("ses"), null);
    }

    /**
     * {@link #create(Caller, Requests.CreateSession, Source)} with the session's id chosen by the caller
     * (the trigger pipeline derives it from the trigger's, so a retry finds it) and the origin that
     * started it.
     */
    public Session create(
            Caller caller, Requests.CreateSession request, Source source, String sessionId, String origin) {
        requireUser(caller);
        caller.require(dev.nightshift.core.model.Scope.SESSIONS_WRITE);
        String repository = trimToNull(request.repository());
        checkRepository(caller, repository);
        checkLength("baseBranch", request.baseBranch(), 255);
        checkBranch("baseBranch", request.baseBranch());
        checkBranch("workBranch", request.workBranch());
        String work = trimToNull(request.workBranch());
        if (work != null && work.equals(trimToNull(request.baseBranch()))) {
            throw ApiException.badRequest(
                    "'workBranch' must differ from 'baseBranch': Nightshift never pushes to the base branch");
        }
        checkLength("model", request.model(), MAX_MODEL_ID);
        checkLength("title", request.title(), 500);
        SessionSettings settings = settings(request.settings());
        Session session = store.sessions()
                .create(
                        new NewSession(
                                sessionId,
                                repository,
                                trimToNull(request.baseBranch()),
                                trimToNull(request.model()),
                                trimToNull(request.title()),
                                caller.userId(),
                                source,
                                settings,
                                null,
                                origin),
                        clock.instant());
        if (work != null) {
            store.sessions().setBranches(session.id(), null, work, clock.instant());
            session = store.sessions().get(session.id()).orElseThrow();
        }
        return session;
    }

    /**
     * Checks a repository as a session's: a URL or local path that parses (400), and one the repository
     * policy allows this caller (403 naming the setting to change; the refusal is audited). Automations
     * check theirs with it when they are saved.
     */
    public void checkRepository(Caller caller, String repository) {
        if (repository == null || repository.isBlank()) {
            throw ApiException.badRequest(
                    "'repository' is required: a git URL (https://, ssh://, file://, git@host:path) or an absolute local path");
        }
        if (repository.length() > 2000) {
            throw ApiException.badRequest("'repository' is longer than 2000 characters");
        }
        dev.nightshift.git.RepositoryUrl url;
        try {
            url = dev.nightshift.git.RepositoryUrl.parse(repository.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'repository': " + e.getMessage());
        }
        requireAllowed(caller, repository.strip(), url);
    }

    /** 403 naming the setting to change when the repository policy refuses {@code url} to this caller. */
    private void requireAllowed(Caller caller, String repository, dev.nightshift.git.RepositoryUrl url) {
        Optional<RepositoryPolicy.Refusal> refusal = repositories.check(url.url(), caller.admin());
        if (refusal.isEmpty()) {
            return;
        }
        String message = switch (refusal.get()) {
            case NOT_ALLOWLISTED ->
                "the repository " + repository + " is not allowed on this server; an administrator can add a "
                        + "pattern matching it to " + Setting.REPOSITORY_ALLOW.env();
            case LOCAL_NOT_ALLOWED ->
                "local repositories (paths and file:// URLs) are for administrators; an administrator can " + "allow "
                        + repository + " by adding a directory that contains it to "
                        + Setting.LOCAL_REPOSITORY_ROOTS.env();
            case DATA_DIRECTORY ->
                "the repository " + repository + " is inside Nightshift's own data directory (" + Setting.DATA_DIR.env()
                        + "), which is never a repository; use a repository outside it";
        };
        store.audit()
                .record(
                        caller.userId(),
                        null,
                        "repository.refused",
                        repository,
                        "refused",
                        refusal.get().name().toLowerCase(java.util.Locale.ROOT),
                        clock.instant());
        throw new ApiException(403, "repository_not_allowed", message);
    }

    private static void checkBranch(String field, String value) {
        String name = trimToNull(value);
        String problem = name == null ? null : dev.nightshift.git.BranchNames.problem(name);
        if (problem != null) {
            throw ApiException.badRequest("'" + field + "': " + problem);
        }
    }

    private static final int MAX_SESSION_SECRETS = 100;
    private static final java.util.regex.Pattern SECRET_NAME =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");

    private static SessionSettings settings(Requests.SettingsPatch patch) {
        SessionSettings d = SessionSettings.DEFAULTS;
        if (patch == null) {
            return d;
        }
        SessionSettings.Network network = d.network();
        if (patch.network() != null) {
            try {
                network = SessionSettings.Network.fromWire(patch.network());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'settings.network' " + e.getMessage());
            }
        }
        if (patch.secrets() != null) {
            if (patch.secrets().size() > MAX_SESSION_SECRETS) {
                throw ApiException.badRequest("'settings.secrets' names at most " + MAX_SESSION_SECRETS + " secrets");
            }
            for (String name : patch.secrets()) {
                if (name == null || !SECRET_NAME.matcher(name).matches()) {
                    throw ApiException.badRequest(
                            "'settings.secrets' holds secret names like NPM_TOKEN, got '" + name + "'");
                }
            }
        }
        boolean readOnly = Boolean.TRUE.equals(patch.readOnly());
        if (readOnly && (Boolean.TRUE.equals(patch.autoCommit()) || Boolean.TRUE.equals(patch.autoPr()))) {
            throw ApiException.badRequest(
                    "a read-only session commits and opens nothing: leave out 'autoCommit' and 'autoPr'");
        }
        boolean planFirst = Boolean.TRUE.equals(patch.planFirst());
        if (readOnly && planFirst) {
            throw ApiException.badRequest(
                    "a read-only session changes nothing, so it has no plan to approve: leave out 'planFirst'");
        }
        return new SessionSettings(
                !readOnly && (patch.autoCommit() == null ? d.autoCommit() : patch.autoCommit()),
                !readOnly && (patch.autoPr() == null ? d.autoPr() : patch.autoPr()),
                patch.draftPr() == null ? d.draftPr() : patch.draftPr(),
                network,
                patch.secrets() == null ? null : java.util.List.copyOf(new java.util.LinkedHashSet<>(patch.secrets())),
                readOnly,
                planFirst);
    }

    /** Queues a prompt: 413 when too long, 429 when the queue is full, 409 when archived. */
    public EnqueueResult.Accepted prompt(Caller caller, String sessionId, Requests.Prompt request, Source source) {
        return prompt(caller, sessionId, request, source, Ids.newId("msg"));
    }

    /** {@link #prompt(Caller, String, Requests.Prompt, Source)} with the message's id chosen by the caller. */
    public EnqueueResult.Accepted prompt(
            Caller caller, String sessionId, Requests.Prompt request, Source source, String messageId) {
        return prompt(caller, sessionId, request, source, messageId, List::of);
    }

    /**
     * Queues a prompt with attachments. {@code attachments} is asked only once the prompt itself has
     * passed every check (it checks and stores the files, refusing with 413 or 415); they are queued
     * with the message in one transaction, so a refusal of either queues nothing.
     */
    public EnqueueResult.Accepted prompt(
            Caller caller,
            String sessionId,
            Requests.Prompt request,
            Source source,
            String messageId,
            java.util.function.Supplier<List<NewAttachment>> attachments) {
        SessionRoles.SessionAccess access = require(caller, sessionId, Access.Action.PROMPT);
        switch (PromptCheck.check(request.content(), limits)) {
            case EMPTY -> throw ApiException.badRequest("'content' is required and must not be blank");
            case TOO_LARGE ->
                throw new ApiException(
                        413,
                        "prompt_too_large",
                        "the prompt has " + request.content().length() + " characters; the limit is "
                                + limits.maxPromptChars());
            case OK -> {}
        }
        checkLength("clientRequestId", request.clientRequestId(), MAX_CLIENT_REQUEST_ID);
        checkLength("model", request.model(), MAX_MODEL_ID);
        if (!SessionStatusPolicy.acceptsPrompts(access.session().status())) {
            throw ApiException.conflict("session " + sessionId + " is archived and takes no prompts");
        }
        List<NewAttachment> files = attachments.get();
        EnqueueResult result = store.messages()
                .enqueue(
                        new NewMessage(
                                messageId,
                                sessionId,
                                caller.userId(),
                                source,
                                request.content(),
                                trimToNull(request.model()),
                                trimToNull(request.clientRequestId()),
                                files),
                        limits.maxUnfinishedPrompts(),
                        clock.instant());
        return switch (result) {
            case EnqueueResult.Accepted accepted -> {
                if (accepted.created()) {
                    metrics.counter("nightshift.prompts.accepted").increment();
                    queueChanged(sessionId);
                    prompted.accept(sessionId);
                    dispatcher.kick(sessionId);
                }
                yield accepted;
            }
            case EnqueueResult.QueueFull full -> {
                metrics.counter("nightshift.prompts.refused", "reason", "queue_full")
                        .increment();
                throw new ApiException(
                        429,
                        "queue_full",
                        "session " + sessionId + " already has " + full.unfinished()
                                + " unfinished prompts (the limit); wait for one to finish or cancel a pending one");
            }
            case EnqueueResult.UnknownSession unknown -> throw ApiException.notFound("no session " + sessionId);
        };
    }

    public void cancelPrompt(Caller caller, String sessionId, String messageId) {
        require(caller, sessionId, Access.Action.PROMPT);
        Message message = store.messages()
                .get(messageId)
                .filter(m -> m.sessionId().equals(sessionId))
                .orElseThrow(() -> ApiException.notFound("no prompt " + messageId + " in session " + sessionId));
        if (!store.messages().cancel(sessionId, messageId, clock.instant())) {
            throw ApiException.conflict("prompt " + messageId + " is "
                    + store.messages()
                            .get(messageId)
                            .map(m -> m.status().wire())
                            .orElse(message.status().wire())
                    + "; only pending prompts can be cancelled (use stop for a running one)");
        }
        queueChanged(sessionId);
    }

    /** Stops the running turn; returns the stopped message id, or empty when nothing was running. */
    public Optional<String> stop(Caller caller, String sessionId) {
        require(caller, sessionId, Access.Action.PROMPT);
        return dispatcher.stop(sessionId).map(Message::id);
    }

    public List<Message> queue(String sessionId) {
        return store.messages().unfinished(sessionId);
    }

    public void queueChanged(String sessionId) {
        queueChanged.accept(sessionId);
    }

    public Session archive(Caller caller, String sessionId) {
        require(caller, sessionId, Access.Action.MANAGE);
        if (store.sessions().archive(sessionId, clock.instant())) {
            archived.accept(sessionId);
        }
        return store.sessions().get(sessionId).orElseThrow();
    }

    /** A short-lived token for this session's live stream, bound to the caller. */
    public Views.NewTokenView liveToken(Caller caller, String sessionId) {
        require(caller, sessionId, Access.Action.READ);
        String secret = Secrets.newSecret("nsl");
        Instant expires = clock.instant().plus(limits.liveTokenTtl());
        // a live token can do what the token it was made with can, and ends when that one is revoked
        String parent = caller.token().kind() == TokenKind.LIVE
                ? caller.token().parentId()
                : caller.token().id();
        Token token = store.tokens()
                .create(
                        TokenKind.LIVE,
                        caller.userId(),
                        "live",
                        sessionId,
                        Secrets.hash(secret),
                        expires,
                        caller.token().scopes(),
                        parent);
        return Views.NewTokenView.of(token, secret, "/api/sessions/" + sessionId + "/ws");
    }

    private static void requireUser(Caller caller) {
        if (caller.isShareLink()) {
            throw ApiException.forbidden("a share link can only watch its own session");
        }
    }

    private static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw ApiException.badRequest("'" + field + "' is longer than " + max + " characters");
        }
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

package dev.nightshift.server.children;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.Ids;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.event.EventType;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.core.model.NewSession;
import dev.nightshift.core.model.Participant;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.ChildSessionLimits;
import dev.nightshift.core.policy.PromptCheck;
import dev.nightshift.core.port.ChildSessions;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.Turn;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.session.SessionService;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Child sessions started by an agent ({@link ChildSessions}, behind the {@code spawn_session} family of
 * tools). A child is a session of its own, with its own sandbox and work branch, whose parent is the
 * session of the turn that started it: it runs as the person who sent that turn's prompt (the repository
 * policy is asked for them), with the parent's model and settings, and the parent's participants may
 * watch it as they watch the parent. Its session budget is its family's. The limits come from the
 * settings ({@link ChildSessionLimits}); the parent's log shows each child as it starts and as each of its
 * turns ends ({@code child_session}). Called on turn threads, and by the dispatcher when a turn ends.
 */
public final class ChildSessionService implements ChildSessions {
    /** The longest title a session may have. */
    private static final int MAX_TITLE = 500;
    /** Families deeper than this are not followed (the depth limit keeps them far shallower). */
    private static final int MAX_WALK = 100;

    private static final int LOG_PAGE = 500;
    private static final int RECENT_EVENTS = 200;

    private final Store store;
    private final EventLog log;
    private final ChildSessionLimits limits;
    private final Clock clock;
    private volatile SessionService sessions;

    public ChildSessionService(Store store, EventLog log, ChildSessionLimits limits, Clock clock) {
        this.store = store;
        this.log = log;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * The session service, which exists only after the agent that calls this one (it needs the turn
     * dispatcher, which needs the agent): bound once, on the starting thread, before any turn runs.
     */
    public void bind(SessionService service) {
        this.sessions = service;
    }

    @Override
    public Child spawn(Turn parentTurn, String repository, String prompt, String title) {
        Session parent = session(parentTurn.session().id());
        if (parent.settings().readOnly()) {
            throw new Refused("a read-only session starts no sessions");
        }
        User person = person(parentTurn);
        Caller caller = Caller.actingFor(person, "session " + parent.id());
        List<Session> started = children(parent.id());
        int working = (int) started.stream().filter(this::working).count();
        limits.refusal(depth(parent), working, started.size()).ifPresent(why -> {
            throw new Refused("no session was started: " + why);
        });
        switch (PromptCheck.check(prompt, sessions.limits())) {
            case EMPTY -> throw new Refused("'prompt' must say what the session should do");
            case TOO_LARGE ->
                throw new Refused("the prompt has " + prompt.length() + " characters; the limit is "
                        + sessions.limits().maxPromptChars());
            case OK -> {}
        }
        String repo = repository == null ? parent.repository() : repository.strip();
        try {
            sessions.checkRepository(caller, repo);
        } catch (ApiException e) {
            throw new Refused("no session was started: " + e.getMessage());
        }
        String name = title != null ? title.strip() : titleOf(prompt);
        if (name.length() > MAX_TITLE) {
            name = name.substring(0, MAX_TITLE - 1) + "…";
        }
        Session child = store.sessions()
                .create(
                        new NewSession(
                                Ids.newId("ses"),
                                repo,
                                repo.equals(parent.repository()) ? parent.baseBranch() : null,
                                parent.model(),
                                name,
                                person.id(),
                                Source.AGENT,
                                // the parent's agent spawns only once its own plan was approved (a spawn changes
                                // things); its children do not each wait for a person's approval again
                                parent.settings().withPlanFirst(false),
                                parent.id()),
                        clock.instant());
        // who may watch the parent may watch what it started
        for (Participant p : store.sessions().participants(parent.id())) {
            if (!p.userId().equals(person.id())) {
                store.sessions().upsertParticipant(child.id(), p.userId(), p.role(), clock.instant());
            }
        }
        parentTurn.emit(new EventPayload.ChildSession(child.id(), name, repo, "started", null));
        try {
            sessions.prompt(caller, child.id(), new Requests.Prompt(prompt, null, null), Source.AGENT);
        } catch (ApiException e) {
            throw new Refused(
                    "the session " + child.id() + " was started but its prompt was refused: " + e.getMessage());
        }
        return view(store.sessions().get(child.id()).orElseThrow());
    }

    @Override
    public Child status(Turn parentTurn, String sessionId) {
        return view(childOf(parentTurn, sessionId));
    }

    @Override
    public String prompt(Turn parentTurn, String sessionId, String content) {
        Session child = childOf(parentTurn, sessionId);
        Caller caller = Caller.actingFor(
                person(parentTurn), "session " + parentTurn.session().id());
        try {
            return sessions.prompt(caller, child.id(), new Requests.Prompt(content, null, null), Source.AGENT)
                    .message()
                    .id();
        } catch (ApiException e) {
            throw new Refused("the prompt was not queued: " + e.getMessage());
        }
    }

    @Override
    public List<Child> children(Turn parentTurn, List<String> sessionIds) {
        if (sessionIds == null) {
            return children(parentTurn.session().id()).stream().map(this::view).toList();
        }
        List<Child> out = new ArrayList<>();
        for (String id : sessionIds) {
            out.add(view(childOf(parentTurn, id)));
        }
        return out;
    }

    @Override
    public double spentByFamily(Session session) {
        Session root = session;
        for (int i = 0; i < MAX_WALK && root.isChild(); i++) {
            Optional<Session> up = store.sessions().get(root.parentId());
            if (up.isEmpty()) {
                break;
            }
            root = up.get();
        }
        double spent = 0;
        Deque<Session> next = new ArrayDeque<>(List.of(root));
        for (int seen = 0; !next.isEmpty() && seen < 10_000; seen++) {
            Session s = next.poll();
            if (!s.id().equals(session.id())) {
                spent += spentIn(s.id());
            }
            next.addAll(children(s.id()));
        }
        return spent;
    }

    /**
     * A turn ended: when it was a child session's, its parent's log says how (the dispatcher then wakes a
     * parent turn that waits for it). Called on the thread that ended the turn; never throws.
     */
    public void turnEnded(Message message) {
        Session child = store.sessions().get(message.sessionId()).orElse(null);
        if (child == null || !child.isChild()) {
            return;
        }
        String status = message.status() == MessageStatus.COMPLETED
                ? "completed"
                : "stopped".equals(message.error()) ? "stopped" : "failed";
        try {
            log.append(
                    child.parentId(),
                    null,
                    new EventPayload.ChildSession(
                            child.id(),
                            child.title(),
                            child.repository(),
                            status,
                            status.equals("failed") ? message.error() : null));
        } catch (RuntimeException e) {
            // the parent is gone: nobody to tell
        }
    }

    // -- helpers -------------------------------------------------------------------------------

    private Session session(String id) {
        return store.sessions().get(id).orElseThrow(() -> new Refused("the session " + id + " no longer exists"));
    }

    /** The person a turn acts for: the author of its prompt. */
    private User person(Turn turn) {
        User user = store.users()
                .byId(turn.message().authorId())
                .orElseThrow(() -> new Refused("the person this session acts for no longer exists"));
        if (!user.active()) {
            throw new Refused("the person this session acts for, " + user.login() + ", is deactivated");
        }
        return user;
    }

    private Session childOf(Turn parentTurn, String sessionId) {
        return store.sessions()
                .get(sessionId)
                .filter(s -> s.isChild() && parentTurn.session().id().equals(s.parentId()))
                .orElseThrow(() -> new Refused(sessionId + " is not a child session of this session; "
                        + "its child sessions are those spawn_session started here"));
    }

    /** The sessions the parent's agent started (its forks are not its children). */
    private List<Session> children(String parentId) {
        return store.sessions().children(parentId).stream()
                .filter(Session::isChild)
                .toList();
    }

    /** 0 for a session a person started, 1 for one its agent started, … */
    private int depth(Session session) {
        int depth = 0;
        Session s = session;
        while (s.isChild() && depth < MAX_WALK) {
            depth++;
            Optional<Session> up = store.sessions().get(s.parentId());
            if (up.isEmpty()) {
                break;
            }
            s = up.get();
        }
        return depth;
    }

    private boolean working(Session session) {
        return !store.messages().unfinished(session.id()).isEmpty();
    }

    private Child view(Session s) {
        String lastTurn = null;
        String lastAnswer = null;
        List<Event> recent = store.events().latest(s.id(), RECENT_EVENTS).items();
        for (int i = recent.size() - 1; i >= 0 && (lastTurn == null || lastAnswer == null); i--) {
            Event e = recent.get(i);
            if (lastTurn == null && e.type().equals(EventType.TURN_COMPLETE.wire())) {
                lastTurn = Json.tree(e.data()).path("status").asText(null);
            } else if (lastAnswer == null && e.type().equals(EventType.ASSISTANT_MESSAGE.wire())) {
                String text = Json.tree(e.data()).path("text").asText("");
                lastAnswer = text.isBlank() ? null : text;
            }
        }
        String pr = store.artifacts().list(s.id()).stream()
                .filter(a -> a.type().equals("pr"))
                .map(a -> a.url())
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
        return new Child(
                s.id(),
                s.title(),
                s.repository(),
                s.status().wire(),
                working(s),
                s.workBranch(),
                lastTurn,
                lastAnswer,
                pr);
    }

    /** The sum of every model answer's cost in a session's log, a subagent's included. */
    private double spentIn(String sessionId) {
        double total = 0;
        long after = 0;
        Page<Event> page;
        do {
            page = store.events().after(sessionId, after, LOG_PAGE);
            for (Event e : page.items()) {
                if (e.type().equals(EventType.STEP_FINISH.wire())) {
                    JsonNode data = Json.tree(e.data());
                    total += data.path("costUsd").asDouble();
                }
                after = e.seq();
            }
        } while (page.hasMore());
        return total;
    }

    private static String titleOf(String prompt) {
        String line =
                prompt.strip().lines().findFirst().orElse("A child session").strip();
        return line.length() > 72 ? line.substring(0, 69) + "..." : line;
    }
}

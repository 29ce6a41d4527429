package dev.nightshift.server.fork;

import dev.nightshift.core.Ids;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.event.EventType;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.NewSession;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.policy.PromptCheck;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.sandbox.SandboxManager;
import dev.nightshift.server.session.SessionService;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Sessions that branch: a fork is a new session whose conversation is its parent's up to the end of one
 * of its turns (the model reads the parent's log up to there; nothing is copied into or changed in it)
 * and whose workspace is the parent's at that point, on a work branch of its own. Forking at the head
 * copies the parent's workspace as it is, running or not; forking at an earlier turn starts from the
 * commit recorded at that turn's end. Every method checks the caller first and changes nothing when it
 * refuses. Called on request threads.
 */
public final class SessionForks {
    /** The longest title a session may have. */
    private static final int MAX_TITLE = 500;
    /** Sessions a tree lists at most. */
    static final int MAX_TREE = 500;

    private static final int LOG_PAGE = 500;

    /**
     * @param atSeq the parent's {@code turn_complete} to branch after; null: its newest, with the live workspace
     * @param title the fork's title; null: the parent's, marked as a fork
     * @param prompt a first prompt for the fork, queued at once; null: none
     */
    public record Request(Long atSeq, String title, String prompt) {}

    /** The end of one of the parent's turns, and the commit it recorded (null: none). */
    record TurnEnd(long seq, String commit) {}

    private final Store store;
    private final SessionService sessions;
    private final SandboxManager sandboxes;
    private final EventLog log;
    private final Clock clock;

    public SessionForks(Store store, SessionService sessions, SandboxManager sandboxes, EventLog log, Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.sandboxes = sandboxes;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Forks {@code parentId} for the caller: 404 when they cannot read it, 400 for a point that is not the
     * end of one of its turns (naming the nearest that are), 403 when the repository policy refuses them
     * the repository, 413 for a prompt past the limit. Returns the new session, its first event the
     * {@code forked_from}.
     */
    public Session fork(Caller caller, String parentId, Request request, Source source) {
        if (caller.isShareLink()) {
            throw ApiException.forbidden("a share link can only watch its own session");
        }
        caller.require(Scope.SESSIONS_WRITE);
        Session parent = readable(caller, parentId);
        String title = trimToNull(request.title());
        if (title != null && title.length() > MAX_TITLE) {
            throw ApiException.badRequest("'title' is longer than " + MAX_TITLE + " characters");
        }
        if (request.prompt() != null) {
            switch (PromptCheck.check(request.prompt(), sessions.limits())) {
                case EMPTY -> throw ApiException.badRequest("'prompt' must not be blank; leave it out to send none");
                case TOO_LARGE ->
                    throw new ApiException(
                            413,
                            "prompt_too_large",
                            "the prompt has " + request.prompt().length() + " characters; the limit is "
                                    + sessions.limits().maxPromptChars());
                case OK -> {}
            }
        }
        sessions.checkRepository(caller, parent.repository());
        List<TurnEnd> ends = turnEnds(parent);
        TurnEnd point = point(parent, ends, request.atSeq());
        String commit = null;
        for (TurnEnd end : ends) {
            if (end.seq() <= point.seq() && end.commit() != null) {
                commit = end.commit();
            }
        }
        boolean head = request.atSeq() == null;
        String workspace = head && sandboxes.holdsWorkspace(parent.id()) ? "live" : commit != null ? "commit" : "base";
        Session fork = store.sessions()
                .create(
                        new NewSession(
                                Ids.newId("ses"),
                                parent.repository(),
                                parent.baseBranch(),
                                parent.model(),
                                title != null ? title : defaultTitle(parent),
                                caller.userId(),
                                source,
                                parent.settings(),
                                parent.id(),
                                null,
                                point.seq()),
                        clock.instant());
        // the first event: the agent reads the parent's conversation up to here before the fork's own
        log.append(
                fork.id(),
                null,
                new EventPayload.ForkedFrom(parent.id(), point.seq(), parent.title(), workspace, commit));
        if (workspace.equals("live") && !sandboxes.fork(fork.id(), parent.id())) {
            log.append(
                    fork.id(),
                    null,
                    new EventPayload.Error("the workspace of " + parent.id() + " could not be copied; this session's "
                            + (commit != null
                                    ? "workspace starts from the commit " + commit.substring(0, 8)
                                            + " recorded at that turn's end"
                                    : "workspace starts from the base branch")
                            + " when its first prompt runs"));
        }
        if (request.prompt() != null) {
            sessions.prompt(caller, fork.id(), new Requests.Prompt(request.prompt(), null, null), source);
        }
        return store.sessions().get(fork.id()).orElseThrow();
    }

    /**
     * The sessions around {@code sessionId} that the caller can read: from the oldest readable ancestor
     * down through every readable descendant (forks and child sessions), parents before children, at most
     * {@link #MAX_TREE}.
     */
    public List<Session> tree(Caller caller, String sessionId) {
        Session root = sessions.require(caller, sessionId, Access.Action.READ).session();
        for (int depth = 0; root.parentId() != null && depth < MAX_TREE; depth++) {
            Session up = store.sessions().get(root.parentId()).orElse(null);
            if (up == null || !canRead(caller, up.id())) {
                break;
            }
            root = up;
        }
        List<Session> tree = new ArrayList<>();
        Deque<Session> next = new ArrayDeque<>(List.of(root));
        while (!next.isEmpty() && tree.size() < MAX_TREE) {
            Session s = next.poll();
            tree.add(s);
            for (Session child : store.sessions().children(s.id())) {
                if (canRead(caller, child.id())) {
                    next.add(child);
                }
            }
        }
        return tree;
    }

    private boolean canRead(Caller caller, String sessionId) {
        try {
            sessions.require(caller, sessionId, Access.Action.READ);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    /** The parent, or 404 whether it does not exist or the caller may not read it: forking says nothing of it. */
    private Session readable(Caller caller, String parentId) {
        try {
            return sessions.require(caller, parentId, Access.Action.READ).session();
        } catch (ApiException e) {
            if (e.status() == 403 || e.status() == 404) {
                throw ApiException.notFound("no session " + parentId);
            }
            throw e;
        }
    }

    /** Where the fork starts: the turn end asked for, or the newest; 400 naming the nearest valid ones. */
    private static TurnEnd point(Session parent, List<TurnEnd> ends, Long atSeq) {
        if (ends.isEmpty()) {
            throw ApiException.badRequest("session " + parent.id()
                    + " has no finished turn yet; a fork starts after a turn's end, so fork it once one has ended");
        }
        if (atSeq == null) {
            return ends.getLast();
        }
        for (TurnEnd end : ends) {
            if (end.seq() == atSeq) {
                return end;
            }
        }
        TurnEnd before = null;
        TurnEnd after = null;
        for (TurnEnd end : ends) {
            if (end.seq() < atSeq) {
                before = end;
            } else if (after == null) {
                after = end;
            }
        }
        String nearest = before != null && after != null
                ? before.seq() + " and " + after.seq()
                : String.valueOf((before != null ? before : after).seq());
        String what = atSeq < 1 || atSeq > parent.lastSeq()
                ? "session " + parent.id() + " has no event " + atSeq + " (its log ends at " + parent.lastSeq() + ")"
                : "event " + atSeq + " of session " + parent.id() + " is not the end of a turn";
        throw ApiException.badRequest(
                what + "; a fork starts after a turn's end (a turn_complete): the nearest are " + nearest);
    }

    /** Every {@code turn_complete} of the parent's log, oldest first, with the commit it recorded. */
    private List<TurnEnd> turnEnds(Session parent) {
        List<TurnEnd> ends = new ArrayList<>();
        long after = 0;
        Page<Event> page;
        do {
            page = store.events().after(parent.id(), after, LOG_PAGE);
            for (Event e : page.items()) {
                if (e.type().equals(EventType.TURN_COMPLETE.wire())) {
                    ends.add(new TurnEnd(
                            e.seq(), Json.tree(e.data()).path("commit").asText(null)));
                }
                after = e.seq();
            }
        } while (page.hasMore());
        return ends;
    }

    private static String defaultTitle(Session parent) {
        String base = parent.title() != null ? parent.title() : "session " + parent.id();
        String title = base + " (fork)";
        return title.length() > MAX_TITLE ? title.substring(0, MAX_TITLE - 1) + "…" : title;
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

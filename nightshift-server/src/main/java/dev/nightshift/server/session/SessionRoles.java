package dev.nightshift.server.session;

import dev.nightshift.core.model.Role;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import java.util.Optional;

/**
 * Who may do what in a session: the role a caller acts with, checked against the store on every
 * call (on the request thread, or on the live-stream re-check timer). It needs only the store, so
 * it exists before the turn machinery and the live streams' access checks can use it without the
 * session service.
 */
public final class SessionRoles {
    /** The caller's view of one session: the session and the role they act with. */
    public record SessionAccess(Session session, Role role) {}

    private final Store store;
    private final boolean everyoneSees;

    /** @param everyoneSees every signed-in person may watch every session, as a viewer */
    public SessionRoles(Store store, boolean everyoneSees) {
        this.store = store;
        this.everyoneSees = everyoneSees;
    }

    public boolean everyoneSees() {
        return everyoneSees;
    }

    /** Loads the session and checks that the caller may do {@code action} there (404, then 403). */
    public SessionAccess require(Caller caller, String sessionId, Access.Action action) {
        caller.require(action.scope());
        Session session =
                store.sessions().get(sessionId).orElseThrow(() -> ApiException.notFound("no session " + sessionId));
        Role role = roleOf(caller, session)
                .orElseThrow(() -> ApiException.forbidden(
                        "you are not a participant of session " + sessionId + "; ask its owner to add you"));
        if (!Access.allows(role, action)) {
            throw ApiException.forbidden("your role in this session is " + role.wire() + "; "
                    + action.name().toLowerCase(java.util.Locale.ROOT) + " needs "
                    + action.minimum().wire());
        }
        return new SessionAccess(session, role);
    }

    /** {@link #require} as a yes or no. */
    public boolean allows(Caller caller, String sessionId, Access.Action action) {
        try {
            require(caller, sessionId, action);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    private Optional<Role> roleOf(Caller caller, Session session) {
        if (caller.isShareLink()) {
            return session.id().equals(caller.token().sessionId()) ? Optional.of(Role.VIEWER) : Optional.empty();
        }
        return Access.effectiveRole(caller.admin(), store.sessions().role(session.id(), caller.userId()), everyoneSees);
    }
}

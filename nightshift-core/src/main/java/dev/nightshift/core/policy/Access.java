package dev.nightshift.core.policy;

import dev.nightshift.core.model.Role;
import dev.nightshift.core.model.Scope;
import java.util.Optional;

/** Who may do what in a session. */
public final class Access {
    private Access() {}

    public enum Action {
        /** Read the session, its events, artifacts, queue; join the live stream. */
        READ(Role.VIEWER, Scope.SESSIONS_READ),
        /** Send, cancel prompts; stop the running turn; typing. */
        PROMPT(Role.MEMBER, Scope.SESSIONS_WRITE),
        /** Manage participants and share links; archive. */
        MANAGE(Role.OWNER, Scope.SESSIONS_WRITE);

        private final Role minimum;
        private final Scope scope;

        Action(Role minimum, Scope scope) {
            this.minimum = minimum;
            this.scope = scope;
        }

        /** The token scope the action needs, besides the role. */
        public Scope scope() {
            return scope;
        }

        public Role minimum() {
            return minimum;
        }
    }

    /**
     * The effective role of a caller: admins act as owners everywhere; otherwise their
     * participant role, if any.
     */
    public static Optional<Role> effectiveRole(boolean admin, Optional<Role> participantRole) {
        return effectiveRole(admin, participantRole, false);
    }

    /**
     * As above; with {@code everyoneSees} (a deployment that lets every signed-in person watch every
     * session, Open-Inspect's default) a non-participant is a viewer.
     */
    public static Optional<Role> effectiveRole(boolean admin, Optional<Role> participantRole, boolean everyoneSees) {
        if (admin) {
            return Optional.of(Role.OWNER);
        }
        if (participantRole.isPresent() || !everyoneSees) {
            return participantRole;
        }
        return Optional.of(Role.VIEWER);
    }

    public static boolean allows(Role role, Action action) {
        return role != null && role.atLeast(action.minimum());
    }
}

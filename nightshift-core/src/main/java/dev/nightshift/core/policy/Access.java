package dev.nightshift.core.policy;

import dev.nightshift.core.model.Role;
import java.util.Optional;

/** Who may do what in a session. */
public final class Access {
    private Access() {}

    public enum Action {
        /** Read the session, its events, artifacts, queue; join the live stream. */
        READ(Role.VIEWER),
        /** Send, cancel prompts; stop the running turn; typing. */
        PROMPT(Role.MEMBER),
        /** Manage participants and share links; archive. */
        MANAGE(Role.OWNER);

        private final Role minimum;

        Action(Role minimum) {
            this.minimum = minimum;
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
        return admin ? Optional.of(Role.OWNER) : participantRole;
    }

    public static boolean allows(Role role, Action action) {
        return role != null && role.atLeast(action.minimum());
    }
}

package dev.nightshift.core.port;

import dev.nightshift.core.model.NewSession;
import dev.nightshift.core.model.Participant;
import dev.nightshift.core.model.Role;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface SessionStore {
    /** Creates the session with its creator as owner, in one transaction. */
    Session create(NewSession session, Instant now);

    Optional<Session> get(String id);

    Page<Session> list(SessionQuery query);

    /** Sets the status unless the session is archived; false when nothing changed. */
    boolean updateStatus(String id, SessionStatus status, Instant now);

    boolean archive(String id, Instant now);

    /**
     * Records the branches of a session's first checkout: the work branch only if none is set yet
     * (false otherwise, nothing changed), the base branch only where the session named none.
     */
    boolean setBranches(String id, String baseBranch, String workBranch, Instant now);

    /** Records the session's sandbox and its lifecycle state (null ref: none). */
    void updateSandbox(String id, String sandboxRef, String sandboxStatus, Instant now);

    /** Sessions whose recorded sandbox state is one of {@code statuses}: what a restart must reconcile. */
    List<Session> withSandboxStatus(List<String> statuses);

    void upsertParticipant(String sessionId, String userId, Role role, Instant now);

    boolean removeParticipant(String sessionId, String userId);

    Optional<Role> role(String sessionId, String userId);

    List<Participant> participants(String sessionId);
}

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

    /** The sessions whose parent is {@code parentId} (its forks and the child sessions its agent started), oldest first. */
    List<Session> children(String parentId);

    /** Sets the status unless the session is archived; false when nothing changed. */
    boolean updateStatus(String id, SessionStatus status, Instant now);

    boolean archive(String id, Instant now);

    /**
     * Records the branches of a session's first checkout: the work branch only if none is set yet
     * (false otherwise, nothing changed), the base branch only where the session named none.
     */
    boolean setBranches(String id, String baseBranch, String workBranch, Instant now);

    /**
     * Records the session's sandbox, its lifecycle state (null ref: none) and its owner: the node
     * whose sandbox provider holds the sandbox and whose disk holds its snapshot.
     */
    void updateSandbox(String id, String sandboxRef, String sandboxStatus, String owner, Instant now);

    /**
     * Sessions whose sandbox {@code owner} recorded in one of {@code statuses}, plus those recorded
     * before owners were kept (no owner): what a restart of that node must reconcile. Sessions
     * whose sandbox another node owns are never among them.
     */
    List<Session> withSandboxStatus(String owner, List<String> statuses);

    /**
     * Start-up recovery of one session's sandbox: sets {@code sandboxStatus} (and clears the
     * reference) only while the sandbox is still {@code owner}'s (or nobody's) and still in state
     * {@code expected}. False when nothing changed: another node has taken the session's sandbox
     * over since it was listed, and its record stands.
     */
    boolean recoverSandbox(String id, String owner, String expected, String sandboxStatus, Instant now);

    void upsertParticipant(String sessionId, String userId, Role role, Instant now);

    boolean removeParticipant(String sessionId, String userId);

    Optional<Role> role(String sessionId, String userId);

    List<Participant> participants(String sessionId);
}

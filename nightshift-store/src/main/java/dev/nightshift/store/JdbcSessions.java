package dev.nightshift.store;

import dev.nightshift.core.model.NewSession;
import dev.nightshift.core.model.Participant;
import dev.nightshift.core.model.Role;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionSettings;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.SessionQuery;
import dev.nightshift.core.port.SessionStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

final class JdbcSessions implements SessionStore {
    static final RowMapper<Session> SESSION = (rs, ctx) -> new Session(
            rs.getString("id"),
            rs.getString("repository"),
            rs.getString("base_branch"),
            rs.getString("work_branch"),
            rs.getString("model"),
            rs.getString("title"),
            SessionStatus.fromWire(rs.getString("status")),
            rs.getString("creator_id"),
            Source.fromWire(rs.getString("source")),
            new SessionSettings(
                    rs.getInt("auto_commit") == 1,
                    rs.getInt("auto_pr") == 1,
                    rs.getInt("draft_pr") == 1,
                    rs.getString("network") == null ? null : SessionSettings.Network.fromWire(rs.getString("network")),
                    rs.getString("secret_names") == null
                            ? null
                            : java.util.Arrays.stream(
                                            rs.getString("secret_names").split("\n"))
                                    .filter(n -> !n.isEmpty())
                                    .toList(),
                    rs.getInt("read_only") == 1,
                    rs.getInt("plan_first") == 1),
            rs.getString("parent_id"),
            rs.getString("sandbox_ref"),
            rs.getString("sandbox_status"),
            rs.getLong("last_seq"),
            Db.instant(rs, "created_at"),
            Db.instant(rs, "updated_at"),
            rs.getString("origin"),
            Db.nullableLong(rs, "forked_at_seq"));

    private static final RowMapper<Participant> PARTICIPANT = (rs, ctx) -> new Participant(
            rs.getString("session_id"),
            rs.getString("user_id"),
            rs.getString("login"),
            Role.fromWire(rs.getString("role")),
            Db.instant(rs, "joined_at"));

    private final Db db;

    JdbcSessions(Db db) {
        this.db = db;
    }

    @Override
    public Session create(NewSession s, Instant now) {
        long at = now.toEpochMilli();
        db.write(h -> {
            h.createUpdate("""
                            INSERT INTO sessions (id, repository, base_branch, model, title, status, creator_id, source,
                                auto_commit, auto_pr, draft_pr, network, secret_names, read_only, plan_first, parent_id, origin,
                                forked_at_seq, created_at, updated_at)
                            VALUES (:id, :repository, :baseBranch, :model, :title, :status, :creatorId, :source,
                                :autoCommit, :autoPr, :draftPr, :network, :secretNames, :readOnly, :planFirst, :parentId, :origin,
                                :forkedAtSeq, :now, :now)""")
                    .bind("id", s.id())
                    .bind("repository", s.repository())
                    .bind("baseBranch", s.baseBranch())
                    .bind("model", s.model())
                    .bind("title", s.title())
                    .bind("status", SessionStatus.CREATED.wire())
                    .bind("creatorId", s.creatorId())
                    .bind("source", s.source().wire())
                    .bind("autoCommit", Db.flag(s.settings().autoCommit()))
                    .bind("autoPr", Db.flag(s.settings().autoPr()))
                    .bind("draftPr", Db.flag(s.settings().draftPr()))
                    .bind("network", s.settings().network().wire())
                    .bind(
                            "secretNames",
                            s.settings().secrets() == null
                                    ? null
                                    : String.join("\n", s.settings().secrets()))
                    .bind("parentId", s.parentId())
                    .bind("readOnly", Db.flag(s.settings().readOnly()))
                    .bind("planFirst", Db.flag(s.settings().planFirst()))
                    .bind("origin", s.origin())
                    .bind("forkedAtSeq", s.forkedAtSeq())
                    .bind("now", at)
                    .execute();
            return h.createUpdate("""
                            INSERT INTO participants (session_id, user_id, role, joined_at)
                            VALUES (:sessionId, :userId, :role, :now)""")
                    .bind("sessionId", s.id())
                    .bind("userId", s.creatorId())
                    .bind("role", Role.OWNER.wire())
                    .bind("now", at)
                    .execute();
        });
        return get(s.id()).orElseThrow();
    }

    @Override
    public Optional<Session> get(String id) {
        return db.read(h -> h.createQuery("SELECT * FROM sessions WHERE id = :id")
                .bind("id", id)
                .map(SESSION)
                .findOne());
    }

    @Override
    public Page<Session> list(SessionQuery q) {
        StringBuilder sql = new StringBuilder("SELECT s.* FROM sessions s");
        if (q.visibleTo() != null) {
            sql.append(" JOIN participants p ON p.session_id = s.id AND p.user_id = :visibleTo");
        }
        sql.append(" WHERE 1 = 1");
        if (q.creatorId() != null) {
            sql.append(" AND s.creator_id = :creatorId");
        }
        if (q.status() != null) {
            sql.append(" AND s.status = :status");
        }
        if (q.repository() != null) {
            sql.append(" AND s.repository = :repository");
        }
        sql.append(" ORDER BY s.updated_at DESC, s.id DESC LIMIT :limit OFFSET :offset");
        List<Session> rows = db.read(h -> {
            Query query =
                    h.createQuery(sql.toString()).bind("limit", q.limit() + 1).bind("offset", q.offset());
            if (q.visibleTo() != null) {
                query.bind("visibleTo", q.visibleTo());
            }
            if (q.creatorId() != null) {
                query.bind("creatorId", q.creatorId());
            }
            if (q.status() != null) {
                query.bind("status", q.status().wire());
            }
            if (q.repository() != null) {
                query.bind("repository", q.repository());
            }
            return query.map(SESSION).list();
        });
        return Page.fromLookAhead(rows, q.limit());
    }

    @Override
    public List<Session> children(String parentId) {
        return db.read(h -> h.createQuery("SELECT * FROM sessions WHERE parent_id = :parentId ORDER BY created_at, id")
                .bind("parentId", parentId)
                .map(SESSION)
                .list());
    }

    @Override
    public boolean updateStatus(String id, SessionStatus status, Instant now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE sessions SET status = :status, updated_at = :now
                        WHERE id = :id AND status <> 'archived' AND status <> :status""")
                        .bind("status", status.wire())
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public boolean archive(String id, Instant now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE sessions SET status = 'archived', updated_at = :now
                        WHERE id = :id AND status <> 'archived'""")
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public boolean setBranches(String id, String baseBranch, String workBranch, Instant now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE sessions SET work_branch = :work, base_branch = COALESCE(base_branch, :base), updated_at = :now
                        WHERE id = :id AND work_branch IS NULL""")
                        .bind("work", workBranch)
                        .bind("base", baseBranch)
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public void updateSandbox(String id, String sandboxRef, String sandboxStatus, String owner, Instant now) {
        db.write(h -> h.createUpdate("""
                        UPDATE sessions SET sandbox_ref = :ref, sandbox_status = :status, sandbox_owner = :owner,
                            updated_at = :now
                        WHERE id = :id""")
                .bind("ref", sandboxRef)
                .bind("status", sandboxStatus)
                .bind("owner", owner)
                .bind("now", now.toEpochMilli())
                .bind("id", id)
                .execute());
    }

    @Override
    public List<Session> withSandboxStatus(String owner, List<String> statuses) {
        if (statuses.isEmpty()) {
            return List.of();
        }
        return db.read(h -> h.createQuery("""
                        SELECT * FROM sessions
                        WHERE sandbox_status IN (<statuses>) AND (sandbox_owner = :owner OR sandbox_owner IS NULL)""")
                .bindList("statuses", statuses)
                .bind("owner", owner)
                .map(SESSION)
                .list());
    }

    @Override
    public boolean recoverSandbox(String id, String owner, String expected, String sandboxStatus, Instant now) {
        return db.write(h -> h.createUpdate("""
                        UPDATE sessions SET sandbox_ref = NULL, sandbox_status = :status, sandbox_owner = :owner,
                            updated_at = :now
                        WHERE id = :id AND sandbox_status = :expected
                            AND (sandbox_owner = :owner OR sandbox_owner IS NULL)""")
                        .bind("status", sandboxStatus)
                        .bind("owner", owner)
                        .bind("expected", expected)
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public void upsertParticipant(String sessionId, String userId, Role role, Instant now) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO participants (session_id, user_id, role, joined_at)
                        VALUES (:sessionId, :userId, :role, :now)
                        ON CONFLICT (session_id, user_id) DO UPDATE SET role = excluded.role""")
                .bind("sessionId", sessionId)
                .bind("userId", userId)
                .bind("role", role.wire())
                .bind("now", now.toEpochMilli())
                .execute());
    }

    @Override
    public boolean removeParticipant(String sessionId, String userId) {
        return db.write(h -> h.createUpdate(
                                "DELETE FROM participants WHERE session_id = :sessionId AND user_id = :userId")
                        .bind("sessionId", sessionId)
                        .bind("userId", userId)
                        .execute())
                == 1;
    }

    @Override
    public Optional<Role> role(String sessionId, String userId) {
        return db.read(
                h -> h.createQuery("SELECT role FROM participants WHERE session_id = :sessionId AND user_id = :userId")
                        .bind("sessionId", sessionId)
                        .bind("userId", userId)
                        .mapTo(String.class)
                        .findOne()
                        .map(Role::fromWire));
    }

    @Override
    public List<Participant> participants(String sessionId) {
        return db.read(h ->
                h.createQuery("""
                        SELECT p.*, u.login FROM participants p JOIN users u ON u.id = p.user_id
                        WHERE p.session_id = :sessionId ORDER BY p.joined_at, u.login""").bind("sessionId", sessionId).map(PARTICIPANT).list());
    }
}

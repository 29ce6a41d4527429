package dev.nightshift.server.http;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Identity;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.Participant;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionSettings;
import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.User;
import java.time.Instant;
import java.util.List;

/** What the API sends: records shaped for clients, built from the domain records. */
public final class Views {
    private Views() {}

    /** A session's settings as clients read them (the network in its wire name). */
    public record SettingsView(
            boolean autoCommit,
            boolean autoPr,
            boolean draftPr,
            String network,
            List<String> secrets,
            boolean readOnly,
            boolean planFirst) {
        static SettingsView of(SessionSettings s) {
            return new SettingsView(
                    s.autoCommit(),
                    s.autoPr(),
                    s.draftPr(),
                    s.network().wire(),
                    s.secrets(),
                    s.readOnly(),
                    s.planFirst());
        }
    }

    public record SessionView(
            String id,
            String repository,
            String baseBranch,
            String workBranch,
            String model,
            String title,
            String status,
            String creatorId,
            String source,
            SettingsView settings,
            String parentId,
            String sandboxStatus,
            long lastSeq,
            Instant createdAt,
            Instant updatedAt,
            String role,
            OriginView origin,
            Long forkedAtSeq) {}

    /**
     * What started a session that no person started: {@code kind} and {@code id} of the trigger's origin
     * and, for an automation's run, the automation and the run.
     */
    public record OriginView(String kind, String id, String automationId, String runId) {
        static OriginView of(String origin) {
            if (origin == null) {
                return null;
            }
            int colon = origin.indexOf(':');
            String kind = colon < 0 ? origin : origin.substring(0, colon);
            String id = colon < 0 ? "" : origin.substring(colon + 1);
            String[] automation = "automation".equals(kind) ? id.split("/", 2) : new String[0];
            return new OriginView(
                    kind,
                    id,
                    automation.length == 2 ? automation[0] : null,
                    automation.length == 2 ? automation[1] : null);
        }
    }

    public static SessionView session(Session s, String role) {
        return new SessionView(
                s.id(),
                s.repository(),
                s.baseBranch(),
                s.workBranch(),
                s.model(),
                s.title(),
                s.status().wire(),
                s.creatorId(),
                s.source().wire(),
                SettingsView.of(s.settings()),
                s.parentId(),
                s.sandboxStatus(),
                s.lastSeq(),
                s.createdAt(),
                s.updatedAt(),
                role,
                OriginView.of(s.origin()),
                s.forkedAtSeq());
    }

    public record MessageView(
            String id,
            String sessionId,
            String authorId,
            String source,
            String content,
            String model,
            String clientRequestId,
            String status,
            String error,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt) {}

    public static MessageView message(Message m) {
        return new MessageView(
                m.id(),
                m.sessionId(),
                m.authorId(),
                m.source().wire(),
                m.content(),
                m.model(),
                m.clientRequestId(),
                m.status().wire(),
                m.error(),
                m.createdAt(),
                m.startedAt(),
                m.finishedAt());
    }

    public record EventView(
            long seq,
            String type,
            String messageId,
            @JsonRawValue String data,
            Instant createdAt) {}

    public static EventView event(Event e) {
        return new EventView(e.seq(), e.type(), e.messageId(), e.data(), e.createdAt());
    }

    /**
     * A question of the agent's, or its plan: what was asked ({@code data}, the {@code question} or {@code
     * plan} event's data) and what became of it.
     */
    public record QuestionView(
            String id,
            String sessionId,
            String messageId,
            String callId,
            String kind,
            String status,
            @JsonRawValue String data,
            Instant askedAt,
            Instant expiresAt,
            String answeredBy,
            Instant answeredAt) {}

    public static QuestionView question(dev.nightshift.core.model.Question q) {
        return new QuestionView(
                q.id(),
                q.sessionId(),
                q.messageId(),
                q.callId(),
                q.kind().wire(),
                q.status().wire(),
                q.data(),
                q.askedAt(),
                q.expiresAt(),
                q.answeredBy(),
                q.answeredAt());
    }

    public record ArtifactView(
            String id,
            String type,
            String url,
            @JsonRawValue String data,
            Instant createdAt) {}

    public static ArtifactView artifact(Artifact a) {
        return new ArtifactView(a.id(), a.type(), a.url(), a.data(), a.createdAt());
    }

    /** @param url where its content is served to the session's readers */
    public record AttachmentView(String id, String name, String mediaType, long size, String path, String url) {}

    public static AttachmentView attachment(dev.nightshift.core.model.Attachment a) {
        return new AttachmentView(
                a.id(), a.name(), a.mediaType(), a.size(), a.path(), attachmentUrl(a.sessionId(), a.id()));
    }

    /** The API path of an attachment's content. */
    public static String attachmentUrl(String sessionId, String attachmentId) {
        return "/api/sessions/" + sessionId + "/attachments/" + attachmentId;
    }

    public record ParticipantView(String userId, String login, String role, Instant joinedAt) {}

    public static ParticipantView participant(Participant p) {
        return new ParticipantView(p.userId(), p.login(), p.role().wire(), p.joinedAt());
    }

    public record UserView(
            String id,
            String login,
            String name,
            String email,
            boolean admin,
            boolean active,
            Instant createdAt,
            Instant deactivatedAt) {}

    public static UserView user(User u) {
        return new UserView(
                u.id(), u.login(), u.name(), u.email(), u.admin(), u.active(), u.createdAt(), u.deactivatedAt());
    }

    /** A linked external account: which provider vouches for it, never anything secret. */
    public record IdentityView(
            String id,
            String kind,
            String issuer,
            String subject,
            String login,
            String email,
            Instant createdAt,
            Instant lastSeenAt) {}

    public static IdentityView identity(Identity i) {
        return new IdentityView(
                i.id(), i.kind(), i.issuer(), i.subject(), i.login(), i.email(), i.createdAt(), i.lastSeenAt());
    }

    /** A token as listed: never its secret. */
    public record TokenView(
            String id,
            String kind,
            String name,
            String sessionId,
            List<String> scopes,
            Instant createdAt,
            Instant expiresAt) {}

    public static TokenView token(Token t) {
        return new TokenView(
                t.id(),
                t.kind().wire(),
                t.name(),
                t.sessionId(),
                Scope.wires(t.scopes()),
                t.createdAt(),
                t.expiresAt());
    }

    /** A token just created: the only time its secret is shown. */
    public record NewTokenView(
            String id,
            String kind,
            String name,
            String token,
            List<String> scopes,
            Instant createdAt,
            Instant expiresAt,
            String url) {
        public static NewTokenView of(Token t, String secret, String url) {
            return new NewTokenView(
                    t.id(),
                    t.kind().wire(),
                    t.name(),
                    secret,
                    Scope.wires(t.scopes()),
                    t.createdAt(),
                    t.expiresAt(),
                    url);
        }
    }
}

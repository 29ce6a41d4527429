package dev.nightshift.store;

import dev.nightshift.core.model.Attachment;
import dev.nightshift.core.model.NewAttachment;
import dev.nightshift.core.policy.AttachmentRules;
import dev.nightshift.core.port.AttachmentStore;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Prompts' attachment rows; written by {@link JdbcMessages#enqueue} in the message's transaction. */
final class JdbcAttachments implements AttachmentStore {
    private static final RowMapper<Attachment> ATTACHMENT = (rs, ctx) -> new Attachment(
            rs.getString("id"),
            rs.getString("session_id"),
            rs.getString("message_id"),
            rs.getString("name"),
            rs.getString("media_type"),
            rs.getLong("size_bytes"),
            rs.getString("sha256"),
            Db.instant(rs, "created_at"));

    private final Db db;

    JdbcAttachments(Db db) {
        this.db = db;
    }

    /**
     * Inserts a new message's attachments, renaming any whose name the session already has. Runs
     * inside the enqueue transaction, after the session row was bumped: that serialises it against
     * every other enqueue of the session, so two prompts never pick the same name.
     */
    static void insert(Handle h, String sessionId, String messageId, List<NewAttachment> attachments, Instant now) {
        if (attachments.isEmpty()) {
            return;
        }
        Set<String> taken = new HashSet<>(h.createQuery("SELECT name FROM attachments WHERE session_id = :sessionId")
                .bind("sessionId", sessionId)
                .mapTo(String.class)
                .list());
        int ordinal = 0;
        for (NewAttachment a : attachments) {
            String name = AttachmentRules.uniqueName(a.name(), taken);
            taken.add(name);
            h.createUpdate("""
                            INSERT INTO attachments (id, session_id, message_id, ordinal, name, media_type, size_bytes,
                                sha256, created_at)
                            VALUES (:id, :sessionId, :messageId, :ordinal, :name, :mediaType, :size, :sha256, :now)""")
                    .bind("id", a.id())
                    .bind("sessionId", sessionId)
                    .bind("messageId", messageId)
                    .bind("ordinal", ordinal++)
                    .bind("name", name)
                    .bind("mediaType", a.mediaType())
                    .bind("size", a.size())
                    .bind("sha256", a.sha256())
                    .bind("now", now.toEpochMilli())
                    .execute();
        }
    }

    @Override
    public List<Attachment> forMessage(String messageId) {
        return db.read(h -> h.createQuery("SELECT * FROM attachments WHERE message_id = :messageId ORDER BY ordinal")
                .bind("messageId", messageId)
                .map(ATTACHMENT)
                .list());
    }

    @Override
    public Optional<Attachment> get(String attachmentId) {
        return db.read(h -> h.createQuery("SELECT * FROM attachments WHERE id = :id")
                .bind("id", attachmentId)
                .map(ATTACHMENT)
                .findOne());
    }
}

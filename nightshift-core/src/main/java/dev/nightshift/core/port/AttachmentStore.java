package dev.nightshift.core.port;

import dev.nightshift.core.model.Attachment;
import java.util.List;
import java.util.Optional;

/**
 * The rows describing prompts' attachments (their bytes are in a {@link BlobStore}). They are
 * written with their message by {@link MessageStore#enqueue}; this reads them.
 */
public interface AttachmentStore {
    /** A message's attachments, in the order they were sent. */
    List<Attachment> forMessage(String messageId);

    Optional<Attachment> get(String attachmentId);
}

package dev.nightshift.core.model;

import java.util.List;

/**
 * A prompt as it arrives from a surface, before it is queued.
 *
 * @param attachments stored with the message in the same transaction (empty: none)
 */
public record NewMessage(
        String id,
        String sessionId,
        String authorId,
        Source source,
        String content,
        String model,
        String clientRequestId,
        List<NewAttachment> attachments) {

    public NewMessage {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** A prompt without attachments. */
    public NewMessage(
            String id,
            String sessionId,
            String authorId,
            Source source,
            String content,
            String model,
            String clientRequestId) {
        this(id, sessionId, authorId, source, content, model, clientRequestId, List.of());
    }
}

package dev.nightshift.core.model;

import java.time.Instant;

/**
 * A file attached to a prompt: an image the model may see, or a text file. Its bytes are kept
 * content-addressed by {@code sha256} in a {@link dev.nightshift.core.port.BlobStore}, never in the
 * database; the agent's workspace gets a copy at {@link #path()} before the prompt's turn.
 *
 * @param name a safe file name, unique among the session's attachments
 * @param mediaType what the content was found to be: {@code image/png}, {@code image/jpeg},
 *     {@code image/gif}, {@code image/webp} or {@code text/plain}
 * @param size the content's length in bytes
 * @param sha256 the content's SHA-256, lowercase hex: its key in the blob store
 */
public record Attachment(
        String id,
        String sessionId,
        String messageId,
        String name,
        String mediaType,
        long size,
        String sha256,
        Instant createdAt) {

    /** Where attachments are placed in the workspace, relative to its root; never committed. */
    public static final String DIRECTORY = ".nightshift/attachments";

    /** The attachment's path in the workspace, relative to its root. */
    public String path() {
        return DIRECTORY + "/" + name;
    }

    public boolean image() {
        return mediaType.startsWith("image/");
    }
}

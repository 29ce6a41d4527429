package dev.nightshift.server.session;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.Attachment;
import dev.nightshift.core.model.NewAttachment;
import dev.nightshift.core.policy.AttachmentLimits;
import dev.nightshift.core.policy.AttachmentRules;
import dev.nightshift.core.port.BlobStore;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.http.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prompts' attachments between the surfaces, the blob store and the workspace: every upload checked
 * (count, size, type) before any is stored, so a refused one leaves nothing queued; content read
 * back for the API and the agent; copies written into a session's workspace before its turn.
 * Thread-safe; called on request threads and turn threads.
 */
public final class Attachments {
    private static final int BUFFER = 64 * 1024;

    private final Store store;
    private final BlobStore blobs;
    private final AttachmentLimits limits;

    public Attachments(Store store, BlobStore blobs, AttachmentLimits limits) {
        this.store = store;
        this.blobs = blobs;
        this.limits = limits;
    }

    public AttachmentLimits limits() {
        return limits;
    }

    /** Opens an upload's content; may be called more than once, each time from the start. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    /**
     * A file as a client sent it.
     *
     * @param filename the name the client gave it (made safe before it is used)
     * @param declaredType the {@code Content-Type} the client gave it, or null
     */
    public record Upload(String filename, String declaredType, long size, Content content) {}

    /**
     * Checks every upload — how many (413), how large (413), what they are (415) — and only when all
     * pass stores their content, returning them ready to be queued with their prompt.
     */
    public List<NewAttachment> accept(List<Upload> uploads) {
        if (uploads.size() > limits.maxCount()) {
            throw new ApiException(
                    413,
                    "too_many_attachments",
                    "the prompt has " + uploads.size() + " attachments; at most " + limits.maxCount()
                            + " may be sent with one prompt");
        }
        List<String> types = new ArrayList<>();
        for (Upload upload : uploads) {
            if (upload.size() > limits.maxBytes()) {
                throw tooLarge(upload.filename());
            }
            types.add(check(upload));
        }
        List<NewAttachment> accepted = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            Upload upload = uploads.get(i);
            String type = types.get(i);
            BlobStore.Blob blob;
            try (InputStream in = upload.content().open()) {
                blob = blobs.put(in, limits.maxBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("could not store the attachment " + upload.filename(), e);
            }
            accepted.add(new NewAttachment(
                    Ids.newId("att"),
                    AttachmentRules.safeName(upload.filename(), type),
                    type,
                    blob.size(),
                    blob.sha256()));
        }
        return accepted;
    }

    /** Reads one upload through: its first bytes say whether it is an image, all of it whether it is text. */
    private String check(Upload upload) {
        if (!AttachmentRules.declarable(upload.declaredType())) {
            throw unsupported(upload, "its type " + upload.declaredType() + " is not taken");
        }
        byte[] head = new byte[AttachmentRules.SNIFF_BYTES];
        int headLength = 0;
        long size = 0;
        AttachmentRules.TextCheck text = new AttachmentRules.TextCheck();
        try (InputStream in = upload.content().open()) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                int take = Math.min(n, head.length - headLength);
                System.arraycopy(buffer, 0, head, headLength, Math.max(0, take));
                headLength += Math.max(0, take);
                text.feed(buffer, 0, n);
                size += n;
                if (size > limits.maxBytes()) {
                    throw tooLarge(upload.filename());
                }
            }
        } catch (IOException e) {
            throw ApiException.badRequest(
                    "the attachment " + upload.filename() + " could not be read: " + e.getMessage());
        }
        return switch (AttachmentRules.check(upload.declaredType(), head, headLength, text.text())) {
            case AttachmentRules.Accepted accepted -> accepted.mediaType();
            case AttachmentRules.Refused refused -> throw unsupported(upload, refused.reason());
        };
    }

    private ApiException tooLarge(String filename) {
        return new ApiException(
                413,
                "attachment_too_large",
                "the attachment " + filename + " is larger than " + readable(limits.maxBytes())
                        + ", the most one attachment may be");
    }

    private static ApiException unsupported(Upload upload, String reason) {
        return new ApiException(
                415,
                "unsupported_attachment",
                "the attachment " + upload.filename() + " cannot be attached: " + reason + ". Attach "
                        + AttachmentRules.ALLOWED);
    }

    /** {@code 10 MiB}, {@code 512 KiB}, {@code 1000 bytes}. */
    public static String readable(long bytes) {
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }

    /** A message's attachments, in the order they were sent. */
    public List<Attachment> forMessage(String messageId) {
        return store.attachments().forMessage(messageId);
    }

    /** An attachment of this session, or empty (another session's is as absent as a missing one). */
    public Optional<Attachment> find(String sessionId, String attachmentId) {
        return store.attachments().get(attachmentId).filter(a -> a.sessionId().equals(sessionId));
    }

    /** The attachment's content, to be closed by the caller; empty when its blob is gone. */
    public Optional<InputStream> open(Attachment attachment) throws IOException {
        return blobs.open(attachment.sha256());
    }

    /** The whole content of one of the session's attachments, for its turns. */
    public Optional<byte[]> content(String sessionId, String attachmentId) throws IOException {
        Optional<Attachment> attachment = find(sessionId, attachmentId);
        return attachment.isEmpty()
                ? Optional.empty()
                : blobs.read(attachment.get().sha256());
    }

    /** Writes the attachments into the workspace at {@link Attachment#path()}, replacing what is there. */
    public void place(Sandbox sandbox, List<Attachment> attachments) throws IOException {
        for (Attachment a : attachments) {
            Optional<byte[]> content = blobs.read(a.sha256());
            if (content.isEmpty()) {
                throw new IOException("the content of " + a.name() + " is missing from the blob store");
            }
            sandbox.writeFile(a.path(), content.get());
        }
    }
}

package dev.nightshift.core.port;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Content-addressed bytes (prompts' attachments): a blob's key is the SHA-256 of its content, so
 * the same file stored twice is kept once, and nothing stored can change. The filesystem under the
 * data directory is one implementation; a fleet can put an object store behind the same interface.
 * Implementations are thread-safe.
 */
public interface BlobStore {
    /** A stored blob: its key and length. */
    record Blob(String sha256, long size) {}

    /**
     * Stores everything {@code content} yields (the caller closes it), refusing more than
     * {@code maxBytes}: an {@link IOException} then, and nothing is kept.
     */
    Blob put(InputStream content, long maxBytes) throws IOException;

    /** The blob's content, to be closed by the caller; empty when there is no such blob. */
    Optional<InputStream> open(String sha256) throws IOException;

    /** The whole blob; empty when there is no such blob. */
    default Optional<byte[]> read(String sha256) throws IOException {
        Optional<InputStream> in = open(sha256);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream content = in.get()) {
            return Optional.of(content.readAllBytes());
        }
    }
}

package dev.nightshift.bench;

import dev.nightshift.agent.tools.ToolContext;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.port.Media;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * A tool call's context for the browser benchmark: the sandbox, and screenshots and videos kept in
 * memory (only the last one), so what is timed is the tool and not a store. Read and written on
 * the benchmark's one thread.
 */
final class MediaCapture implements ToolContext {
    private final Sandbox sandbox;
    private int kept;
    private Media lastMedia;
    private byte[] lastBytes;

    MediaCapture(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** What the last kept item says it is (size, duration as ffprobe read it); null before any. */
    Media lastMedia() {
        return lastMedia;
    }

    /** The last kept item's bytes; null before any. */
    byte[] lastBytes() {
        return lastBytes;
    }

    @Override
    public Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public void emit(EventPayload payload) {}

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public boolean stopRequested() {
        return false;
    }

    @Override
    public Artifact keepMedia(Media media, InputStream content) throws IOException {
        lastBytes = content.readAllBytes();
        lastMedia = media;
        String id = "art_bench_" + ++kept;
        return new Artifact(id, sandbox.sessionId(), media.type(), "/media/" + id, "{}", Instant.EPOCH);
    }
}

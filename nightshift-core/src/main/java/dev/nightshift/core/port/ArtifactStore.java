package dev.nightshift.core.port;

import dev.nightshift.core.model.Artifact;
import java.time.Instant;
import java.util.List;

public interface ArtifactStore {
    Artifact add(String sessionId, String type, String url, String data, Instant now);

    List<Artifact> list(String sessionId);
}

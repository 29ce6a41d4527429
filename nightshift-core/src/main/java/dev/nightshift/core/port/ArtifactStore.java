package dev.nightshift.core.port;

import dev.nightshift.core.model.Artifact;
import java.time.Instant;
import java.util.List;

public interface ArtifactStore {
    Artifact add(String sessionId, String type, String url, String data, Instant now);

    /** Adds an artifact whose id the caller chose (from {@code Ids.newId("art")}), so its URL can name it. */
    Artifact add(String id, String sessionId, String type, String url, String data, Instant now);

    List<Artifact> list(String sessionId);

    /** Artifacts of a type at a URL, across sessions (a pull request a webhook speaks of). */
    List<Artifact> findByUrl(String type, String url);

    /** Replaces an artifact's URL and data if its data is still {@code expectedData}; false when it changed meanwhile. */
    boolean replaceIfData(String id, String expectedData, String url, String data);
}

package dev.nightshift.store;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.port.ArtifactStore;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;

final class JdbcArtifacts implements ArtifactStore {
    private static final RowMapper<Artifact> ARTIFACT = (rs, ctx) -> new Artifact(
            rs.getString("id"),
            rs.getString("session_id"),
            rs.getString("type"),
            rs.getString("url"),
            rs.getString("data"),
            Db.instant(rs, "created_at"));

    private final Db db;

    JdbcArtifacts(Db db) {
        this.db = db;
    }

    @Override
    public Artifact add(String sessionId, String type, String url, String data, Instant now) {
        return add(Ids.newId("art"), sessionId, type, url, data, now);
    }

    @Override
    public Artifact add(String id, String sessionId, String type, String url, String data, Instant now) {
        Artifact artifact = new Artifact(
                id, sessionId, type, url, data == null ? "{}" : data, Instant.ofEpochMilli(now.toEpochMilli()));
        db.write(h -> h.createUpdate("""
                        INSERT INTO artifacts (id, session_id, type, url, data, created_at)
                        VALUES (:id, :sessionId, :type, :url, :data, :createdAt)""")
                .bind("id", artifact.id())
                .bind("sessionId", sessionId)
                .bind("type", type)
                .bind("url", url)
                .bind("data", artifact.data())
                .bind("createdAt", now.toEpochMilli())
                .execute());
        return artifact;
    }

    @Override
    public List<Artifact> list(String sessionId) {
        return db.read(
                h -> h.createQuery("SELECT * FROM artifacts WHERE session_id = :sessionId ORDER BY created_at, id")
                        .bind("sessionId", sessionId)
                        .map(ARTIFACT)
                        .list());
    }

    @Override
    public List<Artifact> findByUrl(String type, String url) {
        return db.read(
                h -> h.createQuery("SELECT * FROM artifacts WHERE type = :type AND url = :url ORDER BY created_at, id")
                        .bind("type", type)
                        .bind("url", url)
                        .map(ARTIFACT)
                        .list());
    }

    @Override
    public boolean replaceIfData(String id, String expectedData, String url, String data) {
        return db.write(h -> h.createUpdate(
                                "UPDATE artifacts SET url = :url, data = :data WHERE id = :id AND data = :expected")
                        .bind("url", url)
                        .bind("data", data)
                        .bind("id", id)
                        .bind("expected", expectedData)
                        .execute())
                == 1;
    }
}

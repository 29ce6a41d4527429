package dev.nightshift.bench;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.server.http.Json;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Measurement 3: a newcomer joins a session holding 500 events; time from sending {@code subscribe}
 * to having the whole {@code snapshot} frame.
 */
final class Snapshot {
    static final int EVENTS = 500;
    static final int WARMUP = 10;
    static final int RUNS = 50;

    record Result(
            String db,
            long[] sorted,
            long[] floorSorted,
            int snapshotEvents,
            int snapshotBytes,
            int floorBytes,
            double avgEventBytes) {}

    record FloorEvent(
            long seq,
            String type,
            String messageId,
            @JsonRawValue String data,
            Instant createdAt) {}

    static Result run(BenchServer s, Consumer<String> progress) throws Exception {
        String session = s.admin.createSession("/srv/bench-snapshot");
        long bytes = 0;
        for (int from = 0; from < EVENTS; from += 50) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = from; i < from + 50; i++) {
                String data = Payloads.realistic(i);
                bytes += data.length();
                batch.add(new NewEvent(i % 7 == 0 ? "tool_call" : "token", null, data));
            }
            s.ns.eventLog().append(session, batch);
        }
        String token = s.admin.liveToken(session);
        HttpClient http = HttpClient.newHttpClient();
        long[] times = new long[RUNS];
        int snapshotEvents = -1;
        int snapshotBytes = -1;
        try {
            for (int r = 0; r < WARMUP + RUNS; r++) {
                Collector c = Collector.connect(http, s.wsUrl(session), 0, null);
                try {
                    long t0 = System.nanoTime();
                    c.subscribe(token);
                    if (!c.snapshot.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("no snapshot within 10 s");
                    }
                    if (r >= WARMUP) {
                        times[r - WARMUP] = c.snapshotAt - t0;
                    }
                    if (r == WARMUP) {
                        JsonNode snap = Json.MAPPER.readTree(c.snapshotText);
                        snapshotEvents = snap.path("events").size();
                        snapshotBytes = c.snapshotText.length();
                    }
                } finally {
                    c.close();
                }
            }
        } finally {
            http.close();
        }
        progress.accept(
                "[3/4] snapshot: " + s.db + " Nightshift p50 " + Stats.fmtMs(Stats.pct(Stats.sorted(times), 0.5)));

        long[] floor = new long[RUNS];
        int floorBytes = -1;
        try (Connection c = s.rawConnection();
                PreparedStatement q = c.prepareStatement("""
                        SELECT session_id, seq, type, message_id, data, created_at FROM events
                        WHERE session_id = ? ORDER BY seq DESC LIMIT ?""")) {
            for (int r = 0; r < WARMUP + RUNS; r++) {
                long t0 = System.nanoTime();
                q.setString(1, session);
                q.setInt(2, EVENTS + 1);
                List<FloorEvent> rows = new ArrayList<>(EVENTS + 1);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new FloorEvent(
                                rs.getLong("seq"),
                                rs.getString("type"),
                                rs.getString("message_id"),
                                rs.getString("data"),
                                Instant.ofEpochMilli(rs.getLong("created_at"))));
                    }
                }
                boolean hasMore = rows.size() > EVENTS;
                if (hasMore) {
                    rows.removeLast();
                }
                Collections.reverse(rows);
                Map<String, Object> frame = new LinkedHashMap<>();
                frame.put("type", "snapshot");
                frame.put("events", rows);
                frame.put("hasMore", hasMore);
                String json = Json.MAPPER.writeValueAsString(frame);
                long dt = System.nanoTime() - t0;
                if (r >= WARMUP) {
                    floor[r - WARMUP] = dt;
                }
                floorBytes = json.length();
            }
        }
        progress.accept("[3/4] snapshot: " + s.db + " raw JDBC + Jackson p50 "
                + Stats.fmtMs(Stats.pct(Stats.sorted(floor), 0.5)));
        return new Result(
                s.db,
                Stats.sorted(times),
                Stats.sorted(floor),
                snapshotEvents,
                snapshotBytes,
                floorBytes,
                bytes / (double) EVENTS);
    }
}

package dev.nightshift.server.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Who is watching which session on this node, and whether they are active or idle. */
public final class Presence {
    public record Entry(String userId, String login, String status, Instant since) {}

    /** One line per person, however many tabs they have open; active wins over idle. */
    public record Person(String userId, String login, String status, int connections) {}

    private final Map<String, Map<String, Entry>> bySession = new ConcurrentHashMap<>();

    public void put(String sessionId, String connectionId, Entry entry) {
        bySession.computeIfAbsent(sessionId, id -> new ConcurrentHashMap<>()).put(connectionId, entry);
    }

    public void remove(String sessionId, String connectionId) {
        bySession.computeIfPresent(sessionId, (id, m) -> {
            m.remove(connectionId);
            return m.isEmpty() ? null : m;
        });
    }

    public List<Person> people(String sessionId) {
        Map<String, Entry> connections = bySession.getOrDefault(sessionId, Map.of());
        Map<String, Person> people = new LinkedHashMap<>();
        connections.values().stream().sorted(Comparator.comparing(Entry::since)).forEach(e -> {
            String key = e.userId() == null ? "viewer:" + e.login() : e.userId();
            people.merge(
                    key,
                    new Person(e.userId(), e.login(), e.status(), 1),
                    (a, b) -> new Person(
                            a.userId(),
                            a.login(),
                            "active".equals(a.status()) || "active".equals(b.status()) ? "active" : "idle",
                            a.connections() + 1));
        });
        return new ArrayList<>(people.values());
    }
}

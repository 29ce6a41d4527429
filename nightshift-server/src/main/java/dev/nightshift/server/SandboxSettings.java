package dev.nightshift.server;

import dev.nightshift.core.sandbox.SandboxLimits;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How sessions get sandboxes.
 *
 * @param provider "auto" (the best isolation the host offers), "bubblewrap" or "process"
 * @param warmPool empty sandboxes kept ready
 * @param egressAllow hosts every sandbox may reach
 * @param egressAllowByRepository more hosts for the sessions of one repository
 */
public record SandboxSettings(
        String provider,
        SandboxLimits limits,
        Duration idleTimeout,
        int warmPool,
        List<String> egressAllow,
        Map<String, List<String>> egressAllowByRepository) {

    public SandboxSettings {
        egressAllow = List.copyOf(egressAllow);
        egressAllowByRepository = Map.copyOf(egressAllowByRepository);
    }

    /** Every host a session on {@code repository} may reach. */
    public List<String> allowedHosts(String repository) {
        List<String> hosts = new java.util.ArrayList<>(egressAllow);
        hosts.addAll(egressAllowByRepository.getOrDefault(repository, List.of()));
        return List.copyOf(hosts);
    }

    static List<String> hosts(String raw) {
        return Arrays.stream(raw.split(","))
                .map(String::trim)
                .filter(h -> !h.isEmpty())
                .toList();
    }

    /** "repo=host,host; other=host" → {repo: [host, host], other: [host]}. */
    static Map<String, List<String>> hostsByRepository(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String entry : raw.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(Setting.EGRESS_ALLOW_BY_REPO.env()
                        + " entries look like 'repository=host,host', got '" + entry.trim() + "'");
            }
            out.put(entry.substring(0, eq).trim(), hosts(entry.substring(eq + 1)));
        }
        return out;
    }
}

package dev.nightshift.core.secret;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The secrets one session gets, resolved for its sandbox: values unsealed, held by the control
 * plane only. {@link #placeholderEnv()} and {@link #env()} go into every process of the sandbox,
 * {@link #setupEnv()} into the setup hook only, {@link #egress()} to the egress proxy.
 */
public record SessionSecrets(List<EgressSecret> egress, Map<String, String> setupEnv, Map<String, String> env) {
    public static final SessionSecrets NONE = new SessionSecrets(List.of(), Map.of(), Map.of());

    public SessionSecrets {
        egress = List.copyOf(egress);
        setupEnv = Map.copyOf(setupEnv);
        env = Map.copyOf(env);
    }

    /** Each egress secret's name → its placeholder: what the sandbox sees instead of the value. */
    public Map<String, String> placeholderEnv() {
        Map<String, String> out = new LinkedHashMap<>();
        egress.forEach(s -> out.put(s.name(), s.placeholder()));
        return out;
    }

    /** Every real value this session's secrets have: what must never reach the log or come back into the sandbox. */
    public Set<String> values() {
        Set<String> out = new LinkedHashSet<>();
        egress.forEach(s -> out.add(s.value()));
        out.addAll(setupEnv.values());
        out.addAll(env.values());
        out.removeIf(v -> v == null || v.isEmpty());
        return out;
    }

    /**
     * What stands for each real value in the session's log: an egress secret's placeholder, else a
     * marker naming the secret (see {@link Redaction}).
     *
     */
    public Map<String, String> replacements() {
        Map<String, String> out = new LinkedHashMap<>();
        egress.forEach(s -> out.put(s.value(), s.placeholder()));
        setupEnv.forEach((name, value) -> out.putIfAbsent(value, Redaction.marker(name)));
        env.forEach((name, value) -> out.putIfAbsent(value, Redaction.marker(name)));
        out.remove(null);
        out.remove("");
        return out;
    }

    @Override
    public String toString() {
        return "SessionSecrets[" + egress.size() + " egress, " + setupEnv.size() + " setup, " + env.size() + " env]";
    }
}

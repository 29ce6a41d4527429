package dev.nightshift.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What an API token may do, on top of what its user may do. A token never grants more than its
 * user has: {@link #ADMIN} on a non-administrator's token grants nothing.
 */
public enum Scope {
    /** Read sessions, their events, artifacts, queue and diff; join their live streams. */
    SESSIONS_READ("sessions:read"),
    /** Create sessions; prompt, stop, cancel, archive, fork, answer; manage participants and share links. */
    SESSIONS_WRITE("sessions:write"),
    /** The caller's own account: API tokens, git credentials, linked identities. */
    ACCOUNT("account"),
    /** Administration: users, admission, identities of others, the audit log. */
    ADMIN("admin");

    /** What a token gets when its creator names no scopes: everything but administration. */
    public static final Set<Scope> DEFAULTS = EnumSet.of(SESSIONS_READ, SESSIONS_WRITE, ACCOUNT);
    /** Tokens from before scopes existed, and the local administrator's login token. */
    public static final Set<Scope> ALL = EnumSet.allOf(Scope.class);

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Scope fromWire(String value) {
        for (Scope s : values()) {
            if (s.wire.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a scope; expected one of " + wires(ALL));
    }

    /** Parses a stored, space-separated list; null (a token from before scopes) is every scope. */
    public static Set<Scope> parse(String stored) {
        if (stored == null) {
            return ALL;
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String part : stored.trim().split("\\s+")) {
            if (!part.isEmpty()) {
                scopes.add(fromWire(part));
            }
        }
        return scopes;
    }

    /** The stored form: wire names in declaration order, space-separated. */
    public static String format(Collection<Scope> scopes) {
        return String.join(" ", wires(scopes));
    }

    public static List<String> wires(Collection<Scope> scopes) {
        List<String> out = new ArrayList<>();
        for (Scope s : values()) {
            if (scopes.contains(s)) {
                out.add(s.wire);
            }
        }
        return out;
    }
}

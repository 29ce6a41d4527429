package dev.nightshift.sandbox.egress;

import java.net.InetAddress;
import java.util.Objects;

/** What an {@link EgressPolicy} decided about one destination. */
public sealed interface EgressDecision {
    /** Connect to exactly this vetted address, never to the name again (DNS rebinding). */
    record Allowed(InetAddress address) implements EgressDecision {
        public Allowed {
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * Refused; {@code reason} is one line for the sandbox's user and the session's event log,
     * saying what was refused and what to do about it.
     */
    record Refused(String reason) implements EgressDecision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

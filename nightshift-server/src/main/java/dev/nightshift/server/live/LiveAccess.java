package dev.nightshift.server.live;

import dev.nightshift.server.auth.Caller;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open live streams (WebSocket and SSE) of this node and what let them in, so withdrawing
 * access ends what it granted: a revoked token or share link, a participant removed, a user
 * deactivated. Whoever withdraws access calls {@link #recheck} on the request thread right after
 * the store changed; every affected stream re-validates against the store and closes within that
 * call. Streams on other nodes of a fleet are re-validated by the periodic {@link #recheckAll}.
 */
public final class LiveAccess {
    private static final Logger LOG = LoggerFactory.getLogger(LiveAccess.class);

    /** One open stream. */
    public interface Grant {
        Caller caller();

        String sessionId();

        /** Ends the stream, telling the client why; called at most once, from any thread. */
        void revoke(String reason);
    }

    private final Set<Grant> grants = ConcurrentHashMap.newKeySet();
    private final BiPredicate<Caller, String> stillAllowed;

    /** @param stillAllowed whether a caller may still read a session (token, user and role checked against the store) */
    public LiveAccess(BiPredicate<Caller, String> stillAllowed) {
        this.stillAllowed = stillAllowed;
    }

    /**
     * Registers an open stream of {@code caller} on {@code sessionId}; {@code revoke} ends it, telling
     * the client why (called at most once, from any thread). Close the returned handle when the
     * stream ends.
     */
    public AutoCloseable register(Caller caller, String sessionId, java.util.function.Consumer<String> revoke) {
        return register(new Grant() {
            @Override
            public Caller caller() {
                return caller;
            }

            @Override
            public String sessionId() {
                return sessionId;
            }

            @Override
            public void revoke(String reason) {
                revoke.accept(reason);
            }
        });
    }

    /** Registers an open stream; close the returned handle when the stream ends. */
    public AutoCloseable register(Grant grant) {
        grants.add(grant);
        return () -> grants.remove(grant);
    }

    /**
     * Re-validates the streams {@code affected} selects and closes those no longer allowed.
     *
     * @return how many were closed
     */
    public int recheck(Predicate<Grant> affected, String reason) {
        int closed = 0;
        for (Grant g : grants) {
            if (affected.test(g) && !allowed(g) && grants.remove(g)) {
                g.revoke(reason);
                closed++;
            }
        }
        return closed;
    }

    /** Streams opened with this token, or with a live token minted from it. */
    public int tokenRevoked(String tokenId) {
        return recheck(
                g -> tokenId.equals(g.caller().token().id())
                        || tokenId.equals(g.caller().token().parentId()),
                "access revoked");
    }

    public int userChanged(String userId) {
        return recheck(g -> userId.equals(g.caller().userId()), "account deactivated");
    }

    public int participantChanged(String sessionId, String userId) {
        return recheck(
                g -> sessionId.equals(g.sessionId()) && userId.equals(g.caller().userId()), "removed from the session");
    }

    /** Every stream of this node; for the periodic sweep that catches changes made on other nodes. */
    public int recheckAll() {
        return recheck(g -> true, "access withdrawn");
    }

    public int size() {
        return grants.size();
    }

    private boolean allowed(Grant g) {
        try {
            return stillAllowed.test(g.caller(), g.sessionId());
        } catch (RuntimeException e) {
            LOG.debug("re-validating a live stream failed; keeping it until the next check", e);
            return true;
        }
    }
}

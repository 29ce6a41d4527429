package dev.nightshift.core.policy;

import java.util.Optional;

/**
 * How far an agent may go in starting sessions of its own: how deep the family may grow (a session a
 * person started is at depth 0), how many of one parent's child sessions may have work at once, and how
 * many child sessions one parent may start in all. Pure.
 *
 * @param settingDepth the setting that changes {@code depth}, named in refusals
 * @param settingRunning the setting that changes {@code running}
 * @param settingTotal the setting that changes {@code perParent}
 */
public record ChildSessionLimits(
        int depth, int running, int perParent, String settingDepth, String settingRunning, String settingTotal) {
    public ChildSessionLimits {
        if (depth < 0 || running < 0 || perParent < 0) {
            throw new IllegalArgumentException("child session limits are not negative");
        }
    }

    /**
     * Why a session at {@code parentDepth} with {@code working} child sessions at work and {@code started}
     * in all may not start another; empty when it may.
     */
    public Optional<String> refusal(int parentDepth, int working, int started) {
        if (parentDepth + 1 > depth) {
            return Optional.of("this session is " + parentDepth + (parentDepth == 1 ? " level" : " levels")
                    + " below the one a person started, and child sessions may go " + depth + " deep (the limit, "
                    + settingDepth + "); do the work in this session instead");
        }
        if (started >= perParent) {
            return Optional.of("this session has started " + started + " child sessions, the most one session may (the "
                    + "limit, " + settingTotal + "); prompt one of them again with send_prompt instead");
        }
        if (working >= running) {
            return Optional.of(working + " of this session's child sessions are at work, the most at once (the limit, "
                    + settingRunning + "); wait for them with wait_sessions, then start more");
        }
        return Optional.empty();
    }
}

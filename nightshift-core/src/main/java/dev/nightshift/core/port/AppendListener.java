package dev.nightshift.core.port;

/** Told when another node appended to a session's log, so this node can relay it to its watchers. */
@FunctionalInterface
public interface AppendListener {
    /**
     * @param sessionId the session appended to, or null when notices may have been missed (e.g. the
     *     listening connection was re-established) and every watched session should be re-checked
     * @param lastSeq the newest sequence number after the append (0 when sessionId is null)
     */
    void appended(String sessionId, long lastSeq);
}

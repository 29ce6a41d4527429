package dev.nightshift.core.model;

import java.time.Instant;

/**
 * One entry of a session's append-only log.
 *
 * @param seq per-session sequence number: 1, 2, 3, … with no gap or duplicate
 * @param data a JSON document, kept as text so fan-out never re-serialises it
 */
public record Event(String sessionId, long seq, String type, String messageId, String data, Instant createdAt) {}

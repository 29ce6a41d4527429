package dev.nightshift.core.model;

/** A prompt as it arrives from a surface, before it is queued. */
public record NewMessage(
        String id,
        String sessionId,
        String authorId,
        Source source,
        String content,
        String model,
        String clientRequestId) {}

package dev.nightshift.core.model;

import java.time.Instant;

/** A question (or plan) about to be asked by the turn of {@code messageId}; see {@link Question}. */
public record NewQuestion(
        String id,
        String sessionId,
        String messageId,
        String callId,
        Question.Kind kind,
        String data,
        Instant expiresAt) {}

package dev.nightshift.core.model;

/**
 * An attachment checked and stored as a blob, queued with its prompt. The store may still change
 * {@code name} to keep it unique within the session.
 */
public record NewAttachment(String id, String name, String mediaType, long size, String sha256) {}

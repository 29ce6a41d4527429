package dev.nightshift.agent.model;

/** Receives a response as it streams. Must return quickly. */
public interface ModelListener {
    ModelListener IGNORE = new ModelListener() {};

    default void text(String delta) {}

    /** Thinking text, where the provider streams it. */
    default void reasoning(String delta) {}

    /** A tool call being streamed: its name first, then its arguments in pieces. */
    default void toolCallDelta(int index, String id, String name, String argumentsDelta) {}

    /** The gateway moved on to another model after a failure. */
    default void fallback(ModelRef from, ModelRef to, String reason) {}
}

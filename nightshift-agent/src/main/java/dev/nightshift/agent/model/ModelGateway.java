package dev.nightshift.agent.model;

/**
 * One interface over every provider. Streams a response, retrying and falling back along the
 * configured chain on rate limits, server errors, timeouts and connection failures (each fallback
 * reported to the listener); context overflow is thrown to the caller, which condenses.
 */
public interface ModelGateway {
    /**
     * @param cancel checked while streaming; when it returns true the stream is aborted and a
     *     {@link ModelException.Kind#CANCELLED} is thrown
     */
    ModelResponse stream(ModelRequest request, ModelListener listener, java.util.function.BooleanSupplier cancel);

    /** The model used when a session or prompt names none; null when none is configured. */
    ModelRef defaultModel();

    /** Estimated cost in USD of a response's usage, from the configured price table (0 when unknown). */
    double costUsd(ModelRef model, Usage usage);
}

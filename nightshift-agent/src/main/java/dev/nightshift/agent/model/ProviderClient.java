package dev.nightshift.agent.model;

import java.util.function.BooleanSupplier;

/**
 * One provider's protocol: streams one response of one model, once (no retries, no fallbacks: the
 * gateway decides those). Failures are thrown as {@link ModelException}s of the right kind.
 */
interface ProviderClient {
    ModelResponse stream(ModelRequest request, ModelListener listener, BooleanSupplier cancel);
}

package dev.nightshift.agent.model;

import dev.nightshift.agent.model.ModelException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model gateway over the real provider protocols, every provider through LangChain4j's low-level
 * streaming chat models ({@link LangChain4jClient}) with the gateway's own HTTP exchange underneath
 * ({@link StreamExchange}).
 *
 * <p>A call tries the requested model (or the default, {@code NIGHTSHIFT_MODEL}), then each of
 * {@code NIGHTSHIFT_FALLBACK_MODELS} in order. Each model is tried up to
 * {@code 1 + NIGHTSHIFT_MODEL_MAX_RETRIES} times on transient failures (rate limits, 5xx, timeouts,
 * connection failures), waiting {@link Backoff#delay} between tries; a model that asks (Retry-After) for
 * more than {@link Backoff#MAX_RETRY_AFTER}, or that timed out while another model remains, is left
 * for the next one at once. Every switch is reported through {@link ModelListener#fallback}. Context
 * overflow, authentication, bad requests, cancellation and missing configuration are thrown at once.
 *
 * <p>Prompts' images reach the models of {@code NIGHTSHIFT_VISION_MODELS} as image content; every
 * other model, a fallback too, gets each image described in words ({@link GatewayConfig#vision}).
 *
 * <p>Retries happen only while nothing has been streamed to the listener: once output has reached it,
 * a failure is thrown (with its kind) so a listener never sees a second answer spliced onto a first.
 */
public final class DefaultModelGateway implements ModelGateway, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DefaultModelGateway.class);

    /** Waits between tries; cancellable. Replaced in tests to observe the delays. */
    interface Sleeper {
        /** @throws ModelException {@link Kind#CANCELLED} when {@code cancel} turns true while waiting */
        void sleep(Duration delay, BooleanSupplier cancel);
    }

    static final Sleeper REAL_SLEEPER = (delay, cancel) -> {
        long end = System.nanoTime() + delay.toNanos();
        while (true) {
            if (cancel.getAsBoolean()) {
                throw new ModelException(Kind.CANCELLED, "cancelled while waiting to retry the model");
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(
                        Duration.ofNanos(Math.min(left, Duration.ofMillis(20).toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException(Kind.CANCELLED, "interrupted while waiting to retry the model");
            }
        }
    };

    private final GatewayConfig config;
    private final Sleeper sleeper;
    private final java.net.http.HttpClient http;
    private final Map<String, ProviderClient> clients;

    public DefaultModelGateway(GatewayConfig config) {
        this(config, REAL_SLEEPER);
    }

    DefaultModelGateway(GatewayConfig config, Sleeper sleeper) {
        this.config = config;
        this.sleeper = sleeper;
        this.http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout())
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                .build();
        Duration timeout = config.timeout();
        this.clients = Map.of(
                "anthropic", LangChain4jClient.anthropic(Endpoint.of(config, "anthropic"), http, timeout),
                "openai", LangChain4jClient.openAi(Endpoint.of(config, "openai"), http, timeout),
                "openai-compatible", LangChain4jClient.openAi(Endpoint.of(config, "openai-compatible"), http, timeout),
                "ollama", LangChain4jClient.openAi(Endpoint.of(config, "ollama"), http, timeout));
    }

    /** A gateway configured from the process environment. */
    public static DefaultModelGateway fromEnvironment() {
        return new DefaultModelGateway(GatewayConfig.fromEnvironment());
    }

    public GatewayConfig config() {
        return config;
    }

    @Override
    public ModelRef defaultModel() {
        return config.defaultModel();
    }

    /**
     * {@code (uncached input × input price + cached × cached price + output × output price) / 10⁶}, with
     * uncached input = {@code inputTokens − cachedInputTokens} ({@link Usage#inputTokens()} counts cached
     * tokens too). Anthropic's cache writes are priced as uncached input.
     */
    @Override
    public double costUsd(ModelRef model, Usage usage) {
        if (model == null || usage == null) {
            return 0;
        }
        GatewayConfig.Price price = config.prices().get(model.toString());
        if (price == null) {
            return 0;
        }
        long cached = Math.min(usage.cachedInputTokens(), usage.inputTokens());
        long uncached = usage.inputTokens() - cached;
        return (uncached * price.inputPerMillion()
                        + cached * price.cachedInputPerMillion()
                        + usage.outputTokens() * price.outputPerMillion())
                / 1_000_000.0;
    }

    @Override
    public ModelResponse stream(ModelRequest request, ModelListener listener, BooleanSupplier cancel) {
        ModelRef requested = request.model() != null ? request.model() : config.defaultModel();
        if (requested == null) {
            throw new ModelException(
                    Kind.NOT_CONFIGURED,
                    "no model is configured: set " + GatewayConfig.MODEL
                            + " to provider/model (e.g. anthropic/claude-sonnet-4-5, openai/gpt-5, openai-compatible/<model> with "
                            + GatewayConfig.OPENAI_COMPATIBLE_BASE_URL + ", ollama/<model>) and the provider's key ("
                            + GatewayConfig.ANTHROPIC_API_KEY + ", " + GatewayConfig.OPENAI_API_KEY + ")");
        }
        List<ModelRef> chain = config.chainFor(requested);
        List<String> tried = new ArrayList<>();
        ModelException last = null;
        ModelRef previous = null;
        for (ModelRef model : chain) {
            ProviderClient client = client(model, last);
            if (previous != null) {
                String reason = describe(last);
                log.warn("model {} failed ({}); falling back to {}", previous, reason, model);
                listener.fallback(previous, model, reason);
            }
            boolean more = chain.indexOf(model) < chain.size() - 1;
            // a fallback may not see images where the requested model did: each model gets what it can take
            ModelRequest attempt = new ModelRequest(
                    model,
                    config.vision(model) ? request.messages() : ChatMessage.withoutImages(request.messages()),
                    request.tools(),
                    request.maxOutputTokens());
            int tries = 0;
            while (true) {
                if (cancel.getAsBoolean()) {
                    throw new ModelException(Kind.CANCELLED, "the call to " + model + " was cancelled");
                }
                tries++;
                Tracking tracking = new Tracking(listener);
                try {
                    return client.stream(attempt, tracking, cancel);
                } catch (ModelException e) {
                    if (!e.transientFailure()) {
                        throw e;
                    }
                    if (tracking.streamed) {
                        throw new ModelException(
                                e.kind(),
                                e.getMessage() + " (after part of the answer had streamed; " + "not retried)",
                                e.retryAfter(),
                                e);
                    }
                    last = e;
                    boolean retry = tries <= config.maxRetries()
                            && Backoff.worthWaiting(e.retryAfter())
                            && !(e.kind() == Kind.TIMEOUT && more);
                    if (!retry) {
                        break;
                    }
                    Duration delay = Backoff.delay(tries, e.retryAfter());
                    log.info("model {} failed ({}); trying again in {} ms", model, describe(e), delay.toMillis());
                    sleeper.sleep(delay, cancel);
                }
            }
            tried.add(model + (tries == 1 ? "" : " (" + tries + " times)"));
            previous = model;
        }
        String message = last.getMessage();
        if (!(tried.size() == 1 && tried.get(0).equals(requested.toString()))) {
            message += "; tried " + String.join(", ", tried);
        }
        if (config.fallbackModels().isEmpty()) {
            message += "; set " + GatewayConfig.FALLBACK_MODELS + " to continue on other models when this happens";
        }
        throw new ModelException(last.kind(), message, last.retryAfter(), last);
    }

    private ProviderClient client(ModelRef model, ModelException previousFailure) {
        ProviderClient client = clients.get(model.provider());
        if (client == null) {
            throw new ModelException(
                    Kind.NOT_CONFIGURED,
                    "unknown model provider '" + model.provider() + "' in " + model + "; known: " + ModelRef.PROVIDERS);
        }
        String missing = Endpoint.of(config, model.provider()).missing(model);
        if (missing != null) {
            throw new ModelException(
                    Kind.NOT_CONFIGURED,
                    missing
                            + (previousFailure == null
                                    ? ""
                                    : " (needed as fallback after: " + previousFailure.getMessage() + ")"));
        }
        return client;
    }

    private static String describe(ModelException e) {
        return e.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + e.getMessage();
    }

    /** Releases the HTTP client; calls still streaming are cut off. */
    @Override
    public void close() {
        http.shutdownNow();
    }

    /** Passes events on, noting whether any output reached the listener. */
    private static final class Tracking implements ModelListener {
        private final ModelListener delegate;
        boolean streamed;

        Tracking(ModelListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void text(String delta) {
            streamed = true;
            delegate.text(delta);
        }

        @Override
        public void reasoning(String delta) {
            streamed = true;
            delegate.reasoning(delta);
        }

        @Override
        public void toolCallDelta(int index, String id, String name, String argumentsDelta) {
            streamed = true;
            delegate.toolCallDelta(index, id, name, argumentsDelta);
        }

        @Override
        public void fallback(ModelRef from, ModelRef to, String reason) {
            delegate.fallback(from, to, reason);
        }
    }
}

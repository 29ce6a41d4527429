package dev.nightshift.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The HTTP side of one model call, handed to LangChain4j as its {@link HttpClient} (one instance per
 * call). LangChain4j's own JDK client cannot serve the gateway: it drops the headers of error
 * responses (so Retry-After is lost), reports every transport failure as a timeout (so a refused
 * connection looks like a slow model), and cannot be aborted from outside. This one keeps what failed
 * ({@link #failure()}), when bytes last arrived ({@link #silentFor()}, for the idle timeout) and can be
 * {@link #abort() aborted} from another thread, while LangChain4j still parses the provider's events.
 */
final class StreamExchange implements HttpClient {
    /** Error bodies are read up to this size; providers' error JSON is far smaller. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What went wrong on the wire: an HTTP error answer, or a transport failure. */
    sealed interface Failure {}

    record HttpFailure(int status, Map<String, List<String>> headers, String body) implements Failure {}

    record TransportFailure(Throwable error) implements Failure {}

    /** An error object sent as an event of an otherwise successful stream; {@code data} is the event's JSON. */
    record StreamedFailure(String data) implements Failure {}

    private final java.net.http.HttpClient http;
    private final Runnable onEnd;
    private volatile long lastActivity = System.nanoTime();
    private volatile Failure failure;
    private volatile boolean aborted;
    /** Set once an error event arrived: LangChain4j is told of the error and of nothing after it. */
    private volatile boolean stopped;

    private volatile CompletableFuture<?> pending;
    private volatile InputStream body;
    private volatile Thread worker;

    /**
     * @param onEnd called on the streaming thread once the exchange is over, after every event of the
     *     stream was handed to LangChain4j (success, failure or abort)
     */
    StreamExchange(java.net.http.HttpClient http, Runnable onEnd) {
        this.http = http;
        this.onEnd = onEnd;
    }

    /** A builder LangChain4j's model builders accept; it hands out this exchange. */
    HttpClientBuilder builder() {
        StreamExchange self = this;
        return new HttpClientBuilder() {
            private Duration connectTimeout;
            private Duration readTimeout;

            @Override
            public Duration connectTimeout() {
                return connectTimeout;
            }

            @Override
            public HttpClientBuilder connectTimeout(Duration timeout) {
                this.connectTimeout = timeout;
                return this;
            }

            @Override
            public Duration readTimeout() {
                return readTimeout;
            }

            @Override
            public HttpClientBuilder readTimeout(Duration timeout) {
                this.readTimeout = timeout;
                return this;
            }

            @Override
            public HttpClient build() {
                return self;
            }
        };
    }

    Failure failure() {
        return failure;
    }

    /** How long nothing has arrived from the provider (or since the request was sent). */
    Duration silentFor() {
        return Duration.ofNanos(System.nanoTime() - lastActivity);
    }

    /** Stops the call: cancels the request or closes the stream; further events are not delivered. */
    void abort() {
        aborted = true;
        CompletableFuture<?> f = pending;
        if (f != null) {
            f.cancel(true);
        }
        closeQuietly(body);
        Thread t = worker;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) throws HttpException {
        // LangChain4j only streams through the gateway; kept correct for completeness.
        try {
            HttpResponse<byte[]> response = http.send(toJdk(request), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() < 200 || response.statusCode() >= 300) {
                String text = new String(response.body(), StandardCharsets.UTF_8);
                failure = new HttpFailure(
                        response.statusCode(), response.headers().map(), text);
                throw new HttpException(response.statusCode(), text);
            }
            return SuccessfulHttpResponse.builder()
                    .statusCode(response.statusCode())
                    .headers(response.headers().map())
                    .body(response.body())
                    .build();
        } catch (IOException e) {
            failure = new TransportFailure(e);
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        lastActivity = System.nanoTime();
        Thread.ofVirtual().name("nightshift-model-stream").start(() -> run(request, parser, listener));
    }

    private void run(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        worker = Thread.currentThread();
        try {
            if (aborted) {
                return;
            }
            CompletableFuture<HttpResponse<InputStream>> future =
                    http.sendAsync(toJdk(request), HttpResponse.BodyHandlers.ofInputStream());
            pending = future;
            if (aborted) {
                future.cancel(true);
                return;
            }
            HttpResponse<InputStream> response = future.get();
            lastActivity = System.nanoTime();
            if (response.statusCode() < 200 || response.statusCode() >= 300) {
                String text;
                try (InputStream in = response.body()) {
                    text = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
                }
                failure = new HttpFailure(
                        response.statusCode(), response.headers().map(), text);
                deliver(() -> listener.onError(new HttpException(response.statusCode(), text)));
                return;
            }
            InputStream in = new Watched(response.body());
            body = in;
            if (aborted) {
                closeQuietly(in);
                return;
            }
            deliver(() -> listener.onOpen(SuccessfulHttpResponse.builder()
                    .statusCode(response.statusCode())
                    .headers(response.headers().map())
                    .build()));
            parser.parse(in, new ErrorEventWatch(listener));
            if (!stopped) {
                deliver(listener::onClose);
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            failure = new TransportFailure(cause);
            deliver(() -> listener.onError(cause));
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            // aborted
        } catch (Throwable t) {
            if (!aborted) {
                failure = new TransportFailure(t);
                deliver(() -> listener.onError(t));
            }
        } finally {
            closeQuietly(body);
            worker = null;
            onEnd.run();
        }
    }

    private void deliver(Runnable event) {
        if (aborted) {
            return;
        }
        try {
            event.run();
        } catch (RuntimeException e) {
            // LangChain4j's listeners catch their own failures; nothing sensible to do with one here
        }
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
        String method = request.method().name();
        builder.method(
                method,
                request.body() == null
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        return builder.build();
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                // closing to abort: failures do not matter
            }
        }
    }

    /**
     * Catches error objects sent inside the stream ({@code data: {"error":{...}}}, as OpenAI and vLLM send
     * them, and Anthropic's {@code event: error}): LangChain4j's Chat Completions parser skips them and
     * would report the stream as a (possibly empty) success.
     */
    private final class ErrorEventWatch implements ServerSentEventListener {
        private final ServerSentEventListener delegate;

        ErrorEventWatch(ServerSentEventListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onOpen(SuccessfulHttpResponse response) {
            delegate.onOpen(response);
        }

        @Override
        public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
            if (stopped) {
                return;
            }
            if (isError(event)) {
                stop(event);
                context.parsingHandle().cancel();
                return;
            }
            delegate.onEvent(event, context);
        }

        @Override
        public void onEvent(ServerSentEvent event) {
            if (stopped) {
                return;
            }
            if (isError(event)) {
                stop(event);
                return;
            }
            delegate.onEvent(event);
        }

        @Override
        public void onError(Throwable error) {
            if (!stopped) {
                delegate.onError(error);
            }
        }

        @Override
        public void onClose() {
            if (!stopped) {
                delegate.onClose();
            }
        }

        private void stop(ServerSentEvent event) {
            failure = new StreamedFailure(event.data());
            stopped = true;
            deliver(() -> delegate.onError(new IllegalStateException(
                    "the provider reported an error in the stream: " + ProviderErrors.shorten(event.data()))));
        }

        private static boolean isError(ServerSentEvent event) {
            String data = event.data();
            if (data == null || !data.contains("\"error\"")) {
                return false;
            }
            try {
                JsonNode root = JSON.readTree(data);
                return root.isObject()
                        && root.hasNonNull("error")
                        && (!root.has("type")
                                || "error".equals(root.path("type").asText()));
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** Notes every byte that arrives, and what broke the stream when it breaks. */
    private final class Watched extends FilterInputStream {
        Watched(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                lastActivity = System.nanoTime();
                return b;
            } catch (IOException e) {
                broken(e);
                throw e;
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                int n = super.read(buffer, offset, length);
                lastActivity = System.nanoTime();
                return n;
            } catch (IOException e) {
                broken(e);
                throw e;
            }
        }

        private void broken(IOException e) {
            if (!aborted && failure == null) {
                failure = new TransportFailure(e);
            }
        }
    }
}

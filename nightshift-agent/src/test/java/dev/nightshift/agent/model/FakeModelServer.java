package dev.nightshift.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A scripted model provider on loopback: a real HTTP server that speaks the providers' real
 * streaming wire formats, so the gateway's real clients run against it.
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: OpenAI Chat Completions streaming ({@code text/event-stream},
 *       {@code chat.completion.chunk} objects, {@code tool_calls} deltas with {@code index}, {@code id},
 *       {@code function.name} and then {@code function.arguments} in several pieces, a chunk with
 *       {@code finish_reason}, a usage chunk when {@code stream_options.include_usage} is set, then
 *       {@code data: [DONE]}). Reasoning streams as {@code reasoning_content} deltas, as DeepSeek,
 *       vLLM and Ollama send it.</li>
 *   <li>{@code POST /v1/messages}: Anthropic Messages streaming ({@code message_start} carrying the input
 *       tokens, {@code content_block_start}/{@code _delta}/{@code _stop} for text, thinking and
 *       {@code tool_use} blocks with {@code input_json_delta} pieces, {@code message_delta} with the stop
 *       reason and output tokens, {@code message_stop}).</li>
 * </ul>
 *
 * <p>Replies come from one queue shared by both paths ({@link #enqueue}), each answered in the format of
 * the path that asked, so a fallback from one provider to another is scripted as two replies. Every
 * request is recorded ({@link #requests()}). When the script is exhausted the server answers 418 with a
 * message saying so (a non-retried client error, so a test fails plainly instead of retrying).
 */
public final class FakeModelServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<Route> routes = new CopyOnWriteArrayList<>();

    /** Replies kept for the requests whose body contains {@code marker}. */
    private record Route(String marker, ConcurrentLinkedQueue<Reply> replies) {}

    private final CopyOnWriteArrayList<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Duration pacing = Duration.ZERO;

    private FakeModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeModelServer start() {
        try {
            return new FakeModelServer();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the fake model server", e);
        }
    }

    /** {@code http://127.0.0.1:port} */
    public String origin() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort();
    }

    /** Base URL as OpenAI clients take it: {@code http://127.0.0.1:port/v1}. */
    public String openAiBaseUrl() {
        return origin() + "/v1";
    }

    /** Base URL as Anthropic clients take it (without {@code /v1}, like the official SDKs). */
    public String anthropicBaseUrl() {
        return origin();
    }

    /** Adds replies to the end of the script. */
    public FakeModelServer enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /**
     * Adds replies for the requests whose JSON body contains {@code marker}, served in order before the
     * main script: for several conversations talking to one fake at once (each told apart by something
     * only its requests contain, such as {@code "content":"<its first prompt>"}). Routes are tried in the
     * order they were added; one whose replies ran out is passed over.
     */
    public FakeModelServer enqueueWhen(String marker, Reply... replies) {
        routes.add(new Route(marker, new ConcurrentLinkedQueue<>(List.of(replies))));
        return this;
    }

    /** A pause between streamed chunks (default none). */
    public FakeModelServer pacing(Duration pause) {
        this.pacing = pause;
        return this;
    }

    /** Every request so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("the fake model server received no request");
        }
        return requests.get(requests.size() - 1);
    }

    /**
     * Drops the record of the requests so far (each holds its parsed body), returning how many there
     * were: a benchmark that weighs the heap of the JVM it shares with this fake must not weigh them.
     */
    public int forgetRequests() {
        int n = requests.size();
        requests.clear();
        return n;
    }

    /** Replies not yet served. */
    public int pendingReplies() {
        return script.size() + routes.stream().mapToInt(r -> r.replies().size()).sum();
    }

    /** A loopback port with nothing listening on it (for connection-refused tests). */
    public static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- script

    /** What the server answers one request with. Immutable; the builder-style methods return copies. */
    public static final class Reply {
        final List<String> reasoning;
        final List<String> text;
        final List<ToolCall> toolCalls;
        final int status;
        final String errorBody;
        final Map<String, String> headers;
        final Duration stallBefore;
        final Duration stallAfter;
        final long inputTokens;
        final long cachedTokens;
        final long outputTokens;
        final String finishReason;
        /** An error sent inside the stream after the content: {type, message}. */
        final List<String> streamError;

        private Reply(
                List<String> reasoning,
                List<String> text,
                List<ToolCall> toolCalls,
                int status,
                String errorBody,
                Map<String, String> headers,
                Duration stallBefore,
                Duration stallAfter,
                long inputTokens,
                long cachedTokens,
                long outputTokens,
                String finishReason) {
            this(
                    reasoning,
                    text,
                    toolCalls,
                    status,
                    errorBody,
                    headers,
                    stallBefore,
                    stallAfter,
                    inputTokens,
                    cachedTokens,
                    outputTokens,
                    finishReason,
                    List.of());
        }

        private Reply(
                List<String> reasoning,
                List<String> text,
                List<ToolCall> toolCalls,
                int status,
                String errorBody,
                Map<String, String> headers,
                Duration stallBefore,
                Duration stallAfter,
                long inputTokens,
                long cachedTokens,
                long outputTokens,
                String finishReason,
                List<String> streamError) {
            this.streamError = List.copyOf(streamError);
            this.reasoning = List.copyOf(reasoning);
            this.text = List.copyOf(text);
            this.toolCalls = List.copyOf(toolCalls);
            this.status = status;
            this.errorBody = errorBody;
            this.headers = Map.copyOf(headers);
            this.stallBefore = stallBefore;
            this.stallAfter = stallAfter;
            this.inputTokens = inputTokens;
            this.cachedTokens = cachedTokens;
            this.outputTokens = outputTokens;
            this.finishReason = finishReason;
        }

        private static Reply ok() {
            return new Reply(
                    List.of(), List.of(), List.of(), 200, null, Map.of(), Duration.ZERO, Duration.ZERO, 12, 0, 5, null);
        }

        /** Text streamed in the given pieces, one delta each. */
        public static Reply text(String... deltas) {
            return ok().andText(deltas);
        }

        /** Tool calls, each one's arguments streamed in several pieces. */
        public static Reply toolCalls(ToolCall... calls) {
            return ok().andToolCalls(calls);
        }

        /**
         * A tool call whose arguments are not valid JSON, streamed as they are (models do this; the gateway
         * passes the text on untouched).
         */
        public static Reply malformed(String id, String toolName, String badArguments) {
            return toolCalls(new ToolCall(id, toolName, badArguments));
        }

        /** An error response: a status, the provider's JSON error body and headers such as Retry-After. */
        public static Reply error(int status, String jsonBody, Map<String, String> headers) {
            return new Reply(
                    List.of(),
                    List.of(),
                    List.of(),
                    status,
                    jsonBody,
                    headers,
                    Duration.ZERO,
                    Duration.ZERO,
                    0,
                    0,
                    0,
                    null);
        }

        public static Reply error(int status, String jsonBody) {
            return error(status, jsonBody, Map.of());
        }

        /** Accepts the request and sends nothing at all (not even headers) for the given time. */
        public static Reply stall(Duration duration) {
            return new Reply(
                    List.of(), List.of(), List.of(), 200, null, Map.of(), duration, Duration.ZERO, 0, 0, 0, null);
        }

        /** OpenAI's error JSON shape. */
        public static String openAiError(String message, String type, String code) {
            ObjectNode error = JSON.createObjectNode();
            error.put("message", message);
            error.put("type", type);
            error.putNull("param");
            if (code == null) {
                error.putNull("code");
            } else {
                error.put("code", code);
            }
            ObjectNode root = JSON.createObjectNode();
            root.set("error", error);
            return root.toString();
        }

        /** Anthropic's error JSON shape. */
        public static String anthropicError(String type, String message) {
            ObjectNode root = JSON.createObjectNode();
            root.put("type", "error");
            root.putObject("error").put("type", type).put("message", message);
            return root.toString();
        }

        public Reply andText(String... deltas) {
            List<String> all = new ArrayList<>(text);
            all.addAll(List.of(deltas));
            return new Reply(
                    reasoning,
                    all,
                    toolCalls,
                    status,
                    errorBody,
                    headers,
                    stallBefore,
                    stallAfter,
                    inputTokens,
                    cachedTokens,
                    outputTokens,
                    finishReason);
        }

        public Reply andToolCalls(ToolCall... calls) {
            List<ToolCall> all = new ArrayList<>(toolCalls);
            all.addAll(List.of(calls));
            return new Reply(
                    reasoning,
                    text,
                    all,
                    status,
                    errorBody,
                    headers,
                    stallBefore,
                    stallAfter,
                    inputTokens,
                    cachedTokens,
                    outputTokens,
                    finishReason);
        }

        /** Reasoning ("thinking") streamed before the text. */
        public Reply withReasoning(String... deltas) {
            return new Reply(
                    List.of(deltas),
                    text,
                    toolCalls,
                    status,
                    errorBody,
                    headers,
                    stallBefore,
                    stallAfter,
                    inputTokens,
                    cachedTokens,
                    outputTokens,
                    finishReason);
        }

        /** The usage the provider reports; {@code input} includes {@code cached}, as OpenAI counts it. */
        public Reply withUsage(long input, long cached, long output) {
            return new Reply(
                    reasoning,
                    text,
                    toolCalls,
                    status,
                    errorBody,
                    headers,
                    stallBefore,
                    stallAfter,
                    input,
                    cached,
                    output,
                    finishReason);
        }

        /** Overrides the finish reason (in the provider's own vocabulary, e.g. {@code length} / {@code max_tokens}). */
        public Reply withFinishReason(String reason) {
            return new Reply(
                    reasoning,
                    text,
                    toolCalls,
                    status,
                    errorBody,
                    headers,
                    stallBefore,
                    stallAfter,
                    inputTokens,
                    cachedTokens,
                    outputTokens,
                    reason);
        }

        /**
         * Streams the content, then an error inside the stream instead of finishing: Anthropic's
         * {@code event: error} (e.g. {@code overloaded_error}), or for Chat Completions a
         * {@code data: {"error":{...}}} chunk (as OpenAI and vLLM send) after which the stream ends.
         */
        public Reply thenStreamError(String type, String message) {
            return new Reply(
                    reasoning,
                    text,
                    toolCalls,
                    status,
                    errorBody,
                    headers,
                    stallBefore,
                    stallAfter,
                    inputTokens,
                    cachedTokens,
                    outputTokens,
                    finishReason,
                    List.of(type, message));
        }

        /** A stream that fails at once with an error event (after Anthropic's {@code message_start}). */
        public static Reply streamError(String type, String message) {
            return ok().thenStreamError(type, message);
        }

        /** Streams the content, then goes silent for the given time before finishing the response. */
        public Reply thenStall(Duration duration) {
            return new Reply(
                    reasoning,
                    text,
                    toolCalls,
                    status,
                    errorBody,
                    headers,
                    stallBefore,
                    duration,
                    inputTokens,
                    cachedTokens,
                    outputTokens,
                    finishReason);
        }
    }

    /** A request as received: path, headers (names lower-cased) and the parsed JSON body. */
    public record RecordedRequest(String method, String path, Map<String, List<String>> headers, JsonNode body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The {@code model} field of the body. */
        public String model() {
            return body.path("model").asText(null);
        }

        public JsonNode messages() {
            return body.path("messages");
        }

        public JsonNode tools() {
            return body.path("tools");
        }
    }

    // ---------------------------------------------------------------- serving

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body;
            try {
                body = raw.length == 0 ? NullNode.getInstance() : JSON.readTree(raw);
            } catch (IOException e) {
                body = JSON.getNodeFactory().textNode(new String(raw, StandardCharsets.UTF_8));
            }
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            String path = exchange.getRequestURI().getPath();
            requests.add(new RecordedRequest(exchange.getRequestMethod(), path, headers, body));

            boolean openAi = path.endsWith("/chat/completions");
            boolean anthropic = path.endsWith("/messages");
            if (!openAi && !anthropic) {
                sendPlain(exchange, 404, "{\"error\":{\"message\":\"FakeModelServer: no such path " + path + "\"}}");
                return;
            }
            Reply reply = null;
            if (!routes.isEmpty()) {
                String text = body.toString();
                for (Route route : routes) {
                    if (text.contains(route.marker())
                            && (reply = route.replies().poll()) != null) {
                        break;
                    }
                }
            }
            if (reply == null) {
                reply = script.poll();
            }
            if (reply == null) {
                sendPlain(
                        exchange,
                        418,
                        openAi
                                ? Reply.openAiError("FakeModelServer: no scripted reply left", "test_error", null)
                                : Reply.anthropicError("test_error", "FakeModelServer: no scripted reply left"));
                return;
            }
            if (!reply.stallBefore.isZero() && pause(reply.stallBefore)) {
                return;
            }
            if (reply.errorBody != null || reply.status >= 300) {
                reply.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                sendPlain(exchange, reply.status, reply.errorBody == null ? "" : reply.errorBody);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().add("Cache-Control", "no-cache");
            reply.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            String model = body.path("model").asText("unknown");
            if (openAi) {
                streamOpenAi(
                        out,
                        reply,
                        model,
                        body.path("stream_options").path("include_usage").asBoolean(false));
            } else {
                streamAnthropic(out, reply, model);
            }
        } catch (IOException e) {
            // the client went away (cancellation, timeout): nothing to answer
        }
    }

    private void sendPlain(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** @return true when the server closed while pausing */
    private boolean pause(Duration duration) {
        try {
            return closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void send(OutputStream out, String event, JsonNode data) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (event != null) {
            sb.append("event: ").append(event).append('\n');
        }
        sb.append("data: ").append(data).append("\n\n");
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        Duration pause = pacing;
        if (!pause.isZero() && pause(pause)) {
            throw new IOException("server closed");
        }
    }

    private void sendRaw(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Splits a tool call's arguments in (up to) three pieces so the client has to assemble them. */
    static List<String> pieces(String arguments) {
        if (arguments.length() < 3) {
            return List.of(arguments);
        }
        int third = arguments.length() / 3;
        return List.of(
                arguments.substring(0, third), arguments.substring(third, 2 * third), arguments.substring(2 * third));
    }

    private void streamOpenAi(OutputStream out, Reply reply, String model, boolean includeUsage) throws IOException {
        String id = "chatcmpl-fake-" + requests.size();
        long created = System.currentTimeMillis() / 1000;
        send(
                out,
                null,
                openAiChunk(
                        id,
                        created,
                        model,
                        JSON.createObjectNode().put("role", "assistant").put("content", ""),
                        null));
        for (String r : reply.reasoning) {
            send(
                    out,
                    null,
                    openAiChunk(id, created, model, JSON.createObjectNode().put("reasoning_content", r), null));
        }
        for (String t : reply.text) {
            send(
                    out,
                    null,
                    openAiChunk(id, created, model, JSON.createObjectNode().put("content", t), null));
        }
        for (int i = 0; i < reply.toolCalls.size(); i++) {
            ToolCall call = reply.toolCalls.get(i);
            ObjectNode first = JSON.createObjectNode();
            ObjectNode tc = first.putArray("tool_calls").addObject();
            tc.put("index", i).put("id", call.id()).put("type", "function");
            tc.putObject("function").put("name", call.name()).put("arguments", "");
            send(out, null, openAiChunk(id, created, model, first, null));
            for (String piece : pieces(call.argumentsJson())) {
                ObjectNode delta = JSON.createObjectNode();
                delta.putArray("tool_calls")
                        .addObject()
                        .put("index", i)
                        .putObject("function")
                        .put("arguments", piece);
                send(out, null, openAiChunk(id, created, model, delta, null));
            }
        }
        if (!reply.stallAfter.isZero() && pause(reply.stallAfter)) {
            return;
        }
        if (!reply.streamError.isEmpty()) {
            ObjectNode error = JSON.createObjectNode();
            error.putObject("error")
                    .put("message", reply.streamError.get(1))
                    .put("type", reply.streamError.get(0))
                    .putNull("param")
                    .putNull("code");
            send(out, null, error);
            return;
        }
        String finish =
                reply.finishReason != null ? reply.finishReason : reply.toolCalls.isEmpty() ? "stop" : "tool_calls";
        send(out, null, openAiChunk(id, created, model, JSON.createObjectNode(), finish));
        if (includeUsage) {
            ObjectNode chunk = JSON.createObjectNode();
            chunk.put("id", id)
                    .put("object", "chat.completion.chunk")
                    .put("created", created)
                    .put("model", model);
            chunk.putArray("choices");
            ObjectNode usage = chunk.putObject("usage");
            usage.put("prompt_tokens", reply.inputTokens)
                    .put("completion_tokens", reply.outputTokens)
                    .put("total_tokens", reply.inputTokens + reply.outputTokens);
            usage.putObject("prompt_tokens_details").put("cached_tokens", reply.cachedTokens);
            send(out, null, chunk);
        }
        sendRaw(out, "data: [DONE]\n\n");
    }

    private static ObjectNode openAiChunk(
            String id, long created, String model, ObjectNode delta, String finishReason) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model)
                .put("system_fingerprint", "fp_fake");
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private void streamAnthropic(OutputStream out, Reply reply, String model) throws IOException {
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", "msg_fake_" + requests.size()).put("type", "message").put("role", "assistant");
        message.putArray("content");
        message.put("model", model).putNull("stop_reason").putNull("stop_sequence");
        // Anthropic counts cache reads apart from input_tokens
        message.putObject("usage")
                .put("input_tokens", reply.inputTokens - reply.cachedTokens)
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", reply.cachedTokens)
                .put("output_tokens", 1);
        send(out, "message_start", start);
        send(out, "ping", JSON.createObjectNode().put("type", "ping"));
        int index = 0;
        if (!reply.reasoning.isEmpty()) {
            ObjectNode block = JSON.createObjectNode().put("type", "thinking").put("thinking", "");
            send(out, "content_block_start", blockStart(index, block));
            for (String r : reply.reasoning) {
                send(
                        out,
                        "content_block_delta",
                        blockDelta(
                                index,
                                JSON.createObjectNode()
                                        .put("type", "thinking_delta")
                                        .put("thinking", r)));
            }
            send(
                    out,
                    "content_block_delta",
                    blockDelta(
                            index,
                            JSON.createObjectNode()
                                    .put("type", "signature_delta")
                                    .put("signature", "ZmFrZS1zaWduYXR1cmU=")));
            send(
                    out,
                    "content_block_stop",
                    JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
            index++;
        }
        if (!reply.text.isEmpty()) {
            send(
                    out,
                    "content_block_start",
                    blockStart(
                            index, JSON.createObjectNode().put("type", "text").put("text", "")));
            for (String t : reply.text) {
                send(
                        out,
                        "content_block_delta",
                        blockDelta(
                                index,
                                JSON.createObjectNode()
                                        .put("type", "text_delta")
                                        .put("text", t)));
            }
            send(
                    out,
                    "content_block_stop",
                    JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
            index++;
        }
        for (ToolCall call : reply.toolCalls) {
            ObjectNode block = JSON.createObjectNode()
                    .put("type", "tool_use")
                    .put("id", call.id())
                    .put("name", call.name());
            block.putObject("input");
            send(out, "content_block_start", blockStart(index, block));
            for (String piece : pieces(call.argumentsJson())) {
                send(
                        out,
                        "content_block_delta",
                        blockDelta(
                                index,
                                JSON.createObjectNode()
                                        .put("type", "input_json_delta")
                                        .put("partial_json", piece)));
            }
            send(
                    out,
                    "content_block_stop",
                    JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
            index++;
        }
        if (!reply.stallAfter.isZero() && pause(reply.stallAfter)) {
            return;
        }
        if (!reply.streamError.isEmpty()) {
            send(out, "error", JSON.readTree(Reply.anthropicError(reply.streamError.get(0), reply.streamError.get(1))));
            return;
        }
        String stop =
                reply.finishReason != null ? reply.finishReason : reply.toolCalls.isEmpty() ? "end_turn" : "tool_use";
        ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", reply.outputTokens);
        send(out, "message_delta", delta);
        send(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
    }

    private static ObjectNode blockStart(int index, ObjectNode block) {
        ObjectNode node =
                JSON.createObjectNode().put("type", "content_block_start").put("index", index);
        node.set("content_block", block);
        return node;
    }

    private static ObjectNode blockDelta(int index, ObjectNode delta) {
        ObjectNode node =
                JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
        node.set("delta", delta);
        return node;
    }

    /** Headers as a map with one value each, for {@link Reply#error(int, String, Map)}. */
    public static Map<String, String> headers(String... nameValue) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            map.put(nameValue[i], nameValue[i + 1]);
        }
        return map;
    }
}

package dev.nightshift.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.anthropic.internal.api.AnthropicStreamingException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.nightshift.agent.model.ModelException.Kind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A provider reached through LangChain4j's low-level streaming chat models: {@link OpenAiStreamingChatModel}
 * (Chat Completions: {@code openai}, {@code openai-compatible}, {@code ollama}) or
 * {@link AnthropicStreamingChatModel} (Messages API: {@code anthropic}).
 *
 * <p>LangChain4j parses the provider's events; HTTP goes through a {@link StreamExchange} per call
 * (LangChain4j's JDK client loses error headers and cannot be aborted). LangChain4j's callbacks arrive
 * on the streaming thread and are queued; the calling thread takes them from the queue, hands them to
 * the {@link ModelListener} (so listeners are only ever called on the caller's thread), and meanwhile
 * watches the cancel flag and the idle timeout.
 */
final class LangChain4jClient implements ProviderClient {
    /** Anthropic requires {@code max_tokens}; used when a request sets none. */
    static final int ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

    static final String ANTHROPIC_VERSION = "2023-06-01";
    /** How often the waiting caller looks at the cancel flag and the clock. */
    private static final long POLL_MILLIS = 20;
    /** After the stream closed, how long to wait for LangChain4j's final callback. */
    private static final Duration END_GRACE = Duration.ofMillis(500);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Endpoint endpoint;
    private final java.net.http.HttpClient http;
    private final Duration timeout;
    private final boolean anthropic;
    /** The wall clock, for provider errors that name a time (Retry-After as a date); elapsed time uses nanoTime. */
    private final java.time.Clock clock = java.time.Clock.systemUTC();

    private LangChain4jClient(Endpoint endpoint, java.net.http.HttpClient http, Duration timeout, boolean anthropic) {
        this.endpoint = endpoint;
        this.http = http;
        this.timeout = timeout;
        this.anthropic = anthropic;
    }

    /** Chat Completions ({@code openai}, {@code openai-compatible}, {@code ollama}). */
    static LangChain4jClient openAi(Endpoint endpoint, java.net.http.HttpClient http, Duration timeout) {
        return new LangChain4jClient(endpoint, http, timeout, false);
    }

    /** The Messages API ({@code anthropic}). */
    static LangChain4jClient anthropic(Endpoint endpoint, java.net.http.HttpClient http, Duration timeout) {
        return new LangChain4jClient(endpoint, http, timeout, true);
    }

    // ---------------------------------------------------------------- events from the streaming thread

    private sealed interface Event {}

    private record TextEvent(String delta) implements Event {}

    private record ReasoningEvent(String delta) implements Event {}

    private record ToolEvent(int index, String id, String name, String argumentsDelta) implements Event {}

    private record CompleteEvent(ChatResponse response) implements Event {}

    private record ErrorEvent(Throwable error) implements Event {}

    private record EndEvent() implements Event {}

    @Override
    public ModelResponse stream(ModelRequest request, ModelListener listener, BooleanSupplier cancel) {
        ModelRef model = request.model();
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        StreamExchange exchange = new StreamExchange(http, () -> events.add(new EndEvent()));
        ChatRequest chatRequest;
        StreamingChatModel chatModel;
        try {
            chatRequest = chatRequest(request);
            chatModel = anthropic
                    ? anthropicModel(model, exchange.builder(), request.maxOutputTokens())
                    : openAiModel(model, exchange.builder());
        } catch (IllegalArgumentException e) {
            throw new ModelException(
                    Kind.BAD_REQUEST, "could not build the request for " + model + ": " + e.getMessage(), null, e);
        }
        boolean done = false;
        try {
            try {
                chatModel.chat(chatRequest, handler(events));
            } catch (RuntimeException e) {
                throw failure(model, exchange, e);
            }
            Assembly assembly = new Assembly(anthropic);
            Long endedAtNanos = null; // when the stream ended, to allow its last events a grace period
            while (true) {
                if (cancel.getAsBoolean()) {
                    throw cancelled(model);
                }
                Event event;
                try {
                    event = events.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw cancelled(model);
                }
                if (event == null) {
                    if (endedAtNanos != null && System.nanoTime() - endedAtNanos > END_GRACE.toNanos()) {
                        throw new ModelException(
                                Kind.CONNECTION,
                                "the stream from " + model + " ended before the response was complete",
                                null,
                                null);
                    }
                    if (endedAtNanos == null && exchange.silentFor().compareTo(timeout) > 0) {
                        throw new ModelException(
                                Kind.TIMEOUT,
                                model + " sent nothing for " + readable(timeout) + " (" + GatewayConfig.MODEL_TIMEOUT
                                        + ")",
                                null,
                                null);
                    }
                    continue;
                }
                switch (event) {
                    case TextEvent t -> {
                        assembly.text.append(t.delta());
                        listener.text(t.delta());
                    }
                    case ReasoningEvent r -> listener.reasoning(r.delta());
                    case ToolEvent t -> {
                        int index = assembly.toolDelta(t);
                        Assembly.Call call = assembly.calls.get(index);
                        listener.toolCallDelta(
                                index, call.id, call.name, t.argumentsDelta() == null ? "" : t.argumentsDelta());
                    }
                    case CompleteEvent c -> {
                        done = true;
                        ModelResponse response = assembly.response(model, c.response());
                        // calls that never streamed (LangChain4j reports none for empty arguments) still reach the
                        // listener
                        for (int i = 0; i < response.toolCalls().size(); i++) {
                            ToolCall call = response.toolCalls().get(i);
                            if (assembly.streamed(call.id(), i) == null) {
                                listener.toolCallDelta(i, call.id(), call.name(), call.argumentsJson());
                            }
                        }
                        return response;
                    }
                    case ErrorEvent e -> throw failure(model, exchange, e.error());
                    case EndEvent end -> endedAtNanos = System.nanoTime();
                }
            }
        } finally {
            if (!done) {
                exchange.abort();
            }
        }
    }

    static String readable(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static ModelException cancelled(ModelRef model) {
        return new ModelException(Kind.CANCELLED, "the call to " + model + " was cancelled");
    }

    private StreamingChatResponseHandler handler(BlockingQueue<Event> events) {
        return new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                if (partialResponse != null && !partialResponse.isEmpty()) {
                    events.add(new TextEvent(partialResponse));
                }
            }

            @Override
            public void onPartialThinking(PartialThinking partialThinking) {
                if (partialThinking.text() != null && !partialThinking.text().isEmpty()) {
                    events.add(new ReasoningEvent(partialThinking.text()));
                }
            }

            @Override
            public void onPartialToolCall(PartialToolCall partial) {
                events.add(new ToolEvent(partial.index(), partial.id(), partial.name(), partial.partialArguments()));
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                events.add(new CompleteEvent(response));
            }

            @Override
            public void onError(Throwable error) {
                events.add(new ErrorEvent(error));
            }
        };
    }

    /** What went wrong, by what the exchange saw on the wire first, then by LangChain4j's exception. */
    private ModelException failure(ModelRef model, StreamExchange exchange, Throwable error) {
        StreamExchange.Failure failure = exchange.failure();
        if (failure instanceof StreamExchange.HttpFailure h) {
            return ProviderErrors.http(model, endpoint, h.status(), h.body(), h.headers(), clock.instant());
        }
        if (failure instanceof StreamExchange.TransportFailure t) {
            return ProviderErrors.transport(model, endpoint, t.error());
        }
        if (failure instanceof StreamExchange.StreamedFailure s) {
            return ProviderErrors.streamed(model, ProviderErrors.detail(s.data()), error);
        }
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof AnthropicStreamingException a) {
                return ProviderErrors.streamed(
                        model,
                        new ProviderErrors.Detail(a.getMessage() == null ? "" : a.getMessage(), a.type(), null),
                        error);
            }
            if (e instanceof ModelException m) {
                return m;
            }
        }
        return ProviderErrors.transport(model, endpoint, error);
    }

    // ---------------------------------------------------------------- building the request

    private StreamingChatModel openAiModel(ModelRef model, HttpClientBuilder http) {
        return OpenAiStreamingChatModel.builder()
                .httpClientBuilder(http)
                .baseUrl(endpoint.baseUrl())
                // no key (Ollama, llama.cpp, a local vLLM): no Authorization header at all
                .apiKey(endpoint.apiKey())
                .modelName(model.name())
                .timeout(timeout)
                .returnThinking(true)
                .build();
    }

    private StreamingChatModel anthropicModel(ModelRef model, HttpClientBuilder http, int maxOutputTokens) {
        return AnthropicStreamingChatModel.builder()
                .httpClientBuilder(http)
                .baseUrl(endpoint.baseUrl())
                .apiKey(endpoint.apiKey())
                .version(ANTHROPIC_VERSION)
                .modelName(model.name())
                .maxTokens(maxOutputTokens > 0 ? maxOutputTokens : ANTHROPIC_DEFAULT_MAX_TOKENS)
                .timeout(timeout)
                .returnThinking(true)
                .build();
    }

    private ChatRequest chatRequest(ModelRequest request) {
        List<ToolSpecification> tools = new ArrayList<>();
        for (ToolSpec tool : request.tools()) {
            tools.add(toolSpecification(tool));
        }
        ChatRequestParameters parameters;
        if (!anthropic && endpoint.provider().equals("openai")) {
            // OpenAI's reasoning models refuse max_tokens; max_completion_tokens works for all of them
            OpenAiChatRequestParameters.Builder b = OpenAiChatRequestParameters.builder()
                    .modelName(request.model().name());
            if (!tools.isEmpty()) {
                b.toolSpecifications(tools);
            }
            if (request.maxOutputTokens() > 0) {
                b.maxCompletionTokens(request.maxOutputTokens());
            }
            parameters = b.build();
        } else {
            var b = ChatRequestParameters.builder().modelName(request.model().name());
            if (!tools.isEmpty()) {
                b.toolSpecifications(tools);
            }
            if (request.maxOutputTokens() > 0) {
                b.maxOutputTokens(request.maxOutputTokens());
            }
            parameters = b.build();
        }
        return ChatRequest.builder()
                .messages(messages(request.messages()))
                .parameters(parameters)
                .build();
    }

    private List<dev.langchain4j.data.message.ChatMessage> messages(List<ChatMessage> messages) {
        List<dev.langchain4j.data.message.ChatMessage> out = new ArrayList<>();
        for (ChatMessage message : messages) {
            switch (message) {
                case ChatMessage.System s -> out.add(SystemMessage.from(s.text()));
                case ChatMessage.User u -> out.add(userMessage(u));
                case ChatMessage.Assistant a -> out.add(aiMessage(a));
                case ChatMessage.ToolResult r ->
                    out.add(ToolExecutionResultMessage.builder()
                            .id(r.callId())
                            .toolName(r.toolName())
                            .text(r.content() == null || r.content().isEmpty() ? "(no output)" : r.content())
                            .isError(r.error())
                            .build());
            }
        }
        return out;
    }

    /**
     * A prompt; its images (the gateway left them only for a model that sees them) go first, each
     * after a line naming it, as base64 image content: an {@code image_url} part with a data URL in
     * Chat Completions, an {@code image} block with a base64 source in the Messages API.
     */
    private static UserMessage userMessage(ChatMessage.User u) {
        if (u.attachments().isEmpty()) {
            return UserMessage.from(u.text());
        }
        List<Content> contents = new ArrayList<>();
        for (ChatMessage.Attachment a : u.attachments()) {
            if (a.image() && a.data() != null) {
                contents.add(TextContent.from(a.caption()));
                contents.add(ImageContent.from(Base64.getEncoder().encodeToString(a.data()), a.mediaType()));
            } else {
                contents.add(TextContent.from(a.note(a.withheld())));
            }
        }
        if (!u.text().isEmpty()) {
            contents.add(TextContent.from(u.text())); // a tool call's screenshots come without text
        }
        return UserMessage.from(contents);
    }

    private AiMessage aiMessage(ChatMessage.Assistant a) {
        String text = a.text() == null || a.text().isBlank() ? null : a.text();
        if (a.toolCalls().isEmpty()) {
            return AiMessage.from(text == null ? "" : text);
        }
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (ToolCall call : a.toolCalls()) {
            requests.add(ToolExecutionRequest.builder()
                    .id(call.id())
                    .name(call.name())
                    .arguments(historyArguments(call.argumentsJson()))
                    .build());
        }
        return AiMessage.builder().text(text).toolExecutionRequests(requests).build();
    }

    /**
     * Arguments of an earlier call as sent back in the history. Chat Completions carries them as a string,
     * so they go as they came, even malformed. The Messages API carries them as a JSON object
     * ({@code input}), so a call whose arguments were not an object goes back as {@code {}}; its tool
     * result already told the model what was wrong.
     */
    private String historyArguments(String arguments) {
        if (!anthropic) {
            return arguments == null ? "{}" : arguments;
        }
        try {
            JsonNode node = arguments == null || arguments.isBlank() ? null : JSON.readTree(arguments);
            return node != null && node.isObject() ? arguments : "{}";
        } catch (IOException e) {
            return "{}";
        }
    }

    /**
     * A tool for LangChain4j. The top level of our JSON Schema becomes a {@link JsonObjectSchema}
     * (LangChain4j requires one); each property, and each {@code $defs} entry, goes as a
     * {@link JsonRawSchema}, so nested schemas reach the provider unchanged.
     */
    static ToolSpecification toolSpecification(ToolSpec tool) {
        ToolSpecification.Builder builder =
                ToolSpecification.builder().name(tool.name()).description(tool.description());
        String schema = tool.parametersJsonSchema();
        if (schema == null || schema.isBlank()) {
            return builder.parameters(JsonObjectSchema.builder().build()).build();
        }
        JsonNode root;
        try {
            root = JSON.readTree(schema);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the parameters schema of tool " + tool.name() + " is not JSON: " + e.getMessage());
        }
        if (!root.isObject()
                || (root.has("type") && !"object".equals(root.path("type").asText()))) {
            throw new IllegalArgumentException(
                    "the parameters schema of tool " + tool.name() + " must be a JSON Schema of type object");
        }
        JsonObjectSchema.Builder object = JsonObjectSchema.builder();
        if (root.hasNonNull("description")) {
            object.description(root.get("description").asText());
        }
        Map<String, JsonSchemaElement> properties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            properties.put(p.getKey(), JsonRawSchema.from(p.getValue().toString()));
        }
        object.addProperties(properties);
        List<String> required = new ArrayList<>();
        root.path("required").forEach(r -> required.add(r.asText()));
        if (!required.isEmpty()) {
            object.required(required);
        }
        if (root.has("additionalProperties") && root.get("additionalProperties").isBoolean()) {
            object.additionalProperties(root.get("additionalProperties").asBoolean());
        }
        JsonNode defs = root.has("$defs") ? root.get("$defs") : root.get("definitions");
        if (defs != null && defs.isObject()) {
            Map<String, JsonSchemaElement> definitions = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = defs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> d = it.next();
                definitions.put(d.getKey(), JsonRawSchema.from(d.getValue().toString()));
            }
            object.definitions(definitions);
        }
        return builder.parameters(object.build()).build();
    }

    // ---------------------------------------------------------------- assembling the response

    /**
     * What has streamed so far: text, and tool calls by their position in the response. Chat Completions
     * numbers tool calls itself ({@code tool_calls[].index}); Anthropic numbers content blocks (text and
     * thinking included), so there calls are numbered in order of appearance.
     */
    private static final class Assembly {
        final StringBuilder text = new StringBuilder();
        final Map<Integer, Call> calls = new TreeMap<>();
        private final Map<Integer, Integer> blockToCall = new HashMap<>();
        private final boolean anthropic;

        Assembly(boolean anthropic) {
            this.anthropic = anthropic;
        }

        static final class Call {
            String id;
            String name;
            final StringBuilder arguments = new StringBuilder();
        }

        /** Records a piece of a tool call; returns its index among the response's tool calls. */
        int toolDelta(ToolEvent t) {
            int index = anthropic ? blockToCall.computeIfAbsent(t.index(), block -> blockToCall.size()) : t.index();
            Call call = calls.computeIfAbsent(index, i -> new Call());
            if (t.id() != null && !t.id().isEmpty()) {
                call.id = t.id();
            }
            if (t.name() != null && !t.name().isEmpty()) {
                call.name = t.name();
            }
            if (t.argumentsDelta() != null) {
                call.arguments.append(t.argumentsDelta());
            }
            return index;
        }

        /** The streamed call that became the response's call {@code id} at {@code index}, or null. */
        Call streamed(String id, int index) {
            if (id != null) {
                for (Call call : calls.values()) {
                    if (id.equals(call.id)) {
                        return call;
                    }
                }
            }
            Call call = calls.get(index);
            return call != null && (call.id == null || call.id.equals(id)) ? call : null;
        }

        ModelResponse response(ModelRef model, ChatResponse response) {
            AiMessage ai = response.aiMessage();
            List<ToolCall> toolCalls = new ArrayList<>();
            List<ToolExecutionRequest> requests =
                    ai == null || !ai.hasToolExecutionRequests() ? List.of() : ai.toolExecutionRequests();
            for (int i = 0; i < requests.size(); i++) {
                ToolExecutionRequest r = requests.get(i);
                // the streamed pieces are the model's text exactly as it came; prefer them. No arguments at
                // all (a call of a tool without parameters) become {}.
                Call call = streamed(r.id(), i);
                String pieces = call == null ? "" : call.arguments.toString();
                String arguments = !pieces.isBlank()
                        ? pieces
                        : r.arguments() == null || r.arguments().isBlank() ? "{}" : r.arguments();
                toolCalls.add(new ToolCall(r.id(), r.name(), arguments));
            }
            String fullText = ai != null && ai.text() != null ? ai.text() : text.toString();
            return new ModelResponse(
                    model,
                    fullText,
                    toolCalls,
                    usage(response.tokenUsage()),
                    finishReason(response.finishReason(), toolCalls));
        }

        /**
         * Usage with {@code inputTokens} counting every input token, cached ones included (OpenAI counts
         * so; Anthropic reports cache reads and writes apart, and they are added here).
         */
        static Usage usage(TokenUsage usage) {
            if (usage == null) {
                return Usage.NONE;
            }
            long input = value(usage.inputTokenCount());
            long output = value(usage.outputTokenCount());
            long cached = 0;
            if (usage instanceof OpenAiTokenUsage o && o.inputTokensDetails() != null) {
                cached = value(o.inputTokensDetails().cachedTokens());
            } else if (usage instanceof AnthropicTokenUsage a) {
                cached = value(a.cacheReadInputTokens());
                input += cached + value(a.cacheCreationInputTokens());
            }
            return new Usage(input, cached, output);
        }

        private static long value(Integer count) {
            return count == null ? 0 : count;
        }

        /** In Chat Completions' words: {@code stop}, {@code tool_calls}, {@code length}, {@code content_filter}, {@code other}. */
        static String finishReason(FinishReason reason, List<ToolCall> toolCalls) {
            if (reason == null) {
                return toolCalls.isEmpty() ? "stop" : "tool_calls";
            }
            return switch (reason) {
                case STOP -> "stop";
                case TOOL_EXECUTION -> "tool_calls";
                case LENGTH -> "length";
                case CONTENT_FILTER -> "content_filter";
                case OTHER -> "other";
            };
        }
    }
}

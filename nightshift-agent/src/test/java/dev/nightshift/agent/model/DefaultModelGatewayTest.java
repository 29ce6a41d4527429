package dev.nightshift.agent.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer.RecordedRequest;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ModelException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DefaultModelGatewayTest {
    private static final BooleanSupplier NEVER = () -> false;
    private static final String READ_FILE_SCHEMA = """
            {"type":"object","properties":{"path":{"type":"string","description":"file to read"},
             "lines":{"type":"object","properties":{"from":{"type":"integer","minimum":1}}}},
             "required":["path"],"additionalProperties":false}""";

    /** The two wire formats the gateway speaks, each against the fake server. */
    enum Flavor {
        OPENAI_COMPATIBLE("openai-compatible", "/v1/chat/completions"),
        ANTHROPIC("anthropic", "/v1/messages");

        final String provider;
        final String path;

        Flavor(String provider, String path) {
            this.provider = provider;
            this.path = path;
        }

        Map<String, String> env(FakeModelServer server) {
            Map<String, String> env = new HashMap<>();
            if (this == OPENAI_COMPATIBLE) {
                env.put("OPENAI_COMPATIBLE_BASE_URL", server.openAiBaseUrl());
                env.put("OPENAI_COMPATIBLE_API_KEY", "compat-key");
            } else {
                env.put("ANTHROPIC_BASE_URL", server.anthropicBaseUrl());
                env.put("ANTHROPIC_API_KEY", "ant-key");
            }
            env.put("NIGHTSHIFT_MODEL", provider + "/first-model");
            return env;
        }

        String contextOverflowBody() {
            return this == OPENAI_COMPATIBLE
                    ? Reply.openAiError(
                            "This model's maximum context length is 128000 tokens. However, your messages "
                                    + "resulted in 130512 tokens. Please reduce the length of the messages.",
                            "invalid_request_error",
                            "context_length_exceeded")
                    : Reply.anthropicError(
                            "invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum");
        }

        String rateLimitBody() {
            return this == OPENAI_COMPATIBLE
                    ? Reply.openAiError("Rate limit reached for requests", "requests", "rate_limit_exceeded")
                    : Reply.anthropicError(
                            "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit");
        }

        String serverErrorBody() {
            return this == OPENAI_COMPATIBLE
                    ? Reply.openAiError("The server had an error while processing your request.", "server_error", null)
                    : Reply.anthropicError("api_error", "Internal server error");
        }

        String authErrorBody() {
            return this == OPENAI_COMPATIBLE
                    ? Reply.openAiError(
                            "Incorrect API key provided: sk-wrong.", "invalid_request_error", "invalid_api_key")
                    : Reply.anthropicError("authentication_error", "invalid x-api-key");
        }
    }

    /** Everything the gateway told the listener. */
    static final class Recorder implements ModelListener {
        final List<String> text = new CopyOnWriteArrayList<>();
        final List<String> reasoning = new CopyOnWriteArrayList<>();
        final List<String> toolDeltas = new CopyOnWriteArrayList<>();
        final List<String> fallbacks = new CopyOnWriteArrayList<>();
        final StringBuilder arguments = new StringBuilder();

        @Override
        public void text(String delta) {
            text.add(delta);
        }

        @Override
        public void reasoning(String delta) {
            reasoning.add(delta);
        }

        @Override
        public synchronized void toolCallDelta(int index, String id, String name, String argumentsDelta) {
            toolDeltas.add(index + "|" + id + "|" + name + "|" + argumentsDelta);
            arguments.append(argumentsDelta);
        }

        @Override
        public void fallback(ModelRef from, ModelRef to, String reason) {
            fallbacks.add(from + " -> " + to + ": " + reason);
        }
    }

    /** Records the waits instead of waiting. */
    static final class RecordingSleeper implements DefaultModelGateway.Sleeper {
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        @Override
        public void sleep(Duration delay, BooleanSupplier cancel) {
            delays.add(delay);
        }
    }

    private FakeModelServer server;
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final Recorder recorder = new Recorder();

    @BeforeEach
    void start() {
        server = FakeModelServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DefaultModelGateway gateway(Map<String, String> env) {
        return new DefaultModelGateway(GatewayConfig.from(env), sleeper);
    }

    private static Map<String, String> with(Map<String, String> env, String... nameValue) {
        Map<String, String> copy = new HashMap<>(env);
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            copy.put(nameValue[i], nameValue[i + 1]);
        }
        return copy;
    }

    private static ModelRequest simple(String userText) {
        return new ModelRequest(
                null,
                List.of(new ChatMessage.System("You are a careful engineer."), new ChatMessage.User(userText)),
                List.of(),
                1000);
    }

    // ---------------------------------------------------------------- streaming

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void streamsTextInDeltasAndWhole(Flavor flavor) {
        server.enqueue(Reply.text("Hel", "lo, ", "world"));
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            ModelResponse response = gateway.stream(simple("say hello"), recorder, NEVER);

            assertThat(recorder.text).containsExactly("Hel", "lo, ", "world");
            assertThat(response.text()).isEqualTo("Hello, world");
            assertThat(response.toolCalls()).isEmpty();
            assertThat(response.finishReason()).isEqualTo("stop");
            assertThat(response.model()).isEqualTo(ModelRef.parse(flavor.provider + "/first-model"));
        }
        RecordedRequest sent = server.lastRequest();
        assertThat(sent.path()).isEqualTo(flavor.path);
        assertThat(sent.model()).isEqualTo("first-model");
        assertThat(sent.body().path("stream").asBoolean()).isTrue();
        if (flavor == Flavor.OPENAI_COMPATIBLE) {
            assertThat(sent.header("authorization")).isEqualTo("Bearer compat-key");
            assertThat(sent.messages().get(0).path("role").asText()).isEqualTo("system");
            assertThat(sent.messages().get(0).path("content").asText()).isEqualTo("You are a careful engineer.");
            assertThat(sent.messages().get(1).path("role").asText()).isEqualTo("user");
            assertThat(sent.body().path("max_tokens").asInt()).isEqualTo(1000);
        } else {
            assertThat(sent.header("x-api-key")).isEqualTo("ant-key");
            assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(text(sent.body().path("system"))).isEqualTo("You are a careful engineer.");
            assertThat(sent.messages()).hasSize(1);
            assertThat(sent.messages().get(0).path("role").asText()).isEqualTo("user");
            assertThat(text(sent.messages().get(0).path("content"))).isEqualTo("say hello");
            assertThat(sent.body().path("max_tokens").asInt()).isEqualTo(1000);
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void assemblesAToolCallStreamedInPiecesAndSendsToolsAndEarlierResults(Flavor flavor) {
        String arguments = "{\"path\":\"src/Main.java\",\"lines\":{\"from\":3}}";
        server.enqueue(Reply.text("Let me look.").andToolCalls(new ToolCall("call_2", "read_file", arguments)));
        List<ChatMessage> history = List.of(
                new ChatMessage.System("You are a careful engineer."),
                new ChatMessage.User("what is in README.md?"),
                new ChatMessage.Assistant(
                        "Reading it.", List.of(new ToolCall("call_1", "read_file", "{\"path\":\"README.md\"}"))),
                new ChatMessage.ToolResult("call_1", "read_file", "# Nightshift", false),
                new ChatMessage.User("and src/Main.java?"));
        ModelRequest request = new ModelRequest(
                null,
                history,
                List.of(new ToolSpec("read_file", "Reads a file of the workspace.", READ_FILE_SCHEMA)),
                0);

        ModelResponse response;
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            response = gateway.stream(request, recorder, NEVER);
        }

        assertThat(response.toolCalls()).containsExactly(new ToolCall("call_2", "read_file", arguments));
        assertThat(response.text()).isEqualTo("Let me look.");
        assertThat(response.finishReason()).isEqualTo("tool_calls");
        assertThat(recorder.arguments.toString()).isEqualTo(arguments);
        assertThat(recorder.toolDeltas).hasSizeGreaterThanOrEqualTo(3);
        assertThat(recorder.toolDeltas).allSatisfy(d -> assertThat(d).startsWith("0|call_2|read_file|"));

        RecordedRequest sent = server.lastRequest();
        JsonNode tool = sent.tools().get(0);
        JsonNode messages = sent.messages();
        if (flavor == Flavor.OPENAI_COMPATIBLE) {
            assertThat(tool.path("type").asText()).isEqualTo("function");
            assertThat(tool.path("function").path("name").asText()).isEqualTo("read_file");
            assertThat(tool.path("function").path("description").asText()).isEqualTo("Reads a file of the workspace.");
            JsonNode parameters = tool.path("function").path("parameters");
            assertSchema(parameters);

            assertThat(messages).hasSize(5);
            JsonNode assistant = messages.get(2);
            assertThat(assistant.path("role").asText()).isEqualTo("assistant");
            assertThat(assistant.path("content").asText()).isEqualTo("Reading it.");
            JsonNode call = assistant.path("tool_calls").get(0);
            assertThat(call.path("id").asText()).isEqualTo("call_1");
            assertThat(call.path("type").asText()).isEqualTo("function");
            assertThat(call.path("function").path("name").asText()).isEqualTo("read_file");
            assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"path\":\"README.md\"}");
            JsonNode result = messages.get(3);
            assertThat(result.path("role").asText()).isEqualTo("tool");
            assertThat(result.path("tool_call_id").asText()).isEqualTo("call_1");
            assertThat(result.path("content").asText()).isEqualTo("# Nightshift");
        } else {
            assertThat(tool.path("name").asText()).isEqualTo("read_file");
            assertThat(tool.path("description").asText()).isEqualTo("Reads a file of the workspace.");
            assertSchema(tool.path("input_schema"));

            assertThat(messages).hasSize(4);
            JsonNode assistant = messages.get(1);
            assertThat(assistant.path("role").asText()).isEqualTo("assistant");
            JsonNode toolUse = block(assistant, "tool_use");
            assertThat(toolUse.path("id").asText()).isEqualTo("call_1");
            assertThat(toolUse.path("name").asText()).isEqualTo("read_file");
            assertThat(toolUse.path("input").path("path").asText()).isEqualTo("README.md");
            assertThat(block(assistant, "text").path("text").asText()).isEqualTo("Reading it.");
            JsonNode result = block(messages.get(2), "tool_result");
            assertThat(messages.get(2).path("role").asText()).isEqualTo("user");
            assertThat(result.path("tool_use_id").asText()).isEqualTo("call_1");
            assertThat(text(result.path("content"))).isEqualTo("# Nightshift");
            assertThat(result.path("is_error").asBoolean(false)).isFalse();
        }
    }

    private static void assertSchema(JsonNode parameters) {
        assertThat(parameters.path("type").asText()).isEqualTo("object");
        assertThat(parameters.path("properties").path("path").path("type").asText())
                .isEqualTo("string");
        assertThat(parameters
                        .path("properties")
                        .path("path")
                        .path("description")
                        .asText())
                .isEqualTo("file to read");
        // nested schemas reach the provider unchanged, keywords LangChain4j does not model included
        assertThat(parameters
                        .path("properties")
                        .path("lines")
                        .path("properties")
                        .path("from")
                        .path("minimum")
                        .asInt())
                .isEqualTo(1);
        assertThat(parameters.path("required").get(0).asText()).isEqualTo("path");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void toolResultErrorsReachTheModel(Flavor flavor) {
        server.enqueue(Reply.text("I see."));
        List<ChatMessage> history = List.of(
                new ChatMessage.User("read it"),
                new ChatMessage.Assistant("", List.of(new ToolCall("call_9", "read_file", "{\"path\":"))),
                new ChatMessage.ToolResult("call_9", "read_file", "arguments are not valid JSON", true));
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            gateway.stream(
                    new ModelRequest(null, history, List.of(new ToolSpec("read_file", "Reads.", READ_FILE_SCHEMA)), 0),
                    recorder,
                    NEVER);
        }
        JsonNode messages = server.lastRequest().messages();
        if (flavor == Flavor.OPENAI_COMPATIBLE) {
            // Chat Completions carries arguments as a string: they go back as they came
            assertThat(messages.get(1)
                            .path("tool_calls")
                            .get(0)
                            .path("function")
                            .path("arguments")
                            .asText())
                    .isEqualTo("{\"path\":");
            assertThat(messages.get(2).path("content").asText()).isEqualTo("arguments are not valid JSON");
        } else {
            // the Messages API needs an object: the malformed call goes back as {}
            assertThat(block(messages.get(1), "tool_use").path("input").isObject())
                    .isTrue();
            JsonNode result = block(messages.get(2), "tool_result");
            assertThat(result.path("is_error").asBoolean()).isTrue();
            assertThat(text(result.path("content"))).isEqualTo("arguments are not valid JSON");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void malformedToolArgumentsArriveAsTheyCame(Flavor flavor) {
        String bad = "{\"path\": \"a.txt\", \"mode\": ";
        server.enqueue(Reply.malformed("call_7", "write_file", bad));
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            ModelResponse response = gateway.stream(simple("write"), recorder, NEVER);
            assertThat(response.toolCalls()).containsExactly(new ToolCall("call_7", "write_file", bad));
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void severalToolCallsInOrderIncludingOneWithoutArguments(Flavor flavor) {
        server.enqueue(Reply.toolCalls(
                new ToolCall("call_a", "list_files", ""),
                new ToolCall("call_b", "read_file", "{\"path\":\"a\"}"),
                new ToolCall("call_c", "read_file", "{\"path\":\"b\"}")));
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            ModelResponse response = gateway.stream(simple("look around"), recorder, NEVER);
            assertThat(response.toolCalls())
                    .containsExactly(
                            new ToolCall("call_a", "list_files", "{}"),
                            new ToolCall("call_b", "read_file", "{\"path\":\"a\"}"),
                            new ToolCall("call_c", "read_file", "{\"path\":\"b\"}"));
        }
        // every call reaches the listener under its index in the response
        assertThat(recorder.toolDeltas).anySatisfy(d -> assertThat(d).startsWith("0|call_a|list_files|"));
        assertThat(recorder.toolDeltas)
                .filteredOn(d -> d.startsWith("1|"))
                .allSatisfy(d -> assertThat(d).contains("call_b"));
        assertThat(recorder.toolDeltas)
                .filteredOn(d -> d.startsWith("2|"))
                .allSatisfy(d -> assertThat(d).contains("call_c"));
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void aTruncatedAnswerSaysLength(Flavor flavor) {
        server.enqueue(Reply.text("and then").withFinishReason(flavor == Flavor.ANTHROPIC ? "max_tokens" : "length"));
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            assertThat(gateway.stream(simple("go on"), recorder, NEVER).finishReason())
                    .isEqualTo("length");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void streamsReasoningWhereTheProviderSendsIt(Flavor flavor) {
        server.enqueue(Reply.text("42").withReasoning("Think", "ing hard"));
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            ModelResponse response = gateway.stream(simple("answer"), recorder, NEVER);
            assertThat(response.text()).isEqualTo("42");
        }
        assertThat(String.join("", recorder.reasoning)).isEqualTo("Thinking hard");
        assertThat(recorder.text).containsExactly("42");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void recordsUsageAndPricesIt(Flavor flavor) {
        server.enqueue(Reply.text("ok").withUsage(1_000_000, 200_000, 100_000));
        Map<String, String> env = with(
                flavor.env(server),
                "NIGHTSHIFT_MODEL_PRICES",
                flavor.provider + "/first-model=1.25:0.125:10,anthropic/claude-sonnet-4-5=3:0.3:15");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelResponse response = gateway.stream(simple("hi"), recorder, NEVER);
            assertThat(response.usage()).isEqualTo(new Usage(1_000_000, 200_000, 100_000));
            // 800k uncached × 1.25 + 200k cached × 0.125 + 100k out × 10, per million
            assertThat(gateway.costUsd(response.model(), response.usage())).isCloseTo(2.025, within(1e-9));
            assertThat(gateway.costUsd(ModelRef.parse("anthropic/claude-sonnet-4-5"), new Usage(2_000_000, 0, 0)))
                    .isCloseTo(6.0, within(1e-9));
            assertThat(gateway.costUsd(ModelRef.parse("openai/unpriced"), response.usage()))
                    .isZero();
        }
        if (flavor == Flavor.OPENAI_COMPATIBLE) {
            assertThat(server.lastRequest()
                            .body()
                            .path("stream_options")
                            .path("include_usage")
                            .asBoolean())
                    .isTrue();
        }
    }

    // ---------------------------------------------------------------- retries and fallbacks

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void rateLimitIsRetriedAfterTheProvidersRetryAfter(Flavor flavor) {
        server.enqueue(
                Reply.error(429, flavor.rateLimitBody(), FakeModelServer.headers("Retry-After", "1")),
                Reply.text("done"));
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            ModelResponse response = gateway.stream(simple("hi"), recorder, NEVER);
            assertThat(response.text()).isEqualTo("done");
        }
        assertThat(sleeper.delays).containsExactly(Duration.ofSeconds(1));
        assertThat(server.requests()).hasSize(2);
        assertThat(recorder.fallbacks).isEmpty();
    }

    @Test
    void retriesBackOffExponentiallyWithoutRetryAfter() {
        Flavor flavor = Flavor.OPENAI_COMPATIBLE;
        server.enqueue(
                Reply.error(503, flavor.serverErrorBody()),
                Reply.error(502, flavor.serverErrorBody()),
                Reply.text("third time"));
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            assertThat(gateway.stream(simple("hi"), recorder, NEVER).text()).isEqualTo("third time");
        }
        assertThat(sleeper.delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void serverErrorFallsBackToTheNextModel(Flavor flavor) {
        server.enqueue(Reply.error(500, flavor.serverErrorBody()), Reply.text("from the fallback"));
        Map<String, String> env = with(
                flavor.env(server),
                "NIGHTSHIFT_MODEL_MAX_RETRIES",
                "0",
                "NIGHTSHIFT_FALLBACK_MODELS",
                flavor.provider + "/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelResponse response = gateway.stream(simple("hi"), recorder, NEVER);
            assertThat(response.text()).isEqualTo("from the fallback");
            assertThat(response.model()).isEqualTo(ModelRef.parse(flavor.provider + "/second-model"));
        }
        assertThat(server.requests()).extracting(RecordedRequest::model).containsExactly("first-model", "second-model");
        assertThat(recorder.fallbacks)
                .singleElement()
                .asString()
                .startsWith(flavor.provider + "/first-model -> " + flavor.provider + "/second-model: server error")
                .contains("HTTP 500");
        assertThat(sleeper.delays).isEmpty();
    }

    @Test
    void fallsBackAcrossProviders() {
        server.enqueue(
                Reply.error(529, Reply.anthropicError("overloaded_error", "Overloaded")), Reply.text("compat says hi"));
        Map<String, String> env = with(
                Flavor.ANTHROPIC.env(server),
                "NIGHTSHIFT_MODEL_MAX_RETRIES",
                "0",
                "OPENAI_COMPATIBLE_BASE_URL",
                server.openAiBaseUrl(),
                "NIGHTSHIFT_FALLBACK_MODELS",
                " openai-compatible/qwen2.5-coder , ");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelResponse response = gateway.stream(simple("hi"), recorder, NEVER);
            assertThat(response.model()).isEqualTo(ModelRef.parse("openai-compatible/qwen2.5-coder"));
        }
        assertThat(server.requests())
                .extracting(RecordedRequest::path)
                .containsExactly("/v1/messages", "/v1/chat/completions");
        assertThat(server.lastRequest().model()).isEqualTo("qwen2.5-coder");
        // no key configured for the compatible server (a local one needs none): no Authorization header
        assertThat(server.lastRequest().header("authorization")).isNull();
        assertThat(server.lastRequest().header("x-api-key")).isNull();
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void silenceBeyondTheTimeoutFallsBack(Flavor flavor) {
        server.enqueue(Reply.stall(Duration.ofSeconds(30)), Reply.text("awake"));
        Map<String, String> env = with(
                flavor.env(server),
                "NIGHTSHIFT_MODEL_TIMEOUT",
                "500ms",
                "NIGHTSHIFT_FALLBACK_MODELS",
                flavor.provider + "/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelResponse response = gateway.stream(simple("hi"), recorder, NEVER);
            assertThat(response.text()).isEqualTo("awake");
        }
        assertThat(recorder.fallbacks).singleElement().asString().contains("timeout");
        // a timed-out model is not tried again while another remains
        assertThat(server.requests()).extracting(RecordedRequest::model).containsExactly("first-model", "second-model");
    }

    @Test
    void timeoutWithoutFallbackIsRetriedThenThrown() {
        server.enqueue(Reply.stall(Duration.ofSeconds(30)), Reply.stall(Duration.ofSeconds(30)));
        Map<String, String> env = with(
                Flavor.OPENAI_COMPATIBLE.env(server),
                "NIGHTSHIFT_MODEL_TIMEOUT",
                "500ms",
                "NIGHTSHIFT_MODEL_MAX_RETRIES",
                "1");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelException e =
                    catchThrowableOfType(ModelException.class, () -> gateway.stream(simple("hi"), recorder, NEVER));
            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("NIGHTSHIFT_MODEL_TIMEOUT").contains("2 times");
        }
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void refusedConnectionFallsBack() {
        server.enqueue(Reply.text("reachable"));
        int closedPort = FakeModelServer.unusedPort();
        Map<String, String> env = with(
                Flavor.OPENAI_COMPATIBLE.env(server),
                "NIGHTSHIFT_MODEL",
                "ollama/llama3.1",
                "OLLAMA_BASE_URL",
                "http://127.0.0.1:" + closedPort + "/v1",
                "NIGHTSHIFT_FALLBACK_MODELS",
                "openai-compatible/qwen2.5-coder");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelResponse response = gateway.stream(simple("hi"), recorder, NEVER);
            assertThat(response.text()).isEqualTo("reachable");
        }
        // tried again (the server may have been restarting), then moved on
        assertThat(sleeper.delays).hasSize(2);
        assertThat(recorder.fallbacks)
                .singleElement()
                .asString()
                .startsWith("ollama/llama3.1 -> openai-compatible/qwen2.5-coder: connection")
                .contains("OLLAMA_BASE_URL");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void refusedConnectionWithoutFallbackSaysWhereItTried() {
        int closedPort = FakeModelServer.unusedPort();
        Map<String, String> env = Map.of(
                "NIGHTSHIFT_MODEL",
                "openai-compatible/qwen",
                "OPENAI_COMPATIBLE_BASE_URL",
                "http://127.0.0.1:" + closedPort + "/v1",
                "NIGHTSHIFT_MODEL_MAX_RETRIES",
                "0");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelException e =
                    catchThrowableOfType(ModelException.class, () -> gateway.stream(simple("hi"), recorder, NEVER));
            assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
            assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort).contains("OPENAI_COMPATIBLE_BASE_URL");
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void contextOverflowIsRecognisedAndNeitherRetriedNorFallenBackFrom(Flavor flavor) {
        server.enqueue(Reply.error(400, flavor.contextOverflowBody()), Reply.text("must not be asked"));
        Map<String, String> env =
                with(flavor.env(server), "NIGHTSHIFT_FALLBACK_MODELS", flavor.provider + "/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelException e = catchThrowableOfType(
                    ModelException.class, () -> gateway.stream(simple("a very long conversation"), recorder, NEVER));
            assertThat(e.kind()).isEqualTo(Kind.CONTEXT_OVERFLOW);
            assertThat(e.transientFailure()).isFalse();
            assertThat(e.getMessage()).contains("condense");
        }
        assertThat(server.requests()).hasSize(1);
        assertThat(recorder.fallbacks).isEmpty();
        assertThat(sleeper.delays).isEmpty();
    }

    @Test
    void genericContextOverflowFromACompatibleServer() {
        // llama.cpp server / Ollama style: no OpenAI error code
        server.enqueue(
                Reply.error(400, "{\"error\":\"the request exceeds the available context size, try increasing it\"}"));
        try (DefaultModelGateway gateway = gateway(Flavor.OPENAI_COMPATIBLE.env(server))) {
            assertThatThrownBy(() -> gateway.stream(simple("hi"), recorder, NEVER))
                    .isInstanceOfSatisfying(
                            ModelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONTEXT_OVERFLOW));
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void unauthorisedNamesTheKeyAndIsNotRetried(Flavor flavor) {
        server.enqueue(Reply.error(401, flavor.authErrorBody()));
        Map<String, String> env =
                with(flavor.env(server), "NIGHTSHIFT_FALLBACK_MODELS", flavor.provider + "/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelException e =
                    catchThrowableOfType(ModelException.class, () -> gateway.stream(simple("hi"), recorder, NEVER));
            assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
            assertThat(e.getMessage())
                    .contains(flavor == Flavor.ANTHROPIC ? "ANTHROPIC_API_KEY" : "OPENAI_COMPATIBLE_API_KEY");
        }
        assertThat(server.requests()).hasSize(1);
        assertThat(recorder.fallbacks).isEmpty();
    }

    @Test
    void badRequestIsNotRetried() {
        server.enqueue(
                Reply.error(400, Reply.openAiError("Invalid schema for function 'x'", "invalid_request_error", null)));
        Map<String, String> env = with(
                Flavor.OPENAI_COMPATIBLE.env(server), "NIGHTSHIFT_FALLBACK_MODELS", "openai-compatible/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelException e =
                    catchThrowableOfType(ModelException.class, () -> gateway.stream(simple("hi"), recorder, NEVER));
            assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
            assertThat(e.getMessage()).contains("Invalid schema for function 'x'");
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aRetryAfterBeyondTheCapMovesOnAtOnce() {
        Flavor flavor = Flavor.ANTHROPIC;
        server.enqueue(
                Reply.error(429, flavor.rateLimitBody(), FakeModelServer.headers("retry-after", "600")),
                Reply.text("second"));
        Map<String, String> env = with(flavor.env(server), "NIGHTSHIFT_FALLBACK_MODELS", "anthropic/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            assertThat(gateway.stream(simple("hi"), recorder, NEVER).text()).isEqualTo("second");
        }
        assertThat(sleeper.delays).isEmpty();
        assertThat(recorder.fallbacks).singleElement().asString().contains("rate limited");
    }

    @Test
    void exhaustedChainThrowsTheLastFailureAndWhatWasTried() {
        Flavor flavor = Flavor.OPENAI_COMPATIBLE;
        server.enqueue(
                Reply.error(500, flavor.serverErrorBody()),
                Reply.error(500, flavor.serverErrorBody()),
                Reply.error(500, flavor.serverErrorBody()),
                Reply.error(503, flavor.serverErrorBody()));
        Map<String, String> env = with(
                flavor.env(server),
                "NIGHTSHIFT_MODEL_MAX_RETRIES",
                "1",
                "NIGHTSHIFT_FALLBACK_MODELS",
                "openai-compatible/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelException e =
                    catchThrowableOfType(ModelException.class, () -> gateway.stream(simple("hi"), recorder, NEVER));
            assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
            assertThat(e.getMessage())
                    .contains("HTTP 503")
                    .contains(
                            "tried openai-compatible/first-model (2 times), openai-compatible/second-model (2 times)");
        }
        assertThat(server.requests()).hasSize(4);
        assertThat(recorder.fallbacks).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void anErrorInsideTheStreamBeforeAnyOutputFallsBack(Flavor flavor) {
        server.enqueue(
                Reply.streamError(flavor == Flavor.ANTHROPIC ? "overloaded_error" : "server_error", "Overloaded"),
                Reply.text("second"));
        Map<String, String> env = with(
                flavor.env(server),
                "NIGHTSHIFT_MODEL_MAX_RETRIES",
                "0",
                "NIGHTSHIFT_FALLBACK_MODELS",
                flavor.provider + "/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            assertThat(gateway.stream(simple("hi"), recorder, NEVER).text()).isEqualTo("second");
        }
        assertThat(recorder.fallbacks).singleElement().asString().contains("Overloaded");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void anErrorInsideTheStreamAfterOutputIsThrown(Flavor flavor) {
        server.enqueue(
                Reply.text("half an ans")
                        .thenStreamError(
                                flavor == Flavor.ANTHROPIC ? "overloaded_error" : "server_error", "Overloaded"),
                Reply.text("unused"));
        Map<String, String> env =
                with(flavor.env(server), "NIGHTSHIFT_FALLBACK_MODELS", flavor.provider + "/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelException e =
                    catchThrowableOfType(ModelException.class, () -> gateway.stream(simple("hi"), recorder, NEVER));
            assertThat(e.transientFailure()).isTrue();
            assertThat(e.getMessage()).contains("not retried");
        }
        assertThat(recorder.text).containsExactly("half an ans");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aFailureAfterOutputStreamedIsNotRetried() {
        server.enqueue(Reply.text("partial").thenStall(Duration.ofSeconds(30)), Reply.text("must not be asked"));
        Map<String, String> env = with(
                Flavor.OPENAI_COMPATIBLE.env(server),
                "NIGHTSHIFT_MODEL_TIMEOUT",
                "500ms",
                "NIGHTSHIFT_FALLBACK_MODELS",
                "openai-compatible/second-model");
        try (DefaultModelGateway gateway = gateway(env)) {
            ModelException e =
                    catchThrowableOfType(ModelException.class, () -> gateway.stream(simple("hi"), recorder, NEVER));
            assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(e.getMessage()).contains("not retried");
        }
        assertThat(recorder.text).containsExactly("partial");
        assertThat(server.requests()).hasSize(1);
    }

    // ---------------------------------------------------------------- cancellation

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void cancellationMidStreamStopsPromptly(Flavor flavor) {
        server.enqueue(Reply.text("first words").thenStall(Duration.ofSeconds(60)));
        AtomicBoolean cancel = new AtomicBoolean();
        ModelListener cancelOnFirstText = new ModelListener() {
            @Override
            public void text(String delta) {
                recorder.text(delta);
                cancel.set(true);
            }
        };
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            // generous bound: without cancellation this would wait for the 60 s stall
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                ModelException e = catchThrowableOfType(
                        ModelException.class, () -> gateway.stream(simple("hi"), cancelOnFirstText, cancel::get));
                assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
            });
        }
        assertThat(recorder.text).containsExactly("first words");
    }

    @Test
    void cancellationBeforeTheProviderAnswers() throws Exception {
        server.enqueue(Reply.stall(Duration.ofSeconds(60)));
        AtomicBoolean cancel = new AtomicBoolean();
        try (DefaultModelGateway gateway = gateway(Flavor.ANTHROPIC.env(server))) {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                cancel.set(true);
            });
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                ModelException e = catchThrowableOfType(
                        ModelException.class, () -> gateway.stream(simple("hi"), recorder, cancel::get));
                assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
            });
        }
    }

    @Test
    void cancellationDuringBackoff() {
        server.enqueue(Reply.error(
                429, Flavor.OPENAI_COMPATIBLE.rateLimitBody(), FakeModelServer.headers("Retry-After", "20")));
        AtomicBoolean cancel = new AtomicBoolean();
        DefaultModelGateway.Sleeper cancellingSleeper = (delay, c) -> {
            cancel.set(true);
            DefaultModelGateway.REAL_SLEEPER.sleep(delay, c);
        };
        try (DefaultModelGateway gateway =
                new DefaultModelGateway(GatewayConfig.from(Flavor.OPENAI_COMPATIBLE.env(server)), cancellingSleeper)) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                ModelException e = catchThrowableOfType(
                        ModelException.class, () -> gateway.stream(simple("hi"), recorder, cancel::get));
                assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
            });
        }
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void withoutAModelTheGatewayStillStartsAndSaysHowToConfigureOne() {
        try (DefaultModelGateway gateway = new DefaultModelGateway(GatewayConfig.from(Map.of()))) {
            assertThat(gateway.defaultModel()).isNull();
            ModelException e =
                    catchThrowableOfType(ModelException.class, () -> gateway.stream(simple("hi"), recorder, NEVER));
            assertThat(e.kind()).isEqualTo(Kind.NOT_CONFIGURED);
            assertThat(e.getMessage())
                    .contains("NIGHTSHIFT_MODEL", "OPENAI_COMPATIBLE_BASE_URL", "ANTHROPIC_API_KEY", "OPENAI_API_KEY");
        }
    }

    @Test
    void aProviderWithoutItsSettingsIsNotConfigured() {
        try (DefaultModelGateway gateway = gateway(Map.of("NIGHTSHIFT_MODEL", "anthropic/claude-sonnet-4-5"))) {
            assertThat(gateway.defaultModel()).isEqualTo(ModelRef.parse("anthropic/claude-sonnet-4-5"));
            ModelException e =
                    catchThrowableOfType(ModelException.class, () -> gateway.stream(simple("hi"), recorder, NEVER));
            assertThat(e.kind()).isEqualTo(Kind.NOT_CONFIGURED);
            assertThat(e.getMessage()).contains("ANTHROPIC_API_KEY");
        }
        try (DefaultModelGateway gateway = gateway(Map.of("NIGHTSHIFT_MODEL", "openai-compatible/qwen"))) {
            assertThatThrownBy(() -> gateway.stream(simple("hi"), recorder, NEVER))
                    .isInstanceOfSatisfying(
                            ModelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_CONFIGURED))
                    .hasMessageContaining("OPENAI_COMPATIBLE_BASE_URL");
        }
    }

    @Test
    void theRequestsModelWinsOverTheDefault() {
        server.enqueue(Reply.text("ok"));
        try (DefaultModelGateway gateway = gateway(Flavor.OPENAI_COMPATIBLE.env(server))) {
            ModelRequest request = new ModelRequest(
                    ModelRef.parse("openai-compatible/chosen"), List.of(new ChatMessage.User("hi")), List.of(), 0);
            assertThat(gateway.stream(request, recorder, NEVER).model().name()).isEqualTo("chosen");
        }
        assertThat(server.lastRequest().model()).isEqualTo("chosen");
        assertThat(server.lastRequest().body().has("max_tokens")).isFalse();
    }

    @Test
    void openAiSendsMaxCompletionTokensAndTheKey() {
        server.enqueue(Reply.text("ok"));
        Map<String, String> env = Map.of(
                "NIGHTSHIFT_MODEL",
                "openai/gpt-5",
                "OPENAI_API_KEY",
                "sk-test",
                "OPENAI_BASE_URL",
                server.openAiBaseUrl());
        try (DefaultModelGateway gateway = gateway(env)) {
            gateway.stream(simple("hi"), recorder, NEVER);
        }
        RecordedRequest sent = server.lastRequest();
        assertThat(sent.header("authorization")).isEqualTo("Bearer sk-test");
        assertThat(sent.model()).isEqualTo("gpt-5");
        assertThat(sent.body().path("max_completion_tokens").asInt()).isEqualTo(1000);
        assertThat(sent.body().has("max_tokens")).isFalse();
    }

    // ---------------------------------------------------------------- images

    /** A real 1×1 PNG. */
    static final byte[] PNG = java.util.Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static ModelRequest withImage(ModelRef model) {
        ChatMessage.Attachment image = new ChatMessage.Attachment(
                        "att_1", "shot.png", "image/png", PNG.length, ".nightshift/attachments/shot.png", null, null)
                .withData(PNG);
        return new ModelRequest(
                model,
                List.of(
                        new ChatMessage.System("You are a careful engineer."),
                        new ChatMessage.User("What does this screenshot show?", List.of(image))),
                List.of(),
                1000);
    }

    private static JsonNode part(JsonNode content, String type) {
        for (JsonNode part : content) {
            if (part.path("type").asText().equals(type)) {
                return part;
            }
        }
        throw new AssertionError("no " + type + " part in " + content);
    }

    @Test
    void anImageReachesAnOpenAiModelAsADataUrlPart() {
        server.enqueue(Reply.text("A login form."));
        Map<String, String> env = Map.of(
                "NIGHTSHIFT_MODEL",
                "openai/gpt-5",
                "OPENAI_API_KEY",
                "sk-test",
                "OPENAI_BASE_URL",
                server.openAiBaseUrl());
        try (DefaultModelGateway gateway = gateway(env)) {
            assertThat(gateway.stream(withImage(null), recorder, NEVER).text()).isEqualTo("A login form.");
        }
        JsonNode content = server.lastRequest().messages().get(1).path("content");
        assertThat(content.isArray()).as("content parts: %s", content).isTrue();
        JsonNode image = part(content, "image_url");
        assertThat(image.path("image_url").path("url").asText())
                .isEqualTo(
                        "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(PNG));
        assertThat(content)
                .anySatisfy(p -> assertThat(p.path("text").asText()).isEqualTo("What does this screenshot show?"));
        assertThat(content)
                .anySatisfy(p ->
                        assertThat(p.path("text").asText()).contains("shot.png", ".nightshift/attachments/shot.png"));
    }

    @Test
    void anImageReachesAnAnthropicModelAsABase64ImageBlock() {
        server.enqueue(Reply.text("A login form."));
        try (DefaultModelGateway gateway = gateway(Flavor.ANTHROPIC.env(server))) {
            gateway.stream(withImage(null), recorder, NEVER);
        }
        JsonNode content = server.lastRequest().messages().get(0).path("content");
        JsonNode image = part(content, "image");
        assertThat(image.path("source").path("type").asText()).isEqualTo("base64");
        assertThat(image.path("source").path("media_type").asText()).isEqualTo("image/png");
        assertThat(image.path("source").path("data").asText())
                .isEqualTo(java.util.Base64.getEncoder().encodeToString(PNG));
        assertThat(content)
                .anySatisfy(p -> assertThat(p.path("text").asText()).isEqualTo("What does this screenshot show?"));
    }

    @Test
    void aModelThatCannotSeeImagesIsToldWhereTheImageIs() {
        server.enqueue(Reply.text("ok"));
        try (DefaultModelGateway gateway = gateway(Flavor.OPENAI_COMPATIBLE.env(server))) {
            gateway.stream(withImage(null), recorder, NEVER);
        }
        JsonNode content = server.lastRequest().messages().get(1).path("content");
        assertThat(content.toString()).doesNotContain("image_url").doesNotContain("base64");
        assertThat(text(content))
                .contains("An image was attached: shot.png (image/png, " + PNG.length + " bytes)")
                .contains(".nightshift/attachments/shot.png")
                .contains("this model cannot view images")
                .endsWith("What does this screenshot show?");
    }

    @Test
    void aModelListedAsSeeingImagesGetsThemWhateverItsProvider() {
        server.enqueue(Reply.text("ok"));
        Map<String, String> env =
                with(Flavor.OPENAI_COMPATIBLE.env(server), "NIGHTSHIFT_VISION_MODELS", "openai-compatible/first-*");
        try (DefaultModelGateway gateway = gateway(env)) {
            gateway.stream(withImage(null), recorder, NEVER);
        }
        assertThat(part(server.lastRequest().messages().get(1).path("content"), "image_url")
                        .path("image_url")
                        .path("url")
                        .asText())
                .startsWith("data:image/png;base64,");
    }

    @Test
    void aFallbackThatCannotSeeImagesGetsThemDescribed() {
        server.enqueue(
                Reply.error(529, Reply.anthropicError("overloaded_error", "Overloaded")), Reply.text("compat says hi"));
        Map<String, String> env = with(
                Flavor.ANTHROPIC.env(server),
                "NIGHTSHIFT_MODEL_MAX_RETRIES",
                "0",
                "OPENAI_COMPATIBLE_BASE_URL",
                server.openAiBaseUrl(),
                "NIGHTSHIFT_FALLBACK_MODELS",
                "openai-compatible/text-only");
        try (DefaultModelGateway gateway = gateway(env)) {
            gateway.stream(withImage(null), recorder, NEVER);
        }
        assertThat(part(server.requests().get(0).messages().get(0).path("content"), "image")
                        .path("source")
                        .path("media_type")
                        .asText())
                .isEqualTo("image/png");
        JsonNode described = server.lastRequest().messages().get(1).path("content");
        assertThat(described.toString()).doesNotContain("image_url");
        assertThat(text(described)).contains("An image was attached: shot.png");
    }

    @Test
    void ollamaSpeaksChatCompletionsWithoutAKey() {
        server.enqueue(Reply.text("hi from ollama"));
        Map<String, String> env =
                Map.of("NIGHTSHIFT_MODEL", "ollama/llama3.1", "OLLAMA_BASE_URL", server.openAiBaseUrl());
        try (DefaultModelGateway gateway = gateway(env)) {
            assertThat(gateway.stream(simple("hi"), recorder, NEVER).text()).isEqualTo("hi from ollama");
        }
        assertThat(server.lastRequest().path()).isEqualTo("/v1/chat/completions");
        assertThat(server.lastRequest().model()).isEqualTo("llama3.1");
        assertThat(server.lastRequest().header("authorization")).isNull();
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void concurrentCallsDoNotMix(Flavor flavor) throws Exception {
        int calls = 6;
        server.pacing(Duration.ofMillis(10));
        for (int i = 0; i < calls; i++) {
            server.enqueue(Reply.text("a", "b", "c"));
        }
        try (DefaultModelGateway gateway = gateway(flavor.env(server))) {
            List<Thread> threads = new ArrayList<>();
            List<String> answers = new CopyOnWriteArrayList<>();
            for (int i = 0; i < calls; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    Recorder own = new Recorder();
                    ModelResponse response = gateway.stream(simple("hi"), own, NEVER);
                    answers.add(response.text() + "/" + String.join("", own.text));
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(answers).hasSize(calls).containsOnly("abc/abc");
        }
        assertThat(server.requests()).hasSize(calls);
    }

    // ---------------------------------------------------------------- helpers

    /** Text of a content field that is either a string or a list of text blocks. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> parts = new ArrayList<>();
        content.forEach(block -> parts.add(block.path("text").asText()));
        return String.join("", parts);
    }

    private static JsonNode block(JsonNode message, String type) {
        for (JsonNode block : message.path("content")) {
            if (type.equals(block.path("type").asText())) {
                return block;
            }
        }
        throw new AssertionError("no " + type + " block in " + message);
    }
}

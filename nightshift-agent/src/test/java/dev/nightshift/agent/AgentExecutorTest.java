package dev.nightshift.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.agent.model.ModelException;
import dev.nightshift.agent.model.ModelGateway;
import dev.nightshift.agent.model.ModelListener;
import dev.nightshift.agent.model.ModelRef;
import dev.nightshift.agent.model.ModelRequest;
import dev.nightshift.agent.model.ModelResponse;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.agent.model.ToolSpec;
import dev.nightshift.agent.model.Usage;
import dev.nightshift.agent.tools.Tool;
import dev.nightshift.agent.tools.ToolContext;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.model.Question;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionSettings;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.port.Ask;
import dev.nightshift.core.port.EventStore;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.sandbox.Sandbox;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The loop's guards and recovery paths, with a scripted gateway and an in-memory log. */
class AgentExecutorTest {
    private static final ModelRef MODEL = ModelRef.parse("openai-compatible/coder");
    private final List<Event> log = new ArrayList<>();
    private final Deque<Function<ModelRequest, ModelResponse>> script = new ArrayDeque<>();
    private final List<ModelRequest> requests = new ArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile boolean stop;

    private final EventStore store = new EventStore() {
        @Override
        public synchronized List<Event> append(String sessionId, List<NewEvent> events, Instant now) {
            List<Event> out = new ArrayList<>();
            for (NewEvent e : events) {
                Event stored = new Event(sessionId, log.size() + 1, e.type(), e.messageId(), e.data(), now);
                log.add(stored);
                out.add(stored);
            }
            return out;
        }

        @Override
        public synchronized Page<Event> after(String sessionId, long afterSeq, int limit) {
            return Page.fromLookAhead(
                    log.stream()
                            .filter(e -> e.seq() > afterSeq)
                            .limit(limit + 1L)
                            .toList(),
                    limit);
        }

        @Override
        public Page<Event> before(String sessionId, long beforeSeq, int limit) {
            throw new UnsupportedOperationException();
        }
    };

    private final ModelGateway gateway = new ModelGateway() {
        @Override
        public ModelResponse stream(ModelRequest request, ModelListener listener, BooleanSupplier cancel) {
            requests.add(request);
            Function<ModelRequest, ModelResponse> next = script.poll();
            if (next == null) {
                throw new AssertionError("the script ran out");
            }
            ModelResponse response = next.apply(request);
            listener.text(response.text());
            return response;
        }

        @Override
        public ModelRef defaultModel() {
            return MODEL;
        }

        @Override
        public double costUsd(ModelRef model, Usage usage) {
            return usage.outputTokens() / 1000.0;
        }
    };

    private final Tool noop = tool("noop", args -> ToolResult.ok("nothing changed"));
    private final Tool count = tool("count", args -> ToolResult.ok("call " + counter.incrementAndGet()));

    private static Tool tool(String name, Function<JsonNode, ToolResult> body) {
        return new Tool() {
            @Override
            public ToolSpec spec() {
                return new ToolSpec(name, name, "{\"type\":\"object\",\"properties\":{}}");
            }

            @Override
            public boolean readOnly() {
                return true;
            }

            @Override
            public ToolResult run(JsonNode arguments, ToolContext context) {
                return body.apply(arguments);
            }
        };
    }

    private static ModelResponse calls(String tool, long outputTokens) {
        return new ModelResponse(
                MODEL,
                "",
                List.of(new ToolCall("c" + System.nanoTime(), tool, "{}")),
                new Usage(500, 0, outputTokens),
                "tool_calls");
    }

    private static ModelResponse text(String text) {
        return new ModelResponse(MODEL, text, List.of(), new Usage(100, 0, 10), "stop");
    }

    private Turn turn(String model) {
        return turn(model, SessionSettings.DEFAULTS);
    }

    private Turn turn(String model, SessionSettings sessionSettings) {
        Session session = new Session(
                "ses_1",
                "/srv/r",
                "main",
                null,
                null,
                null,
                SessionStatus.ACTIVE,
                "usr_1",
                Source.API,
                sessionSettings,
                null,
                null,
                null,
                0,
                Instant.EPOCH,
                Instant.EPOCH,
                null);
        Message message = new Message(
                "msg_1",
                "ses_1",
                1,
                "usr_1",
                Source.API,
                "do it",
                model,
                null,
                MessageStatus.PROCESSING,
                null,
                null,
                Instant.EPOCH,
                Instant.EPOCH,
                null);
        store.append("ses_1", List.of(new NewEvent("user_message", "msg_1", "{\"content\":\"do it\"}")), Instant.EPOCH);
        return existingTurn(session, message);
    }

    /** What a turn asked, as the server would record it, and whether the turn has ended for now. */
    private final List<Ask> asked = new ArrayList<>();

    private volatile boolean paused;

    /** The turn of the prompt already in the log: a turn going on after an answer. */
    private Turn resumedTurn(SessionSettings sessionSettings) {
        Turn first = turn(null, sessionSettings);
        log.removeLast(); // that prompt's user_message is in the log already
        paused = false;
        return first;
    }

    private Turn existingTurn(Session session, Message message) {
        return new Turn() {
            @Override
            public Session session() {
                return session;
            }

            @Override
            public Message message() {
                return message;
            }

            @Override
            public boolean resumed() {
                return false;
            }

            @Override
            public Event emit(String type, String jsonData) {
                if (paused) {
                    throw new IllegalStateException("the turn waits for an answer; nothing more can be written");
                }
                return store.append("ses_1", List.of(new NewEvent(type, "msg_1", jsonData)), Instant.EPOCH)
                        .getFirst();
            }

            @Override
            public Optional<String> ask(Ask ask) {
                asked.add(ask);
                String id = (ask.kind() == Question.Kind.PLAN ? "pln_" : "qst_") + asked.size();
                emit(
                        ask.kind() == Question.Kind.PLAN
                                ? new EventPayload.Plan(id, ask.callId(), ask.plan(), Instant.EPOCH)
                                : new EventPayload.Question(id, ask.callId(), ask.questions(), Instant.EPOCH));
                paused = true;
                return Optional.of(id);
            }

            @Override
            public boolean stopRequested() {
                return stop;
            }

            @Override
            public void onStop(Runnable action) {}

            @Override
            public Sandbox sandbox() {
                throw new IllegalStateException("no sandbox in this test");
            }
        };
    }

    private AgentExecutor agent(AgentSettings settings) {
        return new AgentExecutor(gateway, store, List.of(noop, count), settings);
    }

    private List<String> types() {
        return log.stream().map(Event::type).toList();
    }

    @Test
    void thePromptsImageIsReadThroughTheTurnForTheModel() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        Turn plain = turn(null);
        log.clear();
        store.append(
                "ses_1",
                List.of(new NewEvent(
                        "user_message",
                        "msg_1",
                        new dev.nightshift.core.event.EventPayload.UserMessage(
                                        "msg_1",
                                        "usr_1",
                                        "web",
                                        "what is this?",
                                        null,
                                        List.of(new dev.nightshift.core.event.EventPayload.AttachmentRef(
                                                "att_1",
                                                "shot.png",
                                                "image/png",
                                                png.length,
                                                ".nightshift/attachments/shot.png")))
                                .toJson())),
                Instant.EPOCH);
        List<String> asked = new ArrayList<>();
        Turn withImage = new Turn() {
            @Override
            public Session session() {
                return plain.session();
            }

            @Override
            public Message message() {
                return plain.message();
            }

            @Override
            public boolean resumed() {
                return false;
            }

            @Override
            public Event emit(String type, String jsonData) {
                return plain.emit(type, jsonData);
            }

            @Override
            public boolean stopRequested() {
                return false;
            }

            @Override
            public void onStop(Runnable action) {}

            @Override
            public Sandbox sandbox() {
                throw new IllegalStateException("no sandbox in this test");
            }

            @Override
            public java.util.Optional<byte[]> attachment(String attachmentId) {
                asked.add(attachmentId);
                return java.util.Optional.of(png);
            }
        };
        script.add(r -> text("a tiny image"));
        agent(AgentSettings.DEFAULTS).execute(withImage);
        assertThat(asked).containsExactly("att_1");
        ChatMessage.User user =
                (ChatMessage.User) requests.getFirst().messages().get(1);
        assertThat(user.text()).isEqualTo("what is this?");
        assertThat(user.attachments())
                .singleElement()
                .satisfies(a -> assertThat(a.data()).isEqualTo(png));
    }

    @Test
    void aReadOnlySessionOffersOnlyReadOnlyToolsAndNoSubagents() throws Exception {
        Tool write = new Tool() {
            @Override
            public ToolSpec spec() {
                return new ToolSpec("write", "write", "{\"type\":\"object\",\"properties\":{}}");
            }

            @Override
            public boolean readOnly() {
                return false;
            }

            @Override
            public ToolResult run(JsonNode arguments, ToolContext context) {
                return ToolResult.ok("written");
            }
        };
        script.add(r -> text("looks fine"));
        new AgentExecutor(gateway, store, List.of(noop, write), AgentSettings.DEFAULTS)
                .execute(turn(null, SessionSettings.READ_ONLY));
        assertThat(requests.getFirst().tools()).extracting(ToolSpec::name).containsExactly("noop", "ask_user");
        assertThat(requests.getFirst().messages().getFirst().toString()).contains("read-only");

        script.add(r -> text("changed"));
        new AgentExecutor(gateway, store, List.of(noop, write), AgentSettings.DEFAULTS).execute(turn(null));
        assertThat(requests.get(1).tools()).extracting(ToolSpec::name).contains("noop", "write", "task");
    }

    @Test
    void aTurnGetsItsSessionsToolsBesideItsOwnClosesThemAtItsEndAndAReadOnlyOneOpensNone() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        Tool search = tool(
                "mcp__docs__search",
                args -> ToolResult.ok("found " + args.path("q").asText()));
        Tool shadow = tool("noop", args -> ToolResult.ok("the session's noop"));
        TurnTools turnTools = turn -> {
            opened.incrementAndGet();
            return TurnTools.Opened.of(List.of(search, shadow), closed::incrementAndGet);
        };
        script.add(r -> new ModelResponse(
                MODEL,
                "",
                List.of(new ToolCall("c1", "mcp__docs__search", "{\"q\":\"limits\"}")),
                new Usage(500, 0, 5),
                "tool_calls"));
        script.add(r -> calls("noop", 5));
        script.add(r -> text("done"));
        new AgentExecutor(gateway, store, List.of(noop, count), turnTools, AgentSettings.DEFAULTS).execute(turn(null));
        assertThat(requests.getFirst().tools())
                .extracting(ToolSpec::name)
                .containsExactly("noop", "count", "mcp__docs__search", "ask_user", "task");
        assertThat(log)
                .filteredOn(e -> e.type().equals("tool_result"))
                .extracting(Event::data)
                .anySatisfy(d -> assertThat(d).contains("found limits"))
                .anySatisfy(d -> assertThat(d).contains("nothing changed")) // the agent's own tool keeps its name
                .noneSatisfy(d -> assertThat(d).contains("the session's noop"));
        assertThat(opened).hasValue(1);
        assertThat(closed).hasValue(1);

        script.add(r -> text("looks fine"));
        new AgentExecutor(gateway, store, List.of(noop, count), turnTools, AgentSettings.DEFAULTS)
                .execute(turn(null, SessionSettings.READ_ONLY));
        assertThat(opened)
                .as("a read-only session calls nothing outside its sandbox")
                .hasValue(1);
        assertThat(requests.getLast().tools()).extracting(ToolSpec::name).doesNotContain("mcp__docs__search");
    }

    @Test
    void theSameCallAgainAndAgainIsStoppedAsALoop() {
        for (int i = 0; i < 10; i++) {
            script.add(r -> calls("noop", 5));
        }
        assertThatThrownBy(() -> agent(AgentSettings.DEFAULTS).execute(turn(null)))
                .isInstanceOf(AgentExecutor.TurnEnded.class)
                .hasMessageContaining("stopped a loop")
                .hasMessageContaining("'noop'");
        assertThat(requests).hasSize(StuckDetector.DEFAULT_REPEATS);
    }

    @Test
    void theStepLimitEndsTheTurnSayingSo() {
        for (int i = 0; i < 10; i++) {
            script.add(r -> calls("count", 5));
        }
        assertThatThrownBy(() -> agent(AgentSettings.DEFAULTS.withMaxSteps(3)).execute(turn(null)))
                .hasMessageContaining("after 3 steps");
        assertThat(requests).hasSize(3);
        assertThat(types()).filteredOn("tool_result"::equals).hasSize(3);
    }

    @Test
    void theTokenBudgetEndsTheTurnSayingSo() {
        for (int i = 0; i < 10; i++) {
            script.add(r -> calls("count", 200));
        }
        assertThatThrownBy(() ->
                        agent(AgentSettings.DEFAULTS.withMaxTurnTokens(1000)).execute(turn(null)))
                .hasMessageContaining("per-turn budget is 1000");
        assertThat(requests).hasSize(2); // 700 tokens after one step, 1400 after two
    }

    private static ModelResponse task(String kind) {
        return new ModelResponse(
                MODEL,
                "",
                List.of(new ToolCall(
                        "t" + System.nanoTime(),
                        AgentExecutor.TASK,
                        "{\"kind\":\"" + kind + "\",\"prompt\":\"count for me\"}")),
                new Usage(500, 0, 10),
                "tool_calls");
    }

    private double lastTurnCost() throws Exception {
        Event last = log.stream()
                .filter(e -> e.type().equals("step_finish"))
                .reduce((a, b) -> b)
                .orElseThrow();
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(last.data())
                .path("turnCostUsd")
                .asDouble();
    }

    @Test
    void aSubagentThatSpendsPastTheTurnBudgetEndsTheTurn() throws Exception {
        script.add(r -> task("explorer"));
        for (int i = 0; i < 5; i++) {
            script.add(r -> calls("count", 200)); // $0.20 a step
        }
        script.add(r -> text("counted"));
        script.add(r -> text("the subagent counted"));
        assertThatThrownBy(
                        () -> agent(AgentSettings.DEFAULTS.withBudgets(0.5, 0)).execute(turn(null)))
                .isInstanceOf(AgentExecutor.TurnEnded.class)
                .hasMessageContaining("per-turn budget is $0.5000");
        assertThat(requests).hasSize(1 + 3); // $0.01 for the parent, then $0.21, $0.41, $0.61
        assertThat(lastTurnCost()).isCloseTo(0.61, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(types()).doesNotContain("turn_complete").last().isEqualTo("subagent_tool_result");
    }

    @Test
    void aSubagentThatUsesPastTheTurnsTokensEndsTheTurn() {
        script.add(r -> task("executor"));
        for (int i = 0; i < 5; i++) {
            script.add(r -> calls("count", 200));
        }
        script.add(r -> text("counted"));
        script.add(r -> text("the subagent counted"));
        assertThatThrownBy(() ->
                        agent(AgentSettings.DEFAULTS.withMaxTurnTokens(1000)).execute(turn(null)))
                .isInstanceOf(AgentExecutor.TurnEnded.class)
                .hasMessageContaining("per-turn budget is 1000");
        assertThat(requests).hasSize(2); // 510 tokens for the parent, then 1210 after the subagent's first step
    }

    @Test
    void aSubagentsSpendingCountsTowardsTheSessionBudgetOfLaterTurns() throws Exception {
        script.add(r -> task("explorer"));
        script.add(r -> calls("count", 200));
        script.add(r -> calls("count", 200));
        script.add(r -> text("counted"));
        script.add(r -> text("the subagent counted"));
        agent(AgentSettings.DEFAULTS).execute(turn(null)); // $0.01 + $0.20 + $0.20 + $0.01 + $0.01
        assertThat(lastTurnCost()).isCloseTo(0.43, org.assertj.core.api.Assertions.within(1e-9));
        script.add(r -> calls("count", 100));
        script.add(r -> text("never asked for"));
        assertThatThrownBy(
                        () -> agent(AgentSettings.DEFAULTS.withBudgets(0, 0.5)).execute(turn(null)))
                .hasMessageContaining("stopped at $0.5300 for the session");
    }

    @Test
    void aSubagentStuckInALoopReportsItToTheParentWhichGoesOn() {
        script.add(r -> task("explorer"));
        for (int i = 0; i < StuckDetector.DEFAULT_REPEATS; i++) {
            script.add(r -> calls("noop", 5));
        }
        script.add(r -> {
            assertThat(r.messages().getLast().toString())
                    .contains("explorer subagent ended early", "stopped a loop")
                    .contains("'noop'");
            return text("the subagent got stuck; I stop here");
        });
        assertThatCode(() -> agent(AgentSettings.DEFAULTS).execute(turn(null))).doesNotThrowAnyException();
        assertThat(requests).hasSize(1 + StuckDetector.DEFAULT_REPEATS + 1);
        assertThat(types()).filteredOn("subagent_tool_result"::equals).hasSize(StuckDetector.DEFAULT_REPEATS);
    }

    @Test
    void anOverflowMasksOldOutputsThenCondensesIntoARecordedSummary() throws Exception {
        for (int i = 0; i < 8; i++) {
            script.add(r -> calls("count", 1));
        }
        script.add(r -> {
            throw new ModelException(ModelException.Kind.CONTEXT_OVERFLOW, "too long");
        });
        script.add(r -> {
            assertThat(r.messages().toString()).contains(AgentLoop.MASKED); // masked, still too long
            throw new ModelException(ModelException.Kind.CONTEXT_OVERFLOW, "still too long");
        });
        script.add(r -> {
            assertThat(r.tools()).isEmpty();
            assertThat(((ChatMessage.User) r.messages().getLast()).text()).isEqualTo(AgentLoop.SUMMARY_REQUEST);
            return text("We counted to 8; keep going.");
        });
        script.add(r -> {
            assertThat(r.messages().get(1).toString()).contains("We counted to 8; keep going.");
            return text("Done.");
        });
        agent(AgentSettings.DEFAULTS).execute(turn(null));
        assertThat(types()).contains("context_compacted");
        JsonNode compacted = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(log.stream()
                        .filter(e -> e.type().equals("context_compacted"))
                        .findFirst()
                        .orElseThrow()
                        .data());
        assertThat(compacted.path("summary").asText()).isEqualTo("We counted to 8; keep going.");
        assertThat(compacted.path("throughSeq").asLong()).isPositive();
        assertThat(types().getLast()).isEqualTo("step_finish");
    }

    @Test
    void aFallbackIsRecordedAndAPromptsModelOverrideIsUsed() throws Exception {
        ModelGateway falling = new ModelGateway() {
            @Override
            public ModelResponse stream(ModelRequest request, ModelListener listener, BooleanSupplier cancel) {
                requests.add(request);
                listener.fallback(request.model(), ModelRef.parse("anthropic/backup"), "429 rate limited");
                return new ModelResponse(ModelRef.parse("anthropic/backup"), "ok", List.of(), Usage.NONE, "stop");
            }

            @Override
            public ModelRef defaultModel() {
                return MODEL;
            }

            @Override
            public double costUsd(ModelRef model, Usage usage) {
                return 0;
            }
        };
        new AgentExecutor(falling, store, List.of(), AgentSettings.DEFAULTS).execute(turn("ollama/special"));
        assertThat(requests.getFirst().model()).isEqualTo(ModelRef.parse("ollama/special"));
        assertThat(types()).contains("model_fallback");
    }

    @Test
    void aStopDuringTheModelCallEndsTheTurnQuietly() throws Exception {
        script.add(r -> {
            stop = true;
            throw new ModelException(ModelException.Kind.CANCELLED, "stopped");
        });
        agent(AgentSettings.DEFAULTS).execute(turn(null));
        assertThat(types()).doesNotContain("assistant_message");
    }

    @Test
    void aFailedModelCallEndsTheTurnWithTheProvidersReason() {
        script.add(r -> {
            throw new ModelException(
                    ModelException.Kind.AUTHENTICATION, "401 from the provider: check OPENAI_COMPATIBLE_API_KEY");
        });
        assertThatThrownBy(() -> agent(AgentSettings.DEFAULTS).execute(turn(null)))
                .hasMessageContaining("authentication")
                .hasMessageContaining("OPENAI_COMPATIBLE_API_KEY");
    }

    private static Tool writer(AtomicInteger writes) {
        return new Tool() {
            @Override
            public ToolSpec spec() {
                return new ToolSpec("write", "write", "{\"type\":\"object\",\"properties\":{}}");
            }

            @Override
            public boolean readOnly() {
                return false;
            }

            @Override
            public ToolResult run(JsonNode arguments, ToolContext context) {
                return ToolResult.ok("written " + writes.incrementAndGet());
            }
        };
    }

    private static ModelResponse call(String id, String tool, String arguments) {
        return new ModelResponse(
                MODEL, "", List.of(new ToolCall(id, tool, arguments)), new Usage(100, 0, 10), "tool_calls");
    }

    private JsonNode lastData(String type) throws Exception {
        Event last = log.stream()
                .filter(e -> e.type().equals(type))
                .reduce((a, b) -> b)
                .orElseThrow();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(last.data());
    }

    @Test
    void askingPausesTheTurnWithoutAResultAndTheAnswerBecomesTheCallsResultWhenItGoesOn() throws Exception {
        script.add(r -> new ModelResponse(
                MODEL,
                "I need a decision.",
                List.of(
                        new ToolCall(
                                "ask1",
                                "ask_user",
                                "{\"questions\":[{\"question\":\"Which database?\",\"options\":[\"PostgreSQL\",\"SQLite\"]},"
                                        + "{\"question\":\"Anything else?\"}]}"),
                        new ToolCall("c2", "count", "{}")),
                new Usage(100, 0, 10),
                "tool_calls"));
        agent(AgentSettings.DEFAULTS).execute(turn(null));

        assertThat(requests).hasSize(1);
        assertThat(asked).singleElement().satisfies(a -> {
            assertThat(a.callId()).isEqualTo("ask1");
            assertThat(a.questions())
                    .extracting(EventPayload.QuestionItem::question)
                    .containsExactly("Which database?", "Anything else?");
            assertThat(a.questions().getFirst().options()).containsExactly("PostgreSQL", "SQLite");
            assertThat(a.questions().get(1).options()).isEmpty();
        });
        assertThat(types()).endsWith("tool_call", "question").doesNotContain("tool_result");
        assertThat(counter).hasValue(0); // the call after the question never ran

        store.append(
                "ses_1",
                List.of(NewEvent.of(
                        "msg_1",
                        new EventPayload.Answer("qst_1", "ask1", List.of("PostgreSQL", "no"), "usr_2", "cli", false))),
                Instant.EPOCH);
        script.add(r -> {
            assertThat(r.messages().toString())
                    .contains("Which database?\n   → PostgreSQL")
                    .contains("Anything else?\n   → no")
                    .contains(Conversation.NOT_RUN);
            return text("PostgreSQL it is.");
        });
        agent(AgentSettings.DEFAULTS).execute(resumedTurn(SessionSettings.DEFAULTS));

        assertThat(requests).hasSize(2);
        JsonNode result = log.stream()
                .filter(e -> e.type().equals("tool_result"))
                .map(e -> {
                    try {
                        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.data());
                    } catch (Exception x) {
                        throw new AssertionError(x);
                    }
                })
                .filter(d -> d.path("callId").asText().equals("ask1"))
                .findFirst()
                .orElseThrow();
        assertThat(result.path("error").asBoolean()).isFalse();
        assertThat(result.path("content").asText()).startsWith("They answered:");
        assertThat(lastData("tool_result").path("content").asText()).isEqualTo(Conversation.NOT_RUN);
    }

    @Test
    void aQuestionThatTimedOutTellsTheModelToGoOnAlone() throws Exception {
        script.add(r -> call("ask1", "ask_user", "{\"questions\":[{\"question\":\"Deploy on Friday?\"}]}"));
        agent(AgentSettings.DEFAULTS).execute(turn(null));
        store.append(
                "ses_1",
                List.of(NewEvent.of("msg_1", new EventPayload.Answer("qst_1", "ask1", null, null, null, true))),
                Instant.EPOCH);
        script.add(r -> {
            assertThat(r.messages().getLast().toString()).contains("No one answered in the time allowed");
            return text("I assumed not.");
        });
        agent(AgentSettings.DEFAULTS).execute(resumedTurn(SessionSettings.DEFAULTS));
        assertThat(requests).hasSize(2);
    }

    @Test
    void badQuestionsAreRefusedWithoutPausing() throws Exception {
        script.add(r -> call("a1", "ask_user", "{\"questions\":[]}"));
        script.add(r -> {
            assertThat(r.messages().getLast().toString()).contains("ask 1 to 4 questions");
            return call("a2", "ask_user", "{\"questions\":[{\"question\":\"Which?\",\"options\":[\"only\"]}]}");
        });
        script.add(r -> {
            assertThat(r.messages().getLast().toString()).contains("give 2 to 6");
            return text("fine, I decide");
        });
        agent(AgentSettings.DEFAULTS).execute(turn(null));
        assertThat(asked).isEmpty();
        assertThat(paused).isFalse();
    }

    @Test
    void aPlanFirstSessionRefusesWritesAndExecutorsUntilItsPlanIsApproved() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        SessionSettings planFirst = SessionSettings.DEFAULTS.withPlanFirst(true);
        script.add(r -> {
            assertThat(r.tools()).extracting(ToolSpec::name).contains("write", "propose_plan", "ask_user", "task");
            assertThat(r.messages().getFirst().toString()).contains("This session plans first");
            return call("w1", "write", "{}");
        });
        script.add(r -> {
            assertThat(r.messages().getLast().toString())
                    .contains(
                            "write is refused: nothing may change in this session before a member approves your plan");
            return call("t1", AgentExecutor.TASK, "{\"kind\":\"executor\",\"prompt\":\"write it\"}");
        });
        script.add(r -> {
            assertThat(r.messages().getLast().toString()).contains("an executor subagent is refused");
            return call("p1", "propose_plan", "{\"plan\":\"1. Write the file\\n2. Test it\"}");
        });
        new AgentExecutor(gateway, store, List.of(noop, writer(writes)), AgentSettings.DEFAULTS)
                .execute(turn(null, planFirst));
        assertThat(writes).hasValue(0);
        assertThat(asked).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Question.Kind.PLAN);
            assertThat(a.plan()).isEqualTo("1. Write the file\n2. Test it");
            assertThat(a.callId()).isEqualTo("p1");
        });
        JsonNode refused = log.stream()
                .filter(e -> e.type().equals("tool_result") && e.data().contains("\"w1\""))
                .map(e -> {
                    try {
                        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.data());
                    } catch (Exception x) {
                        throw new AssertionError(x);
                    }
                })
                .findFirst()
                .orElseThrow();
        assertThat(refused.path("error").asBoolean()).isTrue();

        // changes asked for: still locked
        store.append(
                "ses_1",
                List.of(NewEvent.of(
                        "msg_1",
                        new EventPayload.PlanReview(
                                "pln_1", "p1", "changes_requested", null, null, "test first", "usr_2", "web"))),
                Instant.EPOCH);
        script.add(r -> {
            assertThat(r.messages().getLast().toString())
                    .contains("asks for changes")
                    .contains("test first");
            return call("w2", "write", "{}");
        });
        script.add(r -> call("p2", "propose_plan", "{\"plan\":\"1. Test\\n2. Write\"}"));
        new AgentExecutor(gateway, store, List.of(noop, writer(writes)), AgentSettings.DEFAULTS)
                .execute(resumedTurn(planFirst));
        assertThat(writes).hasValue(0);

        // approved, with edits: the write goes through and propose_plan is no longer offered
        store.append(
                "ses_1",
                List.of(NewEvent.of(
                        "msg_1",
                        new EventPayload.PlanReview(
                                "pln_2", "p2", "approved", "1. Test\n2. Write\n3. Ship", true, null, "usr_2", "web"))),
                Instant.EPOCH);
        script.add(r -> {
            assertThat(r.messages().getLast().toString())
                    .contains("approved, with edits")
                    .contains("3. Ship");
            assertThat(r.tools()).extracting(ToolSpec::name).doesNotContain("propose_plan");
            assertThat(r.messages().getFirst().toString()).doesNotContain("This session plans first");
            return call("w3", "write", "{}");
        });
        script.add(r -> {
            assertThat(r.messages().getLast().toString()).contains("written 1");
            return text("done");
        });
        new AgentExecutor(gateway, store, List.of(noop, writer(writes)), AgentSettings.DEFAULTS)
                .execute(resumedTurn(planFirst));
        assertThat(writes).hasValue(1);
    }

    @Test
    void aSessionThatDoesNotPlanFirstIsNotOfferedAPlan() throws Exception {
        script.add(r -> {
            assertThat(r.tools())
                    .extracting(ToolSpec::name)
                    .contains("ask_user")
                    .doesNotContain("propose_plan");
            return text("ok");
        });
        agent(AgentSettings.DEFAULTS).execute(turn(null));
    }
}

package dev.nightshift.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.agent.model.ModelGateway;
import dev.nightshift.agent.model.ModelListener;
import dev.nightshift.agent.model.ModelRef;
import dev.nightshift.agent.model.ModelRequest;
import dev.nightshift.agent.model.ModelResponse;
import dev.nightshift.agent.model.Usage;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionSettings;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.port.EventStore;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.sandbox.Sandbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A fork's model sees its parent's conversation up to the fork point and then its own, read from
 * the parent's log without copying it; what it spends is its own.
 */
class ForkedConversationTest {
    private static final ModelRef MODEL = ModelRef.parse("openai-compatible/coder");
    private final Map<String, List<Event>> logs = new HashMap<>();
    private final List<ModelRequest> requests = new ArrayList<>();

    private final EventStore store = new EventStore() {
        @Override
        public synchronized List<Event> append(String sessionId, List<NewEvent> events, Instant now) {
            List<Event> log = logs.computeIfAbsent(sessionId, id -> new ArrayList<>());
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
                    logs.getOrDefault(sessionId, List.of()).stream()
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
            return new ModelResponse(MODEL, "done", List.of(), new Usage(100, 0, 10), "stop");
        }

        @Override
        public ModelRef defaultModel() {
            return MODEL;
        }

        @Override
        public double costUsd(ModelRef model, Usage usage) {
            return 0.5;
        }
    };

    private void append(String session, EventPayload payload) {
        store.append(session, List.of(NewEvent.of("msg", payload)), Instant.EPOCH);
    }

    /** A finished turn: the prompt, an answer that cost {@code cost}, its end. Returns the end's seq. */
    private long turn(String session, String prompt, String answer, double cost) {
        append(session, new EventPayload.UserMessage("m", "usr_1", "api", prompt, null));
        append(session, new EventPayload.AssistantMessage(1, MODEL.toString(), answer, List.of(), "stop", null, cost));
        append(session, new EventPayload.StepFinish(1, null, cost, cost, cost, null, null));
        append(session, new EventPayload.TurnComplete("completed", null, null));
        return logs.get(session).size();
    }

    private void fork(String child, String parent, long atSeq) {
        append(child, new EventPayload.ForkedFrom(parent, atSeq, "the parent", "commit", null));
    }

    private Turn prompt(String session, String content) {
        append(session, new EventPayload.UserMessage("m", "usr_1", "api", content, null));
        Session s = new Session(
                session,
                "/srv/r",
                "main",
                null,
                null,
                null,
                SessionStatus.ACTIVE,
                "usr_1",
                Source.API,
                SessionSettings.DEFAULTS,
                "ses_parent",
                null,
                null,
                0,
                Instant.EPOCH,
                Instant.EPOCH,
                null,
                1L);
        Message m = new Message(
                "m",
                session,
                1,
                "usr_1",
                Source.API,
                content,
                null,
                null,
                MessageStatus.PROCESSING,
                null,
                null,
                Instant.EPOCH,
                Instant.EPOCH,
                null);
        return new Turn() {
            @Override
            public Session session() {
                return s;
            }

            @Override
            public Message message() {
                return m;
            }

            @Override
            public boolean resumed() {
                return false;
            }

            @Override
            public Event emit(String type, String jsonData) {
                return store.append(session, List.of(new NewEvent(type, "m", jsonData)), Instant.EPOCH)
                        .getFirst();
            }

            @Override
            public boolean stopRequested() {
                return false;
            }

            @Override
            public void onStop(Runnable action) {}

            @Override
            public Sandbox sandbox() {
                throw new IllegalStateException("no sandbox here");
            }
        };
    }

    private AgentExecutor agent(AgentSettings settings) {
        return new AgentExecutor(gateway, store, List.of(), settings);
    }

    @Test
    void aForkAtAnEarlierTurnSeesTheParentsEarlierMessagesButNotTheLaterOnes() throws Exception {
        long first = turn("ses_parent", "write the parser", "parser written", 0.1);
        turn("ses_parent", "now the printer", "printer written", 0.1);
        fork("ses_fork", "ses_parent", first);
        List<Event> parentBefore = List.copyOf(logs.get("ses_parent"));

        agent(AgentSettings.DEFAULTS).execute(prompt("ses_fork", "try a different printer"));

        String sent = requests.getLast().messages().toString();
        assertThat(sent)
                .contains("write the parser", "parser written", "try a different printer")
                .doesNotContain("now the printer")
                .doesNotContain("printer written");
        assertThat(sent.indexOf("write the parser")).isLessThan(sent.indexOf("try a different printer"));
        assertThat(logs.get("ses_parent")).isEqualTo(parentBefore); // read, never written
        assertThat(logs.get("ses_fork").getFirst().type()).isEqualTo("forked_from");
    }

    @Test
    void aForkOfAForkInheritsBothConversationsInOrder() throws Exception {
        long first = turn("ses_root", "one", "answer one", 0.1);
        turn("ses_root", "root later", "root later answer", 0.1);
        fork("ses_mid", "ses_root", first);
        long mid = turn("ses_mid", "two", "answer two", 0.1);
        turn("ses_mid", "mid later", "mid later answer", 0.1);
        fork("ses_leaf", "ses_mid", mid);

        agent(AgentSettings.DEFAULTS).execute(prompt("ses_leaf", "third prompt"));

        String sent = requests.getLast().messages().toString();
        assertThat(sent).contains("one", "answer one", "two", "answer two", "third prompt");
        assertThat(sent).doesNotContain("root later", "mid later");
        assertThat(sent.indexOf("answer one")).isLessThan(sent.indexOf("answer two"));
        assertThat(sent.indexOf("answer two")).isLessThan(sent.indexOf("third prompt"));
    }

    @Test
    void theParentsSpendingIsNotTheForks() throws Exception {
        // the parent spent $2 of a $1.5 session budget; the fork's own first step ($0.5) is within it
        long first = turn("ses_parent", "expensive", "done", 2.0);
        fork("ses_fork", "ses_parent", first);
        AgentSettings budget = AgentSettings.DEFAULTS.withBudgets(0, 1.5);
        agent(budget).execute(prompt("ses_fork", "cheap"));
        assertThat(logs.get("ses_fork"))
                .filteredOn(e -> e.type().equals("step_finish"))
                .singleElement()
                .satisfies(e -> assertThat(e.data()).contains("\"sessionCostUsd\":0.5"));
    }
}

package dev.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.Ids;
import dev.nightshift.core.Secrets;
import dev.nightshift.core.automation.Automation;
import dev.nightshift.core.automation.AutomationRun;
import dev.nightshift.core.automation.AutomationTrigger;
import dev.nightshift.core.model.Attachment;
import dev.nightshift.core.model.ChannelDefault;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.core.model.NewAttachment;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.model.NewMessage;
import dev.nightshift.core.model.NewQuestion;
import dev.nightshift.core.model.NewSession;
import dev.nightshift.core.model.Question;
import dev.nightshift.core.model.Role;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionSettings;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.model.TokenKind;
import dev.nightshift.core.model.User;
import dev.nightshift.core.port.AutomationStore;
import dev.nightshift.core.port.EnqueueResult;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.QuestionStore;
import dev.nightshift.core.port.SessionQuery;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.StoreException;
import dev.nightshift.core.port.TriggerStore;
import dev.nightshift.core.secret.Delivery;
import dev.nightshift.core.secret.StoredSecret;
import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.Origin;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.core.trigger.TriggerStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The same contract for every database: subclasses only say how to open one. */
abstract class StoreContractTest {
    protected Store store;
    protected User alice;
    private final Instant now = Instant.parse("2026-11-01T10:00:00Z");

    protected abstract StoreConfig config();

    @BeforeEach
    void openStore() {
        store = JdbcStore.open(config());
        alice = store.users().create("alice", "Alice", "alice@example.com", false);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private Session newSession(User creator, String repository) {
        return store.sessions()
                .create(
                        new NewSession(
                                Ids.newId("ses"),
                                repository,
                                "main",
                                null,
                                "t",
                                creator.id(),
                                Source.API,
                                SessionSettings.DEFAULTS,
                                null),
                        now);
    }

    private NewMessage prompt(Session s, String crid) {
        return new NewMessage(Ids.newId("msg"), s.id(), alice.id(), Source.API, "do it", null, crid);
    }

    @Test
    void usersHaveUniqueLogins() {
        assertThat(store.users().byLogin("alice")).contains(alice);
        assertThatThrownBy(() -> store.users().create("alice", null, null, false))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("alice");
        assertThat(store.users().list()).extracting(User::login).containsExactly("alice");
    }

    @Test
    void aNewSessionHasItsCreatorAsOwnerAndIsListedForThem() {
        User bob = store.users().create("bob", null, null, false);
        Session s = newSession(alice, "/repo/a");
        newSession(bob, "/repo/b");
        assertThat(s.status()).isEqualTo(SessionStatus.CREATED);
        assertThat(s.lastSeq()).isZero();
        assertThat(store.sessions().role(s.id(), alice.id())).contains(Role.OWNER);
        assertThat(store.sessions().role(s.id(), bob.id())).isEmpty();

        Page<Session> visible = store.sessions().list(new SessionQuery(alice.id(), null, null, null, 0, 50));
        assertThat(visible.items()).extracting(Session::id).containsExactly(s.id());

        store.sessions().upsertParticipant(s.id(), bob.id(), Role.VIEWER, now);
        store.sessions().upsertParticipant(s.id(), bob.id(), Role.MEMBER, now);
        assertThat(store.sessions().role(s.id(), bob.id())).contains(Role.MEMBER);
        assertThat(store.sessions()
                        .list(new SessionQuery(bob.id(), null, null, null, 0, 50))
                        .items())
                .hasSize(2);
        assertThat(store.sessions()
                        .list(new SessionQuery(bob.id(), bob.id(), null, null, 0, 50))
                        .items())
                .hasSize(1);
        assertThat(store.sessions()
                        .list(new SessionQuery(null, null, null, "/repo/b", 0, 50))
                        .items())
                .hasSize(1);
        assertThat(store.sessions().participants(s.id()))
                .extracting(p -> p.login())
                .containsExactly("alice", "bob");
        assertThat(store.sessions().removeParticipant(s.id(), bob.id())).isTrue();
        assertThat(store.sessions().role(s.id(), bob.id())).isEmpty();
    }

    @Test
    void sessionListPagesWithAnExactHasMore() {
        for (int i = 0; i < 5; i++) {
            newSession(alice, "/r");
        }
        SessionQuery all = new SessionQuery(null, null, null, null, 0, 5);
        assertThat(store.sessions().list(all).hasMore()).isFalse();
        Page<Session> first = store.sessions().list(new SessionQuery(null, null, null, null, 0, 3));
        Page<Session> second = store.sessions().list(new SessionQuery(null, null, null, null, 3, 3));
        assertThat(first.items()).hasSize(3);
        assertThat(first.hasMore()).isTrue();
        assertThat(second.items()).hasSize(2);
        assertThat(second.hasMore()).isFalse();
    }

    @Test
    void archivedSessionsKeepTheirStatus() {
        Session s = newSession(alice, "/r");
        assertThat(store.sessions().updateStatus(s.id(), SessionStatus.ACTIVE, now))
                .isTrue();
        assertThat(store.sessions().archive(s.id(), now)).isTrue();
        assertThat(store.sessions().archive(s.id(), now)).isFalse();
        assertThat(store.sessions().updateStatus(s.id(), SessionStatus.ACTIVE, now))
                .isFalse();
        assertThat(store.sessions()
                        .list(new SessionQuery(null, null, SessionStatus.ARCHIVED, null, 0, 10))
                        .items())
                .hasSize(1);
    }

    @Test
    void aSessionRemembersItsSandbox() {
        Session s = newSession(alice, "/r");
        newSession(alice, "/r");
        store.sessions().updateSandbox(s.id(), "sbx_1", "ready", "node-a", now);
        Session read = store.sessions().get(s.id()).orElseThrow();
        assertThat(read.sandboxRef()).isEqualTo("sbx_1");
        assertThat(read.sandboxStatus()).isEqualTo("ready");
        assertThat(store.sessions().withSandboxStatus("node-a", List.of("ready", "restoring")))
                .extracting(Session::id)
                .containsExactly(s.id());
        store.sessions().updateSandbox(s.id(), null, "hibernated", "node-a", now);
        assertThat(store.sessions().withSandboxStatus("node-a", List.of("ready")))
                .isEmpty();
        assertThat(store.sessions().get(s.id()).orElseThrow().sandboxRef()).isNull();
    }

    @Test
    void aNodeReconcilesOnlyTheSandboxesItOwns() {
        Session onA = newSession(alice, "/r");
        Session onB = newSession(alice, "/r");
        Session unowned = newSession(alice, "/r");
        store.sessions().updateSandbox(onA.id(), "sbx_a", "ready", "node-a", now);
        store.sessions().updateSandbox(onB.id(), "sbx_b", "ready", "node-b", now);
        store.sessions().updateSandbox(unowned.id(), "sbx_old", "ready", null, now); // recorded before owners were kept

        assertThat(store.sessions().withSandboxStatus("node-b", List.of("ready")))
                .extracting(Session::id)
                .containsExactlyInAnyOrder(onB.id(), unowned.id());
        assertThat(store.sessions().recoverSandbox(onA.id(), "node-b", "ready", null, now))
                .isFalse();
        assertThat(store.sessions().get(onA.id()).orElseThrow())
                .extracting(Session::sandboxRef, Session::sandboxStatus)
                .containsExactly("sbx_a", "ready");

        assertThat(store.sessions().recoverSandbox(onB.id(), "node-b", "ready", "hibernated", now))
                .isTrue();
        assertThat(store.sessions().get(onB.id()).orElseThrow())
                .extracting(Session::sandboxRef, Session::sandboxStatus)
                .containsExactly(null, "hibernated");
        assertThat(store.sessions().recoverSandbox(unowned.id(), "node-b", "ready", null, now))
                .isTrue();
        assertThat(store.sessions().get(unowned.id()).orElseThrow().sandboxStatus())
                .isNull();

        // taken over by node A since node B listed it: node B's recovery must not undo that
        store.sessions().updateSandbox(onB.id(), "sbx_a2", "provisioning", "node-a", now);
        assertThat(store.sessions().recoverSandbox(onB.id(), "node-b", "hibernated", null, now))
                .isFalse();
        assertThat(store.sessions().get(onB.id()).orElseThrow().sandboxStatus()).isEqualTo("provisioning");
        assertThat(store.sessions().withSandboxStatus("node-b", List.of("ready", "provisioning", "hibernated")))
                .isEmpty();
    }

    @Test
    void eventsGetConsecutiveSequenceNumbersAndPageBothWays() {
        Session s = newSession(alice, "/r");
        for (int i = 0; i < 10; i++) {
            store.events().append(s.id(), new NewEvent("token", null, "{\"i\":" + i + "}"), now);
        }
        List<Event> batch = store.events()
                .append(s.id(), List.of(new NewEvent("a", "m1", null), new NewEvent("b", "m1", "{\"x\":1}")), now);
        assertThat(batch).extracting(Event::seq).containsExactly(11L, 12L);
        assertThat(batch.get(0).data()).isEqualTo("{}");
        assertThat(store.sessions().get(s.id()).orElseThrow().lastSeq()).isEqualTo(12);

        Page<Event> after = store.events().after(s.id(), 5, 4);
        assertThat(after.items()).extracting(Event::seq).containsExactly(6L, 7L, 8L, 9L);
        assertThat(after.hasMore()).isTrue();
        assertThat(store.events().after(s.id(), 8, 4).hasMore()).isFalse();

        Page<Event> latest = store.events().latest(s.id(), 12);
        assertThat(latest.items())
                .extracting(Event::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 12).boxed().toList());
        assertThat(latest.hasMore()).isFalse();
        Page<Event> older = store.events().before(s.id(), 5, 3);
        assertThat(older.items()).extracting(Event::seq).containsExactly(2L, 3L, 4L);
        assertThat(older.hasMore()).isTrue();
        assertThat(store.events().before(s.id(), 4, 3).hasMore()).isFalse();
        assertThat(older.items().get(0).data()).isEqualTo("{\"i\":1}");
    }

    @Test
    void hasMoreIsExactAtFiveHundredEvents() {
        Session s = newSession(alice, "/r");
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            events.add(new NewEvent("token", null, null));
        }
        store.events().append(s.id(), events, now);
        assertThat(store.events().latest(s.id(), 500).hasMore()).isFalse();
        store.events().append(s.id(), new NewEvent("token", null, null), now);
        Page<Event> page = store.events().latest(s.id(), 500);
        assertThat(page.hasMore()).isTrue();
        assertThat(page.items().getFirst().seq()).isEqualTo(2);
        assertThat(page.items().getLast().seq()).isEqualTo(501);
    }

    @Test
    void appendingToAnUnknownSessionFailsAndWritesNothing() {
        assertThatThrownBy(() -> store.events().append("ses_missing", new NewEvent("x", null, null), now))
                .isInstanceOf(StoreException.class);
        assertThat(store.events().latest("ses_missing", 10).items()).isEmpty();
    }

    @Test
    void concurrentAppendersNeverLeaveAGapOrADuplicate() throws Exception {
        Session s = newSession(alice, "/r");
        int threads = 8;
        int perThread = 100;
        List<Callable<Void>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int batchSize = t % 2 == 0 ? 1 : 3;
            work.add(() -> {
                for (int i = 0; i < perThread; i += batchSize) {
                    List<NewEvent> batch = new ArrayList<>();
                    for (int b = 0; b < batchSize && i + b < perThread; b++) {
                        batch.add(new NewEvent("token", null, null));
                    }
                    store.events().append(s.id(), batch, now);
                }
                return null;
            });
        }
        runAll(work);
        List<Long> seqs = new ArrayList<>();
        long after = 0;
        Page<Event> page;
        do {
            page = store.events().after(s.id(), after, 500);
            page.items().forEach(e -> seqs.add(e.seq()));
            after = page.items().isEmpty() ? after : page.items().getLast().seq();
        } while (page.hasMore());
        assertThat(seqs)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, threads * perThread).boxed().toList());
    }

    @Test
    void promptsQueueInOrderWithAnIdempotentClientRequestId() {
        Session s = newSession(alice, "/r");
        EnqueueResult.Accepted first = accepted(store.messages().enqueue(prompt(s, "req-1"), 10, now));
        EnqueueResult.Accepted second = accepted(store.messages().enqueue(prompt(s, "req-2"), 10, now));
        EnqueueResult.Accepted retry = accepted(store.messages().enqueue(prompt(s, "req-1"), 10, now));
        assertThat(first.created()).isTrue();
        assertThat(first.position()).isEqualTo(1);
        assertThat(second.position()).isEqualTo(2);
        assertThat(retry.created()).isFalse();
        assertThat(retry.message().id()).isEqualTo(first.message().id());
        assertThat(retry.position()).isEqualTo(1);
        assertThat(store.messages().unfinished(s.id()))
                .extracting(Message::id)
                .containsExactly(first.message().id(), second.message().id());
        assertThat(store.messages().enqueue(prompt(s, null), 10, now)).isInstanceOf(EnqueueResult.Accepted.class);
        assertThat(store.messages().enqueue(prompt(s, null), 10, now)).isInstanceOf(EnqueueResult.Accepted.class);
        assertThat(store.messages()
                        .enqueue(
                                new NewMessage("msg_x", "ses_missing", alice.id(), Source.API, "x", null, null),
                                10,
                                now))
                .isInstanceOf(EnqueueResult.UnknownSession.class);
    }

    @Test
    void attachmentsAreQueuedWithTheirPromptOnceAndNamedUniquelyWithinTheSession() {
        Session s = newSession(alice, "/r");
        Session other = newSession(alice, "/r2");
        String hash = "ab".repeat(32);
        List<NewAttachment> files = List.of(
                new NewAttachment(Ids.newId("att"), "shot.png", "image/png", 120, hash),
                new NewAttachment(Ids.newId("att"), "notes.md", "text/plain", 7, hash));
        Message first = accepted(store.messages()
                        .enqueue(
                                new NewMessage(
                                        Ids.newId("msg"), s.id(), alice.id(), Source.WEB, "look", null, "r1", files),
                                10,
                                now))
                .message();
        assertThat(store.attachments().forMessage(first.id()))
                .extracting(Attachment::name, Attachment::mediaType, Attachment::size, Attachment::sessionId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("shot.png", "image/png", 120L, s.id()),
                        org.assertj.core.groups.Tuple.tuple("notes.md", "text/plain", 7L, s.id()));
        Attachment shot = store.attachments().forMessage(first.id()).getFirst();
        assertThat(store.attachments().get(shot.id())).contains(shot);
        assertThat(shot.path()).isEqualTo(".nightshift/attachments/shot.png");

        // a retried send stores nothing twice
        EnqueueResult.Accepted retry = accepted(store.messages()
                .enqueue(
                        new NewMessage(
                                Ids.newId("msg"),
                                s.id(),
                                alice.id(),
                                Source.WEB,
                                "look",
                                null,
                                "r1",
                                List.of(new NewAttachment(Ids.newId("att"), "shot.png", "image/png", 120, hash))),
                        10,
                        now));
        assertThat(retry.created()).isFalse();
        assertThat(store.attachments().forMessage(first.id())).hasSize(2);

        // a later prompt's file of the same name gets its own name, as does one of the same prompt
        Message second = accepted(store.messages()
                        .enqueue(
                                new NewMessage(
                                        Ids.newId("msg"),
                                        s.id(),
                                        alice.id(),
                                        Source.WEB,
                                        "and this",
                                        null,
                                        null,
                                        List.of(
                                                new NewAttachment(Ids.newId("att"), "shot.png", "image/png", 9, hash),
                                                new NewAttachment(Ids.newId("att"), "shot.png", "image/png", 9, hash))),
                                10,
                                now))
                .message();
        assertThat(store.attachments().forMessage(second.id()))
                .extracting(Attachment::name)
                .containsExactly("shot-2.png", "shot-3.png");
        // another session's names are its own
        Message elsewhere = accepted(store.messages()
                        .enqueue(
                                new NewMessage(
                                        Ids.newId("msg"),
                                        other.id(),
                                        alice.id(),
                                        Source.WEB,
                                        "x",
                                        null,
                                        null,
                                        List.of(new NewAttachment(Ids.newId("att"), "shot.png", "image/png", 9, hash))),
                                10,
                                now))
                .message();
        assertThat(store.attachments().forMessage(elsewhere.id()))
                .extracting(Attachment::name)
                .containsExactly("shot.png");
        assertThat(store.attachments().get("att_missing")).isEmpty();
    }

    @Test
    void aRefusedPromptKeepsNoAttachment() {
        Session s = newSession(alice, "/r");
        String id = Ids.newId("att");
        assertThat(store.messages()
                        .enqueue(
                                new NewMessage(
                                        Ids.newId("msg"),
                                        s.id(),
                                        alice.id(),
                                        Source.WEB,
                                        "full",
                                        null,
                                        null,
                                        List.of(new NewAttachment(id, "a.txt", "text/plain", 1, "cd".repeat(32)))),
                                0,
                                now))
                .isInstanceOf(EnqueueResult.QueueFull.class);
        assertThat(store.attachments().get(id)).isEmpty();
    }

    @Test
    void theEleventhUnfinishedPromptIsRefusedEvenUnderConcurrency() throws Exception {
        Session s = newSession(alice, "/r");
        List<Callable<EnqueueResult>> work = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            work.add(() -> store.messages().enqueue(prompt(s, null), 10, now));
        }
        List<EnqueueResult> results = runAll(work);
        assertThat(results).filteredOn(r -> r instanceof EnqueueResult.Accepted).hasSize(10);
        assertThat(results)
                .filteredOn(r -> r instanceof EnqueueResult.QueueFull)
                .hasSize(6);
        assertThat(store.messages().unfinished(s.id())).hasSize(10);
        List<Long> order = store.messages().unfinished(s.id()).stream()
                .map(Message::queueSeq)
                .toList();
        assertThat(order).isSorted();
    }

    @Test
    void onlyOnePromptProcessesPerSessionEvenWhenNodesRace() throws Exception {
        Session s = newSession(alice, "/r");
        for (int i = 0; i < 3; i++) {
            store.messages().enqueue(prompt(s, null), 10, now);
        }
        List<Callable<Optional<Message>>> claimers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String node = "node-" + i;
            claimers.add(() -> store.messages().claimNext(s.id(), node, now.plusSeconds(30), now));
        }
        List<Optional<Message>> claims = runAll(claimers);
        assertThat(claims).filteredOn(Optional::isPresent).hasSize(1);
        Message running = claims.stream().flatMap(Optional::stream).findFirst().orElseThrow();
        assertThat(running.status()).isEqualTo(MessageStatus.PROCESSING);
        assertThat(running.queueSeq())
                .isEqualTo(store.messages().unfinished(s.id()).getFirst().queueSeq());
        assertThat(store.messages().claimNext(s.id(), "other", now.plusSeconds(30), now))
                .isEmpty();

        assertThat(store.messages().finish(running.id(), MessageStatus.COMPLETED, null, now))
                .isTrue();
        assertThat(store.messages().finish(running.id(), MessageStatus.FAILED, "late", now))
                .isFalse();
        assertThat(store.messages().get(running.id()).orElseThrow().status()).isEqualTo(MessageStatus.COMPLETED);
        assertThat(store.messages().claimNext(s.id(), "n", now.plusSeconds(30), now))
                .isPresent();
    }

    @Test
    void theDatabaseItselfRefusesASecondProcessingPrompt() throws Exception {
        Session s = newSession(alice, "/r");
        Message a = accepted(store.messages().enqueue(prompt(s, null), 10, now)).message();
        Message b = accepted(store.messages().enqueue(prompt(s, null), 10, now)).message();
        try (Connection c = DriverManager.getConnection(config().jdbcUrl(), config().user(), config().password())) {
            setProcessing(c, a.id());
            assertThatThrownBy(() -> setProcessing(c, b.id())).isInstanceOf(SQLException.class);
        }
        assertThat(store.messages().get(b.id()).orElseThrow().status()).isEqualTo(MessageStatus.PENDING);
    }

    private static void setProcessing(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE messages SET status = 'processing' WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    @Test
    void onlyPendingPromptsCanBeCancelled() {
        Session s = newSession(alice, "/r");
        Message a = accepted(store.messages().enqueue(prompt(s, null), 10, now)).message();
        Message b = accepted(store.messages().enqueue(prompt(s, null), 10, now)).message();
        store.messages().claimNext(s.id(), "n", now.plusSeconds(30), now);
        assertThat(store.messages().cancel(s.id(), a.id(), now)).isFalse();
        assertThat(store.messages().cancel("ses_other", b.id(), now)).isFalse();
        assertThat(store.messages().cancel(s.id(), b.id(), now)).isTrue();
        assertThat(store.messages().get(b.id()).orElseThrow().status()).isEqualTo(MessageStatus.CANCELLED);
        assertThat(store.messages().unfinished(s.id())).extracting(Message::id).containsExactly(a.id());
    }

    @Test
    void aDeadNodesPromptIsTakenOverOnceItsLeaseExpires() {
        Session s = newSession(alice, "/r");
        Message a = accepted(store.messages().enqueue(prompt(s, null), 10, now)).message();
        store.messages().claimNext(s.id(), "dead", now.plusSeconds(30), now);
        assertThat(store.messages().expiredLeases(now.plusSeconds(10))).isEmpty();
        assertThat(store.messages().renewLeases("dead", now.plusSeconds(60))).isEqualTo(1);
        assertThat(store.messages().expiredLeases(now.plusSeconds(45))).isEmpty();
        List<Message> orphans = store.messages().expiredLeases(now.plusSeconds(61));
        assertThat(orphans).extracting(Message::id).containsExactly(a.id());
        assertThat(store.messages().takeOver(a.id(), "dead", "alive", now.plusSeconds(120)))
                .isTrue();
        assertThat(store.messages().takeOver(a.id(), "dead", "racer", now.plusSeconds(120)))
                .isFalse();
        assertThat(store.messages().get(a.id()).orElseThrow().claimedBy()).isEqualTo("alive");
    }

    @Test
    void forksAndChildSessionsNameTheirParentAndAreListedUnderIt() {
        Session parent = newSession(alice, "/r");
        Session fork = store.sessions()
                .create(
                        new NewSession(
                                Ids.newId("ses"),
                                "/r",
                                "main",
                                null,
                                "fork",
                                alice.id(),
                                Source.API,
                                SessionSettings.DEFAULTS,
                                parent.id(),
                                null,
                                7L),
                        now);
        Session child = store.sessions()
                .create(
                        new NewSession(
                                Ids.newId("ses"),
                                "/r",
                                "main",
                                null,
                                "child",
                                alice.id(),
                                Source.AGENT,
                                SessionSettings.DEFAULTS,
                                parent.id()),
                        now.plusMillis(1));
        assertThat(fork.forkedAtSeq()).isEqualTo(7L);
        assertThat(fork.isFork()).isTrue();
        assertThat(store.sessions().get(fork.id()).orElseThrow().parentId()).isEqualTo(parent.id());
        assertThat(child.forkedAtSeq()).isNull();
        assertThat(child.isChild()).isTrue();
        assertThat(parent.isFork() || parent.isChild()).isFalse();
        assertThat(store.sessions().children(parent.id()))
                .extracting(Session::id)
                .containsExactly(fork.id(), child.id());
        assertThat(store.sessions().children(child.id())).isEmpty();
    }

    @Test
    void aParkedPromptKeepsItsQueueBusyHasNoLeaseAndWakesOnce() {
        Session s = newSession(alice, "/r");
        Message a = accepted(store.messages().enqueue(prompt(s, null), 10, now)).message();
        Message b = accepted(store.messages().enqueue(prompt(s, null), 10, now)).message();
        store.messages().claimNext(s.id(), "node-1", now.plusSeconds(30), now);
        assertThat(store.messages().suspend(a.id(), "node-2", List.of("ses_x"))).isFalse();
        assertThat(store.messages().suspend(a.id(), "node-1", List.of("ses_x", "ses_y")))
                .isTrue();

        // still processing: the next prompt waits, and no lease lapses into a take-over
        assertThat(store.messages().get(a.id()).orElseThrow().status()).isEqualTo(MessageStatus.PROCESSING);
        assertThat(store.messages().get(a.id()).orElseThrow().claimedBy()).isNull();
        assertThat(store.messages().claimNext(s.id(), "node-1", now.plusSeconds(30), now))
                .isEmpty();
        assertThat(store.messages().expiredLeases(now.plusSeconds(3600))).isEmpty();
        assertThat(store.messages().unfinished(s.id())).extracting(Message::id).containsExactly(a.id(), b.id());
        assertThat(store.messages().waiting(s.id())).singleElement().satisfies(w -> {
            assertThat(w.message().id()).isEqualTo(a.id());
            assertThat(w.sessionIds()).containsExactly("ses_x", "ses_y");
        });
        assertThat(store.messages().waiting(null)).hasSize(1);
        assertThat(store.messages().waiting(newSession(alice, "/r").id())).isEmpty();

        assertThat(store.messages().wake(a.id(), "node-3", now.plusSeconds(30))).isTrue();
        assertThat(store.messages().wake(a.id(), "node-4", now.plusSeconds(30))).isFalse();
        assertThat(store.messages().get(a.id()).orElseThrow().claimedBy()).isEqualTo("node-3");
        assertThat(store.messages().waiting(null)).isEmpty();
        assertThat(store.messages().renewLeases("node-3", now.plusSeconds(60))).isEqualTo(1);

        // a parked prompt that is stopped ends like any processing one, and no longer waits
        assertThat(store.messages().suspend(a.id(), "node-3", List.of("ses_x"))).isTrue();
        assertThat(store.messages().finish(a.id(), MessageStatus.FAILED, "stopped", now))
                .isTrue();
        assertThat(store.messages().waiting(null)).isEmpty();
        assertThat(store.messages().wake(a.id(), "node-3", now.plusSeconds(30))).isFalse();
    }

    @Test
    void sessionsWithPendingButNoProcessingPromptsWaitForDispatch() {
        Session idle = newSession(alice, "/r");
        Session busy = newSession(alice, "/r");
        newSession(alice, "/r");
        store.messages().enqueue(prompt(idle, null), 10, now);
        store.messages().enqueue(prompt(busy, null), 10, now);
        store.messages().enqueue(prompt(busy, null), 10, now);
        store.messages().claimNext(busy.id(), "n", now.plusSeconds(30), now);
        assertThat(store.messages().sessionsWaitingForDispatch()).containsExactly(idle.id());
    }

    @Test
    void tokensAreFoundByHashUntilRevokedOrExpired() {
        String secret = Secrets.newSecret("nsk");
        var token = store.tokens().create(TokenKind.API, alice.id(), "laptop", null, Secrets.hash(secret), null);
        var live = store.tokens()
                .create(TokenKind.LIVE, alice.id(), "live", "ses_1", Secrets.hash("live"), now.plusSeconds(60));
        assertThat(store.tokens().findUsable(Secrets.hash(secret), now))
                .map(t -> t.id())
                .contains(token.id());
        assertThat(store.tokens().findUsable(Secrets.hash("live"), now.plusSeconds(59)))
                .isPresent();
        assertThat(store.tokens().findUsable(Secrets.hash("live"), now.plusSeconds(60)))
                .isEmpty();
        assertThat(store.tokens().listForUser(alice.id(), TokenKind.API)).hasSize(1);
        assertThat(store.tokens().listForSession("ses_1", TokenKind.LIVE))
                .extracting(t -> t.id())
                .containsExactly(live.id());
        assertThat(store.tokens().revoke(token.id(), now)).isTrue();
        assertThat(store.tokens().revoke(token.id(), now)).isFalse();
        assertThat(store.tokens().findUsable(Secrets.hash(secret), now)).isEmpty();
        assertThat(store.tokens().deleteExpired(now.plusSeconds(61))).isEqualTo(1);
    }

    @Test
    void artifactsAreListedInOrder() {
        Session s = newSession(alice, "/r");
        store.artifacts().add(s.id(), "branch", null, "{\"name\":\"al/1234abcd\"}", now);
        store.artifacts().add(s.id(), "pr", "https://example.com/pr/1", null, now.plusSeconds(1));
        assertThat(store.artifacts().list(s.id())).extracting(a -> a.type()).containsExactly("branch", "pr");
    }

    private static EnqueueResult.Accepted accepted(EnqueueResult result) {
        assertThat(result).isInstanceOf(EnqueueResult.Accepted.class);
        return (EnqueueResult.Accepted) result;
    }

    private static <T> List<T> runAll(List<Callable<T>> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(work.size());
        try {
            List<Future<T>> futures = pool.invokeAll(work);
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return Collections.unmodifiableList(results);
        } finally {
            pool.shutdownNow();
        }
    }

    // -- credentials, audit, one-time values -------------------------------------------------

    @Test
    void oneCredentialPerPersonAndHostAndRefreshesCompareAndSet() {
        var first = store.credentials()
                .put(
                        alice.id(),
                        "github.com",
                        "oauth",
                        null,
                        "sealed-1",
                        "refresh-1",
                        now.plusSeconds(3600),
                        null,
                        now);
        var replaced = store.credentials()
                .put(
                        alice.id(),
                        "github.com",
                        "oauth",
                        null,
                        "sealed-2",
                        "refresh-2",
                        now.plusSeconds(3600),
                        null,
                        now);
        assertThat(replaced.id()).isEqualTo(first.id());
        assertThat(replaced.version()).isEqualTo(first.version() + 1);
        assertThat(store.credentials().list(alice.id())).hasSize(1);

        // two refreshes read the same version: only one may write
        assertThat(store.credentials()
                        .replaceIfVersion(first.id(), replaced.version(), "sealed-3", "refresh-3", null, null, now))
                .isTrue();
        assertThat(store.credentials()
                        .replaceIfVersion(first.id(), replaced.version(), "sealed-4", "refresh-4", null, null, now))
                .isFalse();
        assertThat(store.credentials()
                        .find(alice.id(), "github.com")
                        .orElseThrow()
                        .refreshSealed())
                .isEqualTo("refresh-3");

        assertThat(store.credentials().delete(alice.id(), "github.com")).isTrue();
        assertThat(store.credentials().find(alice.id(), "github.com")).isEmpty();
    }

    @Test
    void theAuditLogKeepsEveryActionNewestFirst() {
        store.audit().record(alice.id(), "ses_1", "git.fetch", "https://example.com/a.git", "ok", null, now);
        store.audit()
                .record(
                        alice.id(),
                        "ses_1",
                        "git.push",
                        "https://example.com/a.git al/1",
                        "refused",
                        "non-fast-forward",
                        now.plusSeconds(1));
        store.audit().record(alice.id(), "ses_2", "github.pr", "acme/a", "ok", null, now.plusSeconds(2));
        assertThat(store.audit().list("ses_1", 10))
                .extracting(e -> e.action())
                .containsExactly("git.push", "git.fetch");
        assertThat(store.audit().list(null, 2)).extracting(e -> e.sessionId()).containsExactly("ses_2", "ses_1");
    }

    @Test
    void oneTimeValuesAreConsumedOnceAndOnlyBeforeTheyExpire() {
        store.oneTimeValues().save("oauth", "h1", "/after", now.plusSeconds(600));
        store.oneTimeValues().save("oauth", "h2", null, now.minusSeconds(1));
        assertThat(store.oneTimeValues().consume("other", "h1", now)).isEmpty(); // wrong purpose also burns it
        store.oneTimeValues().save("oauth", "h3", "/x", now.plusSeconds(600));
        assertThat(store.oneTimeValues().consume("oauth", "h3", now)).contains("/x");
        assertThat(store.oneTimeValues().consume("oauth", "h3", now)).isEmpty();
        assertThat(store.oneTimeValues().consume("oauth", "h2", now)).isEmpty();
        assertThat(store.oneTimeValues().consume("oauth", "missing", now)).isEmpty();
    }

    @Test
    void aWebhookDeliveryIsFirstOnlyOnce() {
        assertThat(store.oneTimeValues().firstDelivery("github", "d-1", now)).isTrue();
        assertThat(store.oneTimeValues().firstDelivery("github", "d-1", now)).isFalse();
        assertThat(store.oneTimeValues().firstDelivery("other", "d-1", now)).isTrue();
        // a delivery whose handling failed is forgotten, so its redelivery is handled again
        assertThat(store.oneTimeValues().forgetDelivery("github", "d-1")).isTrue();
        assertThat(store.oneTimeValues().forgetDelivery("github", "d-1")).isFalse();
        assertThat(store.oneTimeValues().firstDelivery("github", "d-1", now)).isTrue();
    }

    @Test
    void artifactsAreFoundByUrlAndReplacedOnlyOverWhatWasRead() {
        var session = newSession(alice, "/srv/repo");
        var pr = store.artifacts()
                .add(session.id(), "pr", "https://github.com/acme/a/pull/1", "{\"state\":\"open\"}", now);
        assertThat(store.artifacts().findByUrl("pr", "https://github.com/acme/a/pull/1"))
                .extracting(a -> a.id())
                .containsExactly(pr.id());
        assertThat(store.artifacts().replaceIfData(pr.id(), "{\"state\":\"open\"}", pr.url(), "{\"state\":\"merged\"}"))
                .isTrue();
        assertThat(store.artifacts().replaceIfData(pr.id(), "{\"state\":\"open\"}", pr.url(), "{\"state\":\"closed\"}"))
                .isFalse();
        assertThat(store.artifacts().list(session.id()).get(0).data()).isEqualTo("{\"state\":\"merged\"}");
    }

    @Test
    void theWorkBranchIsSetOnceAndTheBaseBranchFilledIn() {
        Session session = store.sessions()
                .create(
                        new NewSession(
                                Ids.newId("ses"),
                                "/srv/repo",
                                null,
                                null,
                                "t",
                                alice.id(),
                                Source.API,
                                SessionSettings.DEFAULTS,
                                null),
                        now);
        assertThat(store.sessions().setBranches(session.id(), "main", "al/1a2b3c4d", now))
                .isTrue();
        assertThat(store.sessions().setBranches(session.id(), "develop", "al/ffffffff", now))
                .isFalse();
        Session read = store.sessions().get(session.id()).orElseThrow();
        assertThat(read.workBranch()).isEqualTo("al/1a2b3c4d");
        assertThat(read.baseBranch()).isEqualTo("main");
    }

    @Test
    void aPromptFinishesTogetherWithItsTurnsEndOrNotAtAll() {
        Session s = newSession(alice, "/srv/repo");
        store.messages().enqueue(prompt(s, "c1"), 10, now);
        Message running = store.messages()
                .claimNext(s.id(), "node", now.plusSeconds(30), now)
                .orElseThrow();
        long before = store.sessions().get(s.id()).orElseThrow().lastSeq();
        List<NewEvent> end = List.of(
                new NewEvent("error", running.id(), "{\"message\":\"boom\"}"),
                new NewEvent("turn_complete", running.id(), "{\"status\":\"failed\"}"));

        var stored = store.messages()
                .finish(running.id(), MessageStatus.FAILED, "boom", end, now)
                .orElseThrow();

        assertThat(stored).extracting(Event::seq).containsExactly(before + 1, before + 2);
        assertThat(store.messages().get(running.id()).orElseThrow().status()).isEqualTo(MessageStatus.FAILED);
        assertThat(store.events().after(s.id(), before, 10).items())
                .extracting(Event::type)
                .containsExactly("error", "turn_complete");
        // a second end (a stop racing the natural end) writes nothing
        assertThat(store.messages().finish(running.id(), MessageStatus.FAILED, "stopped", end, now))
                .isEmpty();
        assertThat(store.sessions().get(s.id()).orElseThrow().lastSeq()).isEqualTo(before + 2);
    }

    @Test
    void identitiesBelongToOneUserAndAreFoundBySubjectOnly() {
        User bob = store.users().create("bob", "Bob", null, false);
        var linked =
                store.identities().link(alice.id(), "github", "github.com", "1001", "alice-gh", "a@example.com", now);
        assertThat(store.identities().find("github", "github.com", "1001")).contains(linked);
        assertThat(store.identities().find("github", "ghe.example.com", "1001")).isEmpty();
        assertThat(store.identities().find("oidc", "github.com", "1001")).isEmpty();
        // the same account can never be linked twice, to anyone
        assertThatThrownBy(() -> store.identities().link(bob.id(), "github", "github.com", "1001", "x", null, now))
                .isInstanceOf(StoreException.class);
        // linked a second later: identities made in the same millisecond are ordered by their random ids
        store.identities()
                .link(alice.id(), "oidc", "https://id.example.com", "1001", "alice", null, now.plusSeconds(1));
        assertThat(store.identities().forUser(alice.id()))
                .extracting(i -> i.kind())
                .containsExactly("github", "oidc");
        store.identities().seen(linked.id(), "alice-renamed", null, now.plusSeconds(5));
        assertThat(store.identities()
                        .find("github", "github.com", "1001")
                        .orElseThrow()
                        .login())
                .isEqualTo("alice-renamed");
        assertThat(store.identities().unlink(bob.id(), linked.id())).isFalse();
        assertThat(store.identities().unlink(alice.id(), linked.id())).isTrue();
        assertThat(store.identities().find("github", "github.com", "1001")).isEmpty();
    }

    @Test
    void loginsAreUniqueRegardlessOfCaseAndUsersCanBeDeactivated() {
        assertThatThrownBy(() -> store.users().create("ALICE", null, null, false))
                .isInstanceOf(StoreException.class);
        assertThat(store.users().byLogin("Alice")).map(User::id).contains(alice.id());
        assertThat(store.users().byId(alice.id()).orElseThrow().active()).isTrue();
        assertThat(store.users().setDeactivated(alice.id(), now)).isTrue();
        assertThat(store.users().byId(alice.id()).orElseThrow().deactivatedAt()).isEqualTo(now);
        assertThat(store.users().setDeactivated(alice.id(), null)).isTrue();
        assertThat(store.users().byId(alice.id()).orElseThrow().active()).isTrue();
        assertThat(store.users().setAdmin(alice.id(), true)).isTrue();
        assertThat(store.users().byId(alice.id()).orElseThrow().admin()).isTrue();
        assertThat(store.users().setAdmin("usr_missing", true)).isFalse();
    }

    @Test
    void usersAreFoundByTheirAddressRegardlessOfCase() {
        User carol = store.users().create("carol", "Carol", "Carol@Example.com", false);
        assertThat(store.users().byEmail("carol@example.COM"))
                .extracting(User::id)
                .containsExactly(carol.id());
        assertThat(store.users().byEmail("nobody@example.com")).isEmpty();
        User other = store.users().create("carol2", "Carol", "carol@example.com", false);
        assertThat(store.users().byEmail("carol@example.com"))
                .extracting(User::id)
                .containsExactlyInAnyOrder(carol.id(), other.id());
    }

    @Test
    void tokensKeepTheirScopesAndALiveTokenEndsWithItsParent() {
        var api = store.tokens()
                .create(
                        TokenKind.API,
                        alice.id(),
                        "read only",
                        null,
                        "hash-api",
                        null,
                        java.util.EnumSet.of(dev.nightshift.core.model.Scope.SESSIONS_READ),
                        null);
        var live = store.tokens()
                .create(
                        TokenKind.LIVE,
                        alice.id(),
                        "live",
                        "ses_1",
                        "hash-live",
                        now.plusSeconds(3600).plusNanos(123_456),
                        api.scopes(),
                        api.id());
        assertThat(live.expiresAt())
                .isEqualTo(store.tokens().byId(live.id()).orElseThrow().expiresAt()); // milliseconds, both
        var legacy = store.tokens().create(TokenKind.API, alice.id(), "old", null, "hash-old", null);
        assertThat(store.tokens().findUsable("hash-api", now).orElseThrow().scopes())
                .containsExactly(dev.nightshift.core.model.Scope.SESSIONS_READ);
        assertThat(store.tokens().findUsable("hash-live", now).orElseThrow().parentId())
                .isEqualTo(api.id());
        assertThat(store.tokens().findUsable("hash-old", now).orElseThrow().scopes())
                .isEqualTo(dev.nightshift.core.model.Scope.ALL);
        assertThat(store.tokens().byId(live.id()).orElseThrow().sessionId()).isEqualTo("ses_1");
        assertThat(store.tokens().findUsableById(live.id(), now)).isPresent();
        assertThat(store.tokens().findUsableById(live.id(), now.plusSeconds(3601)))
                .as("expired")
                .isEmpty();

        assertThat(store.tokens().revoke(api.id(), now)).isTrue();
        assertThat(store.tokens().findUsable("hash-live", now))
                .as("a live token made with a revoked token")
                .isEmpty();
        assertThat(store.tokens().findUsableById(live.id(), now))
                .as("the same, by id")
                .isEmpty();
        assertThat(store.tokens().findUsableById(api.id(), now)).isEmpty();
        assertThat(store.tokens().findUsable("hash-old", now)).isPresent();
        assertThat(store.tokens().revokeAllForUser(alice.id(), now)).isEqualTo(2); // the live one and the old one
        assertThat(store.tokens().findUsable("hash-old", now)).isEmpty();
    }

    @Test
    void theAuditLogFiltersAndPages() {
        User bob = store.users().create("bob", "Bob", null, false);
        for (int i = 0; i < 5; i++) {
            store.audit().record(alice.id(), null, "signin.github", "github.com", "ok", null, now.plusSeconds(i));
            store.audit().record(bob.id(), null, "token.create", "t" + i, "ok", null, now.plusSeconds(i));
        }
        var mine = store.audit().list(new dev.nightshift.core.port.AuditQuery(alice.id(), null, null, null, null, 10));
        assertThat(mine).hasSize(5).allMatch(e -> e.userId().equals(alice.id()));
        var tokens = store.audit()
                .list(new dev.nightshift.core.port.AuditQuery(
                        null, null, "token.create", now.plusSeconds(3), null, 10));
        assertThat(tokens).extracting(e -> e.target()).containsExactly("t4", "t3");
        var first = store.audit().list(new dev.nightshift.core.port.AuditQuery(null, null, null, null, null, 4));
        var second = store.audit()
                .list(new dev.nightshift.core.port.AuditQuery(
                        null, null, null, null, first.getLast().id(), 4));
        var third = store.audit()
                .list(new dev.nightshift.core.port.AuditQuery(
                        null, null, null, null, second.getLast().id(), 4));
        List<String> all = new ArrayList<>();
        for (var page : List.of(first, second, third)) {
            page.forEach(e -> all.add(e.id()));
        }
        assertThat(all).hasSize(10).doesNotHaveDuplicates();
        assertThat(third).hasSize(2);
    }

    private StoredSecret secret(String name, StoredSecret.Kind kind, String key, String sealed) {
        return new StoredSecret(
                Ids.newId("sec"),
                name,
                Delivery.EGRESS,
                List.of("api.example.com", "*.example.org"),
                List.of("POST"),
                List.of("/api/v1/query"),
                List.of(),
                List.of("key"),
                kind,
                key,
                sealed,
                alice.id(),
                now,
                alice.id(),
                now,
                0);
    }

    @Test
    void aSecretIsStoredAndReadBackWithItsListsAndVersionOne() {
        StoredSecret draft = secret("NPM_TOKEN", StoredSecret.Kind.REPOSITORY, "github.com/acme/*", "v1:sealed");
        StoredSecret stored = store.secrets().create(draft).orElseThrow();
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.hosts()).containsExactly("api.example.com", "*.example.org");
        assertThat(stored.methods()).containsExactly("POST");
        assertThat(stored.pathPrefixes()).containsExactly("/api/v1/query");
        assertThat(stored.headers()).isEmpty();
        assertThat(stored.queryParams()).containsExactly("key");
        assertThat(stored.scopeKey()).isEqualTo("github.com/acme/*");
        assertThat(stored.valueSealed()).isEqualTo("v1:sealed");
        assertThat(stored.createdAt()).isEqualTo(now);
        assertThat(store.secrets().find(stored.id())).contains(stored);
        assertThat(store.secrets().list()).containsExactly(stored);
    }

    @Test
    void oneNamePerScopeButTheSameNameInAnotherScope() {
        assertThat(store.secrets().create(secret("T", StoredSecret.Kind.DEPLOYMENT, "", "a")))
                .isPresent();
        assertThat(store.secrets().create(secret("T", StoredSecret.Kind.DEPLOYMENT, "", "b")))
                .isEmpty();
        assertThat(store.secrets().create(secret("T", StoredSecret.Kind.USER, alice.id(), "c")))
                .isPresent();
        assertThat(store.secrets().create(secret("T", StoredSecret.Kind.USER, alice.id(), "d")))
                .isEmpty();
        assertThat(store.secrets().create(secret("T", StoredSecret.Kind.REPOSITORY, "github.com/a/*", "e")))
                .isPresent();
        assertThat(store.secrets().create(secret("T", StoredSecret.Kind.REPOSITORY, "github.com/b/*", "f")))
                .isPresent();
        assertThat(store.secrets().list())
                .extracting(StoredSecret::valueSealed)
                .containsExactlyInAnyOrder("a", "c", "e", "f");
    }

    @Test
    void anUpdateWritesOnlyOverTheVersionItRead() {
        StoredSecret stored = store.secrets()
                .create(secret("T", StoredSecret.Kind.DEPLOYMENT, "", "old"))
                .orElseThrow();
        StoredSecret rotated = new StoredSecret(
                stored.id(),
                stored.name(),
                Delivery.SETUP,
                List.of(),
                List.of(),
                List.of(),
                List.of("X-Api-Key"),
                List.of(),
                stored.scope(),
                stored.scopeKey(),
                "new",
                stored.createdBy(),
                stored.createdAt(),
                "usr_other",
                now.plusSeconds(5),
                stored.version());
        assertThat(store.secrets().replaceIfVersion(rotated, 1)).isTrue();
        assertThat(store.secrets().replaceIfVersion(rotated.withValueSealed("lost"), 1))
                .isFalse();
        StoredSecret read = store.secrets().find(stored.id()).orElseThrow();
        assertThat(read.valueSealed()).isEqualTo("new");
        assertThat(read.version()).isEqualTo(2);
        assertThat(read.delivery()).isEqualTo(Delivery.SETUP);
        assertThat(read.hosts()).isEmpty();
        assertThat(read.headers()).containsExactly("X-Api-Key");
        assertThat(read.updatedBy()).isEqualTo("usr_other");
        assertThat(read.updatedAt()).isEqualTo(now.plusSeconds(5));
        assertThat(read.createdAt()).isEqualTo(now);
        assertThat(store.secrets().delete(stored.id())).isTrue();
        assertThat(store.secrets().delete(stored.id())).isFalse();
        assertThat(store.secrets().find(stored.id())).isEmpty();
        assertThat(store.secrets().replaceIfVersion(rotated, 2)).isFalse();
    }

    @Test
    void aSessionKeepsWhatItsSandboxMayReach() {
        var narrow =
                new SessionSettings(true, false, false, SessionSettings.Network.NONE, List.of("NPM_TOKEN", "API_KEY"));
        Session session = store.sessions()
                .create(
                        new NewSession(
                                Ids.newId("ses"), "/srv/repo", null, null, "t", alice.id(), Source.API, narrow, null),
                        now);
        assertThat(store.sessions().get(session.id()).orElseThrow().settings()).isEqualTo(narrow);
        var none = new SessionSettings(true, true, false, SessionSettings.Network.ALLOWLIST, List.of());
        Session other = store.sessions()
                .create(
                        new NewSession(
                                Ids.newId("ses"), "/srv/repo", null, null, "t", alice.id(), Source.API, none, null),
                        now);
        assertThat(store.sessions().get(other.id()).orElseThrow().settings().secrets())
                .isEmpty();
        Session plain = newSession(alice, "/srv/repo");
        assertThat(store.sessions().get(plain.id()).orElseThrow().settings()).isEqualTo(SessionSettings.DEFAULTS);
        assertThat(SessionSettings.DEFAULTS.gets("ANYTHING")).isTrue();
        assertThat(narrow.gets("NPM_TOKEN")).isTrue();
        assertThat(narrow.gets("OTHER")).isFalse();
    }

    private static NewTrigger trigger(TriggerSource source, String dedupeKey, Origin origin) {
        return new NewTrigger(Ids.newId("trg"), source, null, "/r", "main", "fix it", dedupeKey, origin);
    }

    @Test
    void aRepeatedDedupeKeyReturnsTheFirstTriggerEvenWhenRacing() throws Exception {
        Origin origin = new Origin("automation", "aut_1");
        List<Callable<TriggerStore.Recorded>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racers.add(() -> store.triggers().record(trigger(TriggerSource.WEBHOOK, "delivery-1", origin), now));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<TriggerStore.Recorded> results = new ArrayList<>();
        try {
            for (Future<TriggerStore.Recorded> f : pool.invokeAll(racers)) {
                results.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(results).filteredOn(TriggerStore.Recorded::created).hasSize(1);
        assertThat(results)
                .extracting(r -> r.trigger().id())
                .containsOnly(results.get(0).trigger().id());
        Trigger first = results.get(0).trigger();
        assertThat(first.status()).isEqualTo(TriggerStatus.RECEIVED);
        assertThat(first.origin()).isEqualTo(origin);
        assertThat(store.triggers().pending(10, now)).extracting(Trigger::id).containsExactly(first.id());

        // the same key from another source, and triggers without a key, are separate
        assertThat(store.triggers()
                        .record(trigger(TriggerSource.SIGNED, "delivery-1", origin), now)
                        .created())
                .isTrue();
        assertThat(store.triggers()
                        .record(trigger(TriggerSource.WEBHOOK, null, origin), now)
                        .created())
                .isTrue();
        assertThat(store.triggers()
                        .record(trigger(TriggerSource.WEBHOOK, null, origin), now)
                        .created())
                .isTrue();
        assertThat(store.triggers().pending(10, now)).hasSize(4);
    }

    @Test
    void aTriggerIsClaimedByOneNodeAndTakenOverOnlyAfterItsLease() {
        Trigger t = store.triggers()
                .record(trigger(TriggerSource.SCHEDULE, "aut_1@slot", new Origin("automation", "aut_1")), now)
                .trigger();
        assertThat(store.triggers().claim(t.id(), "a", now.plusSeconds(30), now))
                .isTrue();
        assertThat(store.triggers().claim(t.id(), "b", now.plusSeconds(30), now))
                .isFalse();
        assertThat(store.triggers().pending(10, now)).isEmpty();
        assertThat(store.triggers().pending(10, now.plusSeconds(31)))
                .extracting(Trigger::id)
                .containsExactly(t.id());
        assertThat(store.triggers().claim(t.id(), "b", now.plusSeconds(90), now.plusSeconds(31)))
                .isTrue();
        assertThat(store.triggers().find(t.id()).orElseThrow().claimedBy()).isEqualTo("b");

        assertThat(store.triggers().finish(t.id(), TriggerStatus.ADMITTED, null, null, now))
                .isTrue();
        assertThat(store.triggers().finish(t.id(), TriggerStatus.STARTED, "ses_1", null, now))
                .isTrue();
        assertThat(store.triggers().finish(t.id(), TriggerStatus.FAILED, null, "late", now))
                .isFalse();
        assertThat(store.triggers().claim(t.id(), "c", now.plusSeconds(500), now.plusSeconds(400)))
                .isFalse();
        Trigger done = store.triggers().find(t.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(TriggerStatus.STARTED);
        assertThat(done.sessionId()).isEqualTo("ses_1");
        assertThat(done.claimedBy()).isNull();
        assertThat(store.triggers().pending(10, now.plusSeconds(1000))).isEmpty();
    }

    @Test
    void theSessionBoundToAnOriginIsTheNewestOneStarted() {
        Origin thread = new Origin("slack", "T1/C1/1700000000.0001");
        assertThat(store.triggers().forOrigin(thread)).isEmpty();
        Trigger first = store.triggers()
                .record(trigger(TriggerSource.SLACK, "e1", thread), now)
                .trigger();
        assertThat(store.triggers().forOrigin(thread)).isEmpty();
        store.triggers().finish(first.id(), TriggerStatus.STARTED, "ses_a", null, now);
        Trigger refused = store.triggers()
                .record(trigger(TriggerSource.SLACK, "e2", thread), now.plusSeconds(1))
                .trigger();
        store.triggers().finish(refused.id(), TriggerStatus.REFUSED, null, "rate limited", now.plusSeconds(1));
        store.triggers().record(trigger(TriggerSource.SLACK, "e3", new Origin("slack", "T1/C1/other")), now);
        assertThat(store.triggers().forOrigin(thread).orElseThrow().sessionId()).isEqualTo("ses_a");
        assertThat(Origin.parse(thread.toString())).isEqualTo(thread);
        assertThat(store.triggers().find(refused.id()).orElseThrow().reason()).isEqualTo("rate limited");
    }

    private Automation automation(AutomationTrigger trigger) {
        return new Automation(
                Ids.newId("aut"),
                "nightly deps",
                "/r",
                "main",
                "update deps",
                null,
                alice.id(),
                trigger,
                false,
                null,
                now,
                now,
                0);
    }

    private static AutomationRun run(Automation a, AutomationRun.Status status, String dedupeKey, Instant at) {
        return new AutomationRun(Ids.newId("run"), a.id(), status, null, null, dedupeKey, null, at, null, null);
    }

    @Test
    void anAutomationIsStoredWithItsTriggerAndChangedOnlyOverTheVersionItRead() {
        AutomationTrigger.Webhook hook = new AutomationTrigger.Webhook(
                List.of(
                        new AutomationTrigger.Condition("$.level", AutomationTrigger.Condition.Op.EQ, "\"error\""),
                        new AutomationTrigger.Condition("$.count", AutomationTrigger.Condition.Op.GTE, "5")),
                "$.id",
                "hash-1");
        Automation a = store.automations().create(automation(hook));
        assertThat(a.version()).isEqualTo(1);
        assertThat(a.trigger()).isEqualTo(hook);
        assertThat(store.automations().find(a.id())).contains(a);
        Automation signed = store.automations()
                .create(automation(new AutomationTrigger.Signed(
                        AutomationTrigger.Signed.Preset.SENTRY,
                        "sealed",
                        "Sentry-Hook-Signature",
                        null,
                        null,
                        "Request-ID",
                        List.of())));
        assertThat(store.automations().find(signed.id()).orElseThrow().trigger())
                .isEqualTo(signed.trigger());

        AutomationTrigger.Webhook rotated = new AutomationTrigger.Webhook(List.of(), "", "hash-2");
        Automation changed = new Automation(
                a.id(),
                "renamed",
                a.repository(),
                a.baseBranch(),
                a.promptTemplate(),
                a.model(),
                a.ownerId(),
                rotated,
                false,
                null,
                a.createdAt(),
                now.plusSeconds(1),
                a.version());
        assertThat(store.automations().replaceIfVersion(changed, 1)).isTrue();
        assertThat(store.automations().replaceIfVersion(changed, 1)).isFalse();
        Automation read = store.automations().find(a.id()).orElseThrow();
        assertThat(read.name()).isEqualTo("renamed");
        assertThat(read.trigger()).isEqualTo(rotated);
        assertThat(read.version()).isEqualTo(2);

        assertThat(store.automations().pause(a.id(), "three runs failed", now)).isTrue();
        assertThat(store.automations().pause(a.id(), "again", now)).isFalse();
        assertThat(store.automations().find(a.id()).orElseThrow().pausedReason())
                .isEqualTo("three runs failed");
        assertThat(store.automations().resume(a.id(), now)).isTrue();
        assertThat(store.automations().resume(a.id(), now)).isFalse();

        User bob = store.users().create("bob", "Bob", "bob@example.com", false);
        Automation bobs = store.automations()
                .create(new Automation(
                        Ids.newId("aut"),
                        "b",
                        "/r",
                        "main",
                        "p",
                        null,
                        bob.id(),
                        new AutomationTrigger.Schedule("0 7 * * 1-5", "Europe/Paris"),
                        false,
                        null,
                        now,
                        now,
                        0));
        assertThat(store.automations().list(bob.id()))
                .extracting(Automation::id)
                .containsExactly(bobs.id());
        assertThat(store.automations().list(null)).hasSize(3);
        assertThat(store.automations().delete(a.id())).isTrue();
        assertThat(store.automations().find(a.id())).isEmpty();
        assertThat(store.automations().delete(a.id())).isFalse();
    }

    @Test
    void exactlyOneOfTwoRacingNodesTakesAScheduleSlot() throws Exception {
        Automation a =
                store.automations().create(automation(new AutomationTrigger.Schedule("0 7 * * *", "Europe/Paris")));
        assertThat(store.automations().schedules())
                .extracting(s -> s.automation().id(), AutomationStore.Scheduled::lastFiredAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(a.id(), null));
        Instant slot = Instant.parse("2026-11-02T06:00:00Z");
        for (int round = 0; round < 5; round++) {
            Instant due = slot.plus(java.time.Duration.ofDays(round));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Boolean>> claims = pool.invokeAll(List.of(
                        () -> store.automations().claimSlot(a.id(), due),
                        () -> store.automations().claimSlot(a.id(), due)));
                int won = 0;
                for (Future<Boolean> f : claims) {
                    won += f.get() ? 1 : 0;
                }
                assertThat(won).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
        Instant last = slot.plus(java.time.Duration.ofDays(4));
        assertThat(store.automations().claimSlot(a.id(), slot)).isFalse();
        assertThat(store.automations().schedules().get(0).lastFiredAt()).isEqualTo(last);
        store.automations().pause(a.id(), "by hand", now);
        assertThat(store.automations().claimSlot(a.id(), last.plusSeconds(86400)))
                .isFalse();
        assertThat(store.automations().schedules()).isEmpty();
    }

    @Test
    void aRunAndItsTriggerAreStoredTogetherOrNotAtAll() {
        Automation a = store.automations().create(automation(new AutomationTrigger.Webhook(List.of(), "", "h2")));
        AutomationRun first = run(a, AutomationRun.Status.FIRED, "evt-1", now);
        NewTrigger started = new NewTrigger(
                "trg_together",
                TriggerSource.WEBHOOK,
                a.ownerId(),
                "/srv/r",
                null,
                "go",
                null,
                new Origin("automation", a.id() + "/" + first.id()));
        assertThat(store.automations().addRun(first, started, now)).isInstanceOf(AutomationStore.RunAdded.Added.class);
        assertThat(store.triggers().find("trg_together")).isPresent();
        assertThat(store.triggers().pending(10, now)).extracting(Trigger::id).contains("trg_together");

        // a repeat and a busy automation store neither
        NewTrigger repeat = new NewTrigger(
                "trg_repeat",
                TriggerSource.WEBHOOK,
                a.ownerId(),
                "/srv/r",
                null,
                "go",
                null,
                new Origin("automation", a.id() + "/run_x"));
        assertThat(store.automations().addRun(run(a, AutomationRun.Status.FIRED, "evt-1", now), repeat, now))
                .isInstanceOf(AutomationStore.RunAdded.Repeat.class);
        assertThat(store.automations().addRun(run(a, AutomationRun.Status.FIRED, "evt-2", now), repeat, now))
                .isInstanceOf(AutomationStore.RunAdded.Busy.class);
        assertThat(store.triggers().find("trg_repeat")).isEmpty();

        // a trigger that cannot be stored takes its run with it
        store.automations().updateRun(first.id(), AutomationRun.Status.SUCCEEDED, null, null, now);
        AutomationRun orphan = run(a, AutomationRun.Status.FIRED, "evt-3", now);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> store.automations().addRun(orphan, started, now))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.automations().findRun(orphan.id())).isEmpty();
    }

    @Test
    void aTriggerKeepsTheBranchItsSessionWorksOn() {
        NewTrigger onBranch = new NewTrigger(
                Ids.newId("trg"),
                TriggerSource.GITHUB,
                null,
                "/r",
                "main",
                "fix the PR",
                "d-branch",
                new Origin("github", "acme/app#7"),
                "feature/login");
        Trigger stored = store.triggers().record(onBranch, now).trigger();
        assertThat(stored.workBranch()).isEqualTo("feature/login");
        assertThat(store.triggers()
                        .record(trigger(TriggerSource.GITHUB, "d-new", new Origin("github", "acme/app#8")), now)
                        .trigger()
                        .workBranch())
                .isNull();
    }

    @Test
    void aChannelHasOneDefaultRepositoryThatCanBeReplaced() {
        assertThat(store.channelDefaults().repository("slack", "T1", "C1")).isEmpty();
        store.channelDefaults().set("slack", "T1", "C1", "https://github.com/acme/app.git", null, now);
        store.channelDefaults().set("slack", "T1", "C2", "https://github.com/acme/web.git", null, now);
        store.channelDefaults().set("slack", "T1", "C1", "https://github.com/acme/api.git", null, now.plusSeconds(1));
        assertThat(store.channelDefaults().repository("slack", "T1", "C1")).contains("https://github.com/acme/api.git");
        assertThat(store.channelDefaults().repository("slack", "T1", "C2")).contains("https://github.com/acme/web.git");
        assertThat(store.channelDefaults().repository("slack", "T2", "C1")).isEmpty();
    }

    @Test
    void channelDefaultsAreListedPerProviderWithWhoSetThemAndCanBeRemoved() {
        store.channelDefaults().set("slack", "T2", "C9", "https://github.com/acme/web.git", null, now);
        store.channelDefaults().set("slack", "T1", "C2", "https://github.com/acme/app.git", alice.id(), now);
        store.channelDefaults()
                .set("slack", "T1", "C1", "https://github.com/acme/api.git", alice.id(), now.plusSeconds(5));
        store.channelDefaults().set("teams", "T1", "C1", "https://github.com/acme/other.git", null, now);

        assertThat(store.channelDefaults().list("slack"))
                .containsExactly(
                        new ChannelDefault(
                                "slack", "T1", "C1", "https://github.com/acme/api.git", alice.id(), now.plusSeconds(5)),
                        new ChannelDefault("slack", "T1", "C2", "https://github.com/acme/app.git", alice.id(), now),
                        new ChannelDefault("slack", "T2", "C9", "https://github.com/acme/web.git", null, now));
        assertThat(store.channelDefaults().list("nobody")).isEmpty();

        assertThat(store.channelDefaults().remove("slack", "T1", "C1")).isTrue();
        assertThat(store.channelDefaults().remove("slack", "T1", "C1")).isFalse();
        assertThat(store.channelDefaults().remove("slack", "T9", "C2")).isFalse();
        assertThat(store.channelDefaults().repository("slack", "T1", "C1")).isEmpty();
        // another provider's channel with the same ids is a different channel
        assertThat(store.channelDefaults().repository("teams", "T1", "C1"))
                .contains("https://github.com/acme/other.git");
        assertThat(store.channelDefaults().list("slack"))
                .extracting(ChannelDefault::channel)
                .containsExactly("C2", "C9");
    }

    @Test
    void startingTheOnlyNodeReleasesTheLeasesADeadProcessHeld() {
        Trigger t = store.triggers()
                .record(trigger(TriggerSource.WEBHOOK, "k-release", new Origin("automation", "aut_r")), now)
                .trigger();
        assertThat(store.triggers().claim(t.id(), "dead", now.plusSeconds(30), now))
                .isTrue();
        assertThat(store.triggers().pending(10, now)).isEmpty();
        assertThat(store.triggers().releaseLeases()).isEqualTo(1);
        assertThat(store.triggers().pending(10, now)).extracting(Trigger::id).containsExactly(t.id());
        assertThat(store.triggers().claim(t.id(), "alive", now.plusSeconds(30), now))
                .isTrue();
    }

    @Test
    void aRepeatedRunKeyReturnsTheFirstRunAndASecondActiveRunIsBusy() {
        Automation a = store.automations().create(automation(new AutomationTrigger.Webhook(List.of(), "$.id", "h")));
        AutomationRun first = run(a, AutomationRun.Status.FIRED, "evt-1", now);
        assertThat(store.automations().addRun(first)).isInstanceOf(AutomationStore.RunAdded.Added.class);
        assertThat(store.automations().addRun(run(a, AutomationRun.Status.FIRED, "evt-1", now)))
                .isEqualTo(new AutomationStore.RunAdded.Repeat(first));
        assertThat(store.automations().addRun(run(a, AutomationRun.Status.FIRED, "evt-2", now)))
                .isEqualTo(new AutomationStore.RunAdded.Busy(first));
        AutomationRun skipped = run(a, AutomationRun.Status.SKIPPED, "evt-3", now);
        assertThat(store.automations().addRun(skipped)).isEqualTo(new AutomationStore.RunAdded.Added(skipped));
        assertThat(store.automations().activeRun(a.id())).contains(first);

        assertThat(store.automations().updateRun(first.id(), AutomationRun.Status.RUNNING, "ses_1", null, now))
                .isTrue();
        assertThat(store.automations().activeRunsCreatedBefore(now.plusSeconds(1)))
                .extracting(AutomationRun::id)
                .containsExactly(first.id());
        assertThat(store.automations().updateRun(first.id(), AutomationRun.Status.FAILED, null, "timed out", now))
                .isTrue();
        assertThat(store.automations().updateRun(first.id(), AutomationRun.Status.SUCCEEDED, null, null, now))
                .isFalse();
        AutomationRun ended = store.automations().findRun(first.id()).orElseThrow();
        assertThat(ended.status()).isEqualTo(AutomationRun.Status.FAILED);
        assertThat(ended.sessionId()).isEqualTo("ses_1");
        assertThat(ended.reason()).isEqualTo("timed out");
        assertThat(ended.startedAt()).isEqualTo(now);
        assertThat(ended.endedAt()).isEqualTo(now);
        assertThat(store.automations().activeRun(a.id())).isEmpty();
        assertThat(store.automations().addRun(run(a, AutomationRun.Status.FIRED, "evt-2", now)))
                .isInstanceOf(AutomationStore.RunAdded.Added.class);
    }

    @Test
    void theDatabaseItselfRefusesASecondRunningRun() throws Exception {
        Automation a = store.automations().create(automation(new AutomationTrigger.Webhook(List.of(), "", "h")));
        AutomationRun one = run(a, AutomationRun.Status.SUCCEEDED, "a", now);
        AutomationRun two = run(a, AutomationRun.Status.SUCCEEDED, "b", now);
        store.automations().addRun(one);
        store.automations().addRun(two);
        try (Connection c = DriverManager.getConnection(config().jdbcUrl(), config().user(), config().password())) {
            setRunning(c, one.id());
            assertThatThrownBy(() -> setRunning(c, two.id())).isInstanceOf(SQLException.class);
        }
        assertThat(store.automations().findRun(two.id()).orElseThrow().status())
                .isEqualTo(AutomationRun.Status.SUCCEEDED);
    }

    private static void setRunning(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE automation_runs SET status = 'running' WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    @Test
    void runsArePagedNewestFirst() {
        Automation a = store.automations().create(automation(new AutomationTrigger.Schedule("0 * * * *", "UTC")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            AutomationRun r = run(a, AutomationRun.Status.SUCCEEDED, "slot-" + i, now.plusSeconds(i / 2));
            store.automations().addRun(r);
            ids.add(r.id());
        }
        List<String> seen = new ArrayList<>();
        Page<AutomationRun> page = store.automations().runs(a.id(), null, 3);
        seen.addAll(page.items().stream().map(AutomationRun::id).toList());
        while (page.hasMore()) {
            page = store.automations().runs(a.id(), seen.get(seen.size() - 1), 3);
            seen.addAll(page.items().stream().map(AutomationRun::id).toList());
        }
        assertThat(seen).hasSize(7).doesNotHaveDuplicates();
        List<Instant> times = seen.stream()
                .map(id -> store.automations().findRun(id).orElseThrow().createdAt())
                .toList();
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(seen.get(0)).isEqualTo(ids.get(6));
        assertThat(seen.subList(5, 7)).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
    }

    // -- turns waiting for people ------------------------------------------------------------------

    private Message claimed(Session s) {
        store.messages().enqueue(prompt(s, null), 10, now);
        return store.messages()
                .claimNext(s.id(), "node-a", now.plusSeconds(30), now)
                .orElseThrow();
    }

    private Optional<List<Event>> ask(Session s, Message m, String questionId, Instant expires) {
        return store.questions()
                .ask(
                        new NewQuestion(questionId, s.id(), m.id(), "call-1", Question.Kind.QUESTION, "{}", expires),
                        List.of(new NewEvent("question", m.id(), "{\"questionId\":\"" + questionId + "\"}")),
                        now);
    }

    @Test
    void aWaitingTurnIsHeldByNoNodeBlocksItsQueueAndOneOfManyAnswersWins() throws Exception {
        Session s = newSession(alice, "/r");
        Message running = claimed(s);
        Message next =
                accepted(store.messages().enqueue(prompt(s, null), 10, now)).message();
        long before = store.sessions().get(s.id()).orElseThrow().lastSeq();

        assertThat(ask(s, running, "qst_1", now.plusSeconds(3600)))
                .hasValueSatisfying(
                        events -> assertThat(events).extracting(Event::seq).containsExactly(before + 1));

        Message waiting = store.messages().get(running.id()).orElseThrow();
        assertThat(waiting.status()).isEqualTo(MessageStatus.WAITING);
        assertThat(waiting.claimedBy()).isNull();
        assertThat(store.sessions().get(s.id()).orElseThrow().status()).isEqualTo(SessionStatus.WAITING);
        assertThat(store.questions().get("qst_1").orElseThrow().status()).isEqualTo(Question.Status.OPEN);
        // nobody runs the next prompt meanwhile, and no node's lease covers the waiting one
        assertThat(store.messages().claimNext(s.id(), "node-b", now.plusSeconds(30), now))
                .isEmpty();
        assertThat(store.messages().sessionsWaitingForDispatch()).doesNotContain(s.id());
        assertThat(store.messages().expiredLeases(now.plusSeconds(3600))).isEmpty();
        assertThat(store.messages().unfinished(s.id()))
                .extracting(Message::status)
                .containsExactly(MessageStatus.WAITING, MessageStatus.PENDING);
        // a turn that no longer processes cannot ask again
        assertThat(ask(s, running, "qst_2", now.plusSeconds(3600))).isEmpty();
        assertThat(store.questions().get("qst_2")).isEmpty();

        List<Callable<QuestionStore.AnswerResult>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String node = "node-" + i;
            answers.add(() -> store.questions()
                    .answer(
                            "qst_1",
                            Question.Status.ANSWERED,
                            alice.id(),
                            List.of(new NewEvent("answer", running.id(), "{}")),
                            node,
                            now.plusSeconds(30),
                            now.plusSeconds(5)));
        }
        List<QuestionStore.AnswerResult> results = runAll(answers);
        List<QuestionStore.AnswerResult.Answered> won = results.stream()
                .filter(r -> r instanceof QuestionStore.AnswerResult.Answered)
                .map(r -> (QuestionStore.AnswerResult.Answered) r)
                .toList();
        assertThat(won).hasSize(1);
        assertThat(results)
                .filteredOn(r -> r instanceof QuestionStore.AnswerResult.Closed)
                .hasSize(7);
        Message resumed = won.getFirst().message();
        assertThat(resumed.status()).isEqualTo(MessageStatus.PROCESSING);
        assertThat(resumed.claimedBy()).startsWith("node-");
        assertThat(won.getFirst().question().status()).isEqualTo(Question.Status.ANSWERED);
        assertThat(won.getFirst().question().answeredBy()).isEqualTo(alice.id());
        assertThat(store.sessions().get(s.id()).orElseThrow().status()).isEqualTo(SessionStatus.ACTIVE);
        assertThat(store.events().after(s.id(), before, 10).items())
                .extracting(Event::type)
                .containsExactly("question", "answer");
        assertThat(store.questions().answer("qst_nope", Question.Status.ANSWERED, null, List.of(), "n", now, now))
                .isInstanceOf(QuestionStore.AnswerResult.Unknown.class);
        // the prompt after it runs once the resumed turn ends
        store.messages().finish(resumed.id(), MessageStatus.COMPLETED, null, now);
        assertThat(store.messages().claimNext(s.id(), "node-b", now.plusSeconds(30), now))
                .hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(next.id()));
    }

    @Test
    void aTurnWaitingForAPersonAndOneParkedForOtherSessionsStayApart() {
        Session asking = newSession(alice, "/r");
        Session parked = newSession(alice, "/r");
        Message question = claimed(asking);
        Message children = claimed(parked);
        assertThat(ask(asking, question, "qst_1", now.plusSeconds(3600))).isPresent();
        assertThat(store.messages().suspend(children.id(), "node-a", List.of("ses_child")))
                .isTrue();

        // only the parked one is woken when its sessions are done; neither is an orphan to take over
        assertThat(store.messages().waiting(null))
                .extracting(w -> w.message().id())
                .containsExactly(children.id());
        assertThat(store.messages().expiredLeases(now.plusSeconds(7200))).isEmpty();
        // a parked prompt cannot ask (it is not running), and a waiting one cannot be parked or woken
        assertThat(ask(parked, children, "qst_2", now.plusSeconds(3600))).isEmpty();
        assertThat(store.messages().suspend(question.id(), "node-a", List.of("ses_child")))
                .isFalse();
        assertThat(store.messages().wake(question.id(), "node-a", now.plusSeconds(30)))
                .isFalse();
        assertThat(store.messages().get(question.id()).orElseThrow().status()).isEqualTo(MessageStatus.WAITING);
        assertThat(store.questions().get("qst_1").orElseThrow().status()).isEqualTo(Question.Status.OPEN);
    }

    @Test
    void theDatabaseItselfRefusesASecondOpenQuestionInASession() throws Exception {
        Session s = newSession(alice, "/r");
        Message m = claimed(s);
        ask(s, m, "qst_1", now.plusSeconds(60));
        try (Connection c = DriverManager.getConnection(config().jdbcUrl(), config().user(), config().password());
                PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO questions (id, session_id, message_id, call_id, kind, data, status, asked_at, expires_at)
                        VALUES ('qst_2', ?, ?, 'c', 'question', '{}', 'open', 0, 0)""")) {
            ps.setString(1, s.id());
            ps.setString(2, m.id());
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void anExpiredQuestionTimesOutOnceAndAStoppedTurnCancelsWhatItWaitedFor() {
        Session soon = newSession(alice, "/r");
        Session later = newSession(alice, "/r");
        Session stopped = newSession(alice, "/r");
        Message a = claimed(soon);
        Message b = claimed(later);
        Message c = claimed(stopped);
        ask(soon, a, "qst_soon", now.plusSeconds(60));
        ask(later, b, "qst_later", now.plusSeconds(600));
        ask(stopped, c, "qst_stopped", now.plusSeconds(30));

        assertThat(store.questions().expired(now.plusSeconds(29), 10)).isEmpty();
        assertThat(store.questions().expired(now.plusSeconds(61), 10))
                .extracting(Question::id)
                .containsExactly("qst_stopped", "qst_soon");
        assertThat(store.questions().countOpen()).isEqualTo(3);

        var timedOut = store.questions()
                .answer("qst_soon", Question.Status.TIMED_OUT, null, List.of(), "node-a", now.plusSeconds(90), now);
        assertThat(timedOut).isInstanceOf(QuestionStore.AnswerResult.Answered.class);
        assertThat(store.questions().get("qst_soon").orElseThrow().status()).isEqualTo(Question.Status.TIMED_OUT);
        assertThat(store.questions().answer("qst_soon", Question.Status.ANSWERED, alice.id(), List.of(), "n", now, now))
                .isInstanceOfSatisfying(
                        QuestionStore.AnswerResult.Closed.class,
                        closed -> assertThat(closed.question().status()).isEqualTo(Question.Status.TIMED_OUT));

        // stopping a waiting turn ends its prompt and cancels its question in one step
        assertThat(store.messages().finish(c.id(), MessageStatus.FAILED, "stopped", now))
                .isTrue();
        assertThat(store.questions().get("qst_stopped").orElseThrow().status()).isEqualTo(Question.Status.CANCELLED);
        assertThat(store.questions()
                        .answer("qst_stopped", Question.Status.ANSWERED, alice.id(), List.of(), "n", now, now))
                .isInstanceOf(QuestionStore.AnswerResult.Closed.class);
        assertThat(store.messages().get(c.id()).orElseThrow().status()).isEqualTo(MessageStatus.FAILED);
        assertThat(store.questions().expired(now.plusSeconds(3600), 10))
                .extracting(Question::id)
                .containsExactly("qst_later");
        assertThat(store.questions().list(stopped.id(), 10))
                .extracting(Question::id)
                .containsExactly("qst_stopped");
    }

    @Test
    void aPlanFirstSessionKeepsItsSetting() {
        SessionSettings planFirst = SessionSettings.DEFAULTS.withPlanFirst(true);
        Session session = store.sessions()
                .create(
                        new NewSession(
                                Ids.newId("ses"),
                                "/srv/repo",
                                null,
                                null,
                                "t",
                                alice.id(),
                                Source.API,
                                planFirst,
                                null),
                        now);
        assertThat(store.sessions().get(session.id()).orElseThrow().settings()).isEqualTo(planFirst);
        assertThat(store.sessions()
                        .get(newSession(alice, "/r").id())
                        .orElseThrow()
                        .settings()
                        .planFirst())
                .isFalse();
    }
}

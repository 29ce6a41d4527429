package dev.nightshift.server.fork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forking as it is meant to be used, with the real agent (a scripted model speaking the OpenAI
 * protocol), real sandboxes and a real repository: a fork at an earlier turn sends the model the
 * parent's earlier conversation but not the later one and gets that turn's files; a fork at the head
 * copies the running parent's workspace; and the parent runs on throughout, never paused.
 */
class ForkEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    static Path repository(Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(repo.resolve("notes.txt"), "zero\n");
        for (List<String> git : List.of(
                List.of("init", "-q", "-b", "main"),
                List.of("add", "."),
                List.of("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "notes"))) {
            List<String> argv = new ArrayList<>(List.of("git", "-C", repo.toString()));
            argv.addAll(git);
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            assertThat(p.waitFor())
                    .as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
        }
        return repo;
    }

    static List<JsonNode> ends(ApiClient api, String id) {
        return api.allEvents(id).stream()
                .filter(e -> e.path("type").asText().equals("turn_complete"))
                .toList();
    }

    static String read(Sandbox sandbox, String path) throws Exception {
        return new String(sandbox.readFile(path, 0, 10_000), StandardCharsets.UTF_8);
    }

    static String sh(Sandbox sandbox, String script) throws Exception {
        return sandbox.exec(ExecRequest.shell(script).withTimeout(Duration.ofSeconds(30)), OutputListener.IGNORE)
                .stdout()
                .strip();
    }

    static ToolCall write(String id, String path, String content) {
        return new ToolCall(id, "write", "{\"path\":\"" + path + "\",\"content\":\"" + content + "\"}");
    }

    @Test
    void aForkAtAnEarlierTurnSeesThatTurnAndItsFilesWhileTheParentKeepsRunning(@TempDir Path work) throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl()),
                        p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String parent = api.createSession(repository(work).toString());
            model.enqueue(
                    Reply.toolCalls(write("w1", "notes.txt", "one")),
                    Reply.text("Wrote one."),
                    Reply.text("Write one")); // the commit message
            api.prompt(parent, "write one", null);
            await().atMost(WAIT).until(() -> ends(api, parent).size() == 1);
            model.enqueue(
                    Reply.toolCalls(write("w2", "notes.txt", "two")),
                    Reply.text("Wrote two."),
                    Reply.text("Write two"));
            api.prompt(parent, "write two", null);
            await().atMost(WAIT).until(() -> ends(api, parent).size() == 2);
            List<JsonNode> ends = ends(api, parent);
            String firstCommit = ends.get(0).path("data").path("commit").asText();
            assertThat(firstCommit).as("each turn's end records its commit").matches("[0-9a-f]{40}");
            assertThat(ends.get(1).path("data").path("commit").asText()).isNotEqualTo(firstCommit);

            // a third turn starts work and then waits in a command: the parent is running
            model.enqueue(Reply.toolCalls(
                    write("w3", "draft.txt", "draft"),
                    new ToolCall("b3", "bash", "{\"command\":\"while [ ! -e .go ]; do sleep 0.1; done; rm .go\"}")));
            api.prompt(parent, "keep going", null);
            await().atMost(WAIT)
                    .until(() -> api.allEvents(parent).stream()
                            .anyMatch(e -> e.path("type").asText().equals("tool_call")
                                    && e.path("data").path("callId").asText().equals("b3")));

            // a fork at the end of the first turn, with a first prompt
            int asked = model.requests().size();
            model.enqueue(Reply.text("On the branch."));
            ApiClient.Response early = api.post(
                    "/api/sessions/" + parent + "/fork",
                    Map.of("atSeq", ends.get(0).path("seq").asLong(), "prompt", "what is in the notes?"));
            assertThat(early.status()).as(early.raw()).isEqualTo(201);
            String fork = early.text("id");
            await().atMost(WAIT).until(() -> ends(api, fork).size() == 1);
            assertThat(ends(api, fork).getFirst().path("data").path("status").asText())
                    .isEqualTo("completed");
            String sent = model.requests().get(asked).messages().toString();
            assertThat(sent)
                    .contains("write one", "Wrote one.", "what is in the notes?")
                    .doesNotContain("write two")
                    .doesNotContain("Wrote two.")
                    .doesNotContain("keep going");
            Sandbox forked = s.server.sandboxes().current(fork).orElseThrow();
            assertThat(read(forked, "notes.txt")).isEqualTo("one");
            assertThat(forked.stat("draft.txt")).isEmpty();
            assertThat(sh(forked, "git rev-parse HEAD")).isEqualTo(firstCommit);
            String forkBranch = api.get("/api/sessions/" + fork).text("workBranch");
            String parentBranch = api.get("/api/sessions/" + parent).text("workBranch");
            assertThat(forkBranch).isNotNull().isNotEqualTo(parentBranch);
            assertThat(sh(forked, "git symbolic-ref --short HEAD")).isEqualTo(forkBranch);
            assertThat(api.allEvents(fork)
                            .getFirst()
                            .path("data")
                            .path("workspace")
                            .asText())
                    .isEqualTo("commit");

            // a fork at the head copies the running parent's workspace as it is, unfinished work included
            ApiClient.Response head = api.post("/api/sessions/" + parent + "/fork", null);
            assertThat(head.status()).as(head.raw()).isEqualTo(201);
            String copy = head.text("id");
            assertThat(api.allEvents(copy)
                            .getFirst()
                            .path("data")
                            .path("workspace")
                            .asText())
                    .isEqualTo("live");
            Sandbox copied = s.server.sandboxes().acquire(copy);
            assertThat(read(copied, "notes.txt")).isEqualTo("two");
            assertThat(read(copied, "draft.txt")).isEqualTo("draft");
            assertThat(sh(copied, "git symbolic-ref --short HEAD"))
                    .isEqualTo(api.get("/api/sessions/" + copy).text("workBranch"))
                    .isNotEqualTo(parentBranch);

            // the parent was never paused: still in its command, it finishes when told to
            assertThat(ends(api, parent)).hasSize(2);
            model.enqueue(Reply.text("Drafted."), Reply.text("Add a draft"));
            s.server.sandboxes().current(parent).orElseThrow().writeFile(".go", new byte[0]);
            await().atMost(WAIT).until(() -> ends(api, parent).size() == 3);
            assertThat(ends(api, parent).getLast().path("data").path("status").asText())
                    .isEqualTo("completed");
            Sandbox own = s.server.sandboxes().current(parent).orElseThrow();
            assertThat(read(own, "notes.txt")).isEqualTo("two");
            assertThat(sh(own, "git symbolic-ref --short HEAD")).isEqualTo(parentBranch);

            // a hibernated parent's workspace is copied from its snapshot, uncommitted work included, home not
            own.writeFile("scratch.txt", "not committed".getBytes(StandardCharsets.UTF_8));
            sh(own, "echo private > ~/.tool-config");
            assertThat(s.server.sandboxes().hibernate(parent)).isTrue();
            ApiClient.Response asleep = api.post("/api/sessions/" + parent + "/fork", Map.of());
            assertThat(asleep.status()).as(asleep.raw()).isEqualTo(201);
            assertThat(api.allEvents(asleep.text("id"))
                            .getFirst()
                            .path("data")
                            .path("workspace")
                            .asText())
                    .isEqualTo("live");
            Sandbox restored = s.server.sandboxes().acquire(asleep.text("id"));
            assertThat(read(restored, "scratch.txt")).isEqualTo("not committed");
            assertThat(sh(restored, "test -e ~/.tool-config && echo kept || echo gone"))
                    .isEqualTo("gone");
            assertThat(s.server.sandboxes().current(parent))
                    .as("the parent stays asleep")
                    .isEmpty();
        }
    }
}

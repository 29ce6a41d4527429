package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nightshift fork} against a real server with scripted turns. */
class ForkCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static List<Long> turnEnds(TestServer s, String id) {
        return s.admin.allEvents(id).stream()
                .filter(e -> e.path("type").asText().equals("turn_complete"))
                .map(e -> e.path("seq").asLong())
                .toList();
    }

    @Test
    void forksAtATurnsEndAndFollowsTheFirstPromptToItsEnd() {
        ScriptedAgent agent = new ScriptedAgent();
        try (TestServer s = TestServer.start(p -> p.executor = agent)) {
            agent.server = s;
            Cli cli = Cli.of(s.url(), s.admin.token());
            String parent = s.admin.createSession("/srv/app");
            s.admin.prompt(parent, "succeed", null);
            s.admin.prompt(parent, "chatty 3", null);
            await().atMost(WAIT).until(() -> turnEnds(s, parent).size() == 2);
            long first = turnEnds(s, parent).getFirst();

            Cli.Result r = cli.run(
                    "fork", "--at", String.valueOf(first), "--title", "Another way", "--follow", parent, "succeed");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out())
                    .contains("forked " + parent + " after event " + first + " into ses_")
                    .contains("(Another way)")
                    .contains("› succeed")
                    .contains("turn completed");
            String fork = r.out().replaceAll("(?s).* into (ses_[A-Za-z0-9_-]+) .*", "$1");
            JsonNode session = s.admin.get("/api/sessions/" + fork).body();
            assertThat(session.path("parentId").asText()).isEqualTo(parent);
            assertThat(session.path("forkedAtSeq").asLong()).isEqualTo(first);
            assertThat(session.path("title").asText()).isEqualTo("Another way");
            assertThat(cli.run("logs", fork).out())
                    .startsWith("branched from " + parent + " after event " + first + ", files from its base branch");
        }
    }

    @Test
    void atTheHeadWithoutAPromptItPrintsTheForkAndAWrongPointSaysWhich() {
        ScriptedAgent agent = new ScriptedAgent();
        try (TestServer s = TestServer.start(p -> p.executor = agent)) {
            agent.server = s;
            Cli cli = Cli.of(s.url(), s.admin.token());
            String parent = s.admin.createSession("/srv/app");
            s.admin.prompt(parent, "succeed", null);
            await().atMost(WAIT).until(() -> turnEnds(s, parent).size() == 1);
            long end = turnEnds(s, parent).getFirst();

            Cli.Result json = cli.run("fork", "--json", parent);
            assertThat(json.exitCode()).as(json.toString()).isZero();
            assertThat(json.jsonLines()).singleElement().satisfies(f -> {
                assertThat(f.path("parentId").asText()).isEqualTo(parent);
                assertThat(f.path("forkedAtSeq").asLong()).isEqualTo(end);
            });

            Cli.Result wrong = cli.run("fork", "--at", "1", parent);
            assertThat(wrong.exitCode()).isEqualTo(ExitCodes.REFUSED);
            assertThat(wrong.err()).contains("is not the end of a turn").contains("the nearest are " + end);
            assertThat(cli.run("fork", "--follow", parent).err()).contains("--follow needs a prompt");
            assertThat(cli.run("fork", "ses_nope").exitCode()).isEqualTo(ExitCodes.REFUSED);
        }
    }
}

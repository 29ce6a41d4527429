package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nightshift.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged {@code nightshift.jar} as a real process ({@code java -jar}), against a real server. */
class NightshiftJarIT {
    private static final Path JAR = Path.of("target", "nightshift.jar");
    private static final ScriptedAgent AGENT = new ScriptedAgent();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> p.executor = AGENT);
        AGENT.server = server;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Launched(Process process, Path out, Path err) {
        String stdout() throws IOException {
            return Files.readString(out);
        }

        String stderr() throws IOException {
            return Files.readString(err);
        }
    }

    private static Launched launch(String... args) throws IOException {
        assertThat(JAR).as("built by the package phase").exists();
        List<String> command = new ArrayList<>(
                List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("nightshift-out", ".txt");
        Path err = Files.createTempFile("nightshift-err", ".txt");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put(ServerOptions.SERVER_ENV, server.url());
        builder.environment().put(ServerOptions.TOKEN_ENV, server.admin.token());
        return new Launched(builder.start(), out, err);
    }

    @Test
    void runFollowsATurnToItsEndAndExitsZero() throws Exception {
        Launched run = launch("run", "--repo", "/srv/app", "succeed");

        assertThat(run.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process().exitValue()).as(run.stdout() + run.stderr()).isZero();
        assertThat(run.stdout())
                .contains("✓ bash  ./mvnw test")
                .contains("PR       " + ScriptedAgent.PR_URL)
                .contains("branch   " + ScriptedAgent.BRANCH);
    }

    @Test
    void aSignalDetachesWithoutStoppingTheSession() throws Exception {
        Launched run = launch("run", "--repo", "/srv/app", "block");
        await().atMost(Duration.ofSeconds(60)).until(() -> run.stdout().contains("› block"));
        String sessionId = run.stdout()
                .lines()
                .filter(l -> l.startsWith("session "))
                .findFirst()
                .orElseThrow()
                .split(" ")[1];

        run.process().destroy(); // SIGTERM; Ctrl-C's SIGINT takes the same path through the shutdown hook

        assertThat(run.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process().exitValue()).isEqualTo(ExitCodes.DETACHED);
        assertThat(run.stderr())
                .contains("detached; session " + sessionId + " keeps running")
                .contains("nightshift attach " + sessionId);
        assertThat(server.admin
                        .get("/api/sessions/" + sessionId + "/prompts")
                        .body()
                        .path("queue")
                        .findValuesAsText("status"))
                .containsExactly("processing");
        server.admin.post("/api/sessions/" + sessionId + "/stop", null);
    }
}

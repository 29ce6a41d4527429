package dev.nightshift.agent.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.TurnTools;
import dev.nightshift.agent.model.ToolSpec;
import dev.nightshift.agent.tools.Tool;
import dev.nightshift.agent.tools.ToolContext;
import dev.nightshift.agent.tools.ToolResult;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionSettings;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.EgressAttachment;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stdio MCP server a repository declares in {@code .mcp.json}, run in a real bubblewrap sandbox
 * and spoken to over its standard input and output: its tools are the agent's for the turn, a 50 MB
 * answer is dropped unread with an error the model sees (and the server stays usable), an error from
 * the server is a tool error, and the turn's end stops the process.
 */
class RepositoryServerInSandboxTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static BubblewrapProvider provider;
    private static Sandbox sandbox;

    @BeforeAll
    static void start() throws Exception {
        provider = new BubblewrapProvider(BubblewrapConfig.under(dir.resolve("sandboxes")), EgressAttachment.NONE);
        sandbox = provider.create(new SandboxSpec("ses_mcp", SandboxLimits.DEFAULTS, Map.of()));
        try (InputStream server = RepositoryServerInSandboxTest.class.getResourceAsStream("/mcp/notes_server.py")) {
            sandbox.writeFile("tools/notes_server.py", server.readAllBytes());
        }
        sandbox.writeFile(RepositoryServers.FILE, """
                {"mcpServers": {"notes": {"command": "python3", "args": ["tools/notes_server.py"],
                                          "env": {"NOTES_GREETING": "hello from .mcp.json"}}}}""".getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        sandbox.destroy();
        provider.close();
    }

    @Test
    void theRepositorysServerRunsInTheSandboxForOneTurnAndItsAnswersAreBounded() throws Exception {
        McpTools mcp = new McpTools(List.of(), McpCredentials.NONE, true);
        try (TurnTools.Opened opened = mcp.open(turn())) {
            assertThat(opened.tools())
                    .extracting(t -> t.spec().name())
                    .containsExactly("mcp__notes__echo", "mcp__notes__whereami", "mcp__notes__big", "mcp__notes__fail");
            assertThat(opened.tools().getFirst().spec())
                    .extracting(ToolSpec::description)
                    .isEqualTo("[MCP server notes] Says the text back.");
            assertThat(JSON.readTree(opened.tools().getFirst().spec().parametersJsonSchema())
                            .path("required")
                            .get(0)
                            .asText())
                    .isEqualTo("text");

            assertThat(call(opened, "mcp__notes__echo", "{\"text\":\"hi there\"}"))
                    .isEqualTo(ToolResult.ok("hi there"));
            ToolResult where = call(opened, "mcp__notes__whereami", "{}");
            assertThat(where.content())
                    .as("it runs in the sandbox's workspace, with the environment .mcp.json gives it")
                    .contains("\"cwd\" : \"/workspace\"")
                    .contains("hello from .mcp.json");

            ToolResult big = call(opened, "mcp__notes__big", "{}");
            assertThat(big.error()).isTrue();
            assertThat(big.content())
                    .startsWith("the answer of MCP server notes was larger than 8 MiB and was dropped unread")
                    .hasSizeLessThan(1_000);
            assertThat(call(opened, "mcp__notes__echo", "{\"text\":\"still here\"}"))
                    .as("the server is still usable after the answer it could not have")
                    .isEqualTo(ToolResult.ok("still here"));

            ToolResult refused = call(opened, "mcp__notes__fail", "{}");
            assertThat(refused.error()).isTrue();
            assertThat(refused.content())
                    .isEqualTo("the MCP server notes answered mcp__notes__fail with an error: the notes are locked");
            assertThat(running()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> running() == 0);
    }

    private static int running() throws InterruptedException {
        return Integer.parseInt(sandbox.exec(
                        ExecRequest.shell("pgrep -cf '^python3 tools/notes_server' || true"), OutputListener.IGNORE)
                .stdout()
                .strip());
    }

    private static ToolResult call(TurnTools.Opened opened, String name, String arguments) throws Exception {
        Tool tool = opened.tools().stream()
                .filter(t -> t.spec().name().equals(name))
                .findFirst()
                .orElseThrow();
        return tool.run(JSON.readTree(arguments), new ToolContext() {
            @Override
            public Sandbox sandbox() {
                return sandbox;
            }

            @Override
            public void emit(EventPayload payload) {}

            @Override
            public boolean readOnly() {
                return false;
            }

            @Override
            public boolean stopRequested() {
                return false;
            }
        });
    }

    private static Turn turn() {
        Session session = new Session(
                "ses_mcp",
                "/srv/notes",
                "main",
                null,
                null,
                null,
                SessionStatus.ACTIVE,
                "usr_1",
                Source.API,
                SessionSettings.DEFAULTS,
                null,
                null,
                null,
                0,
                Instant.EPOCH,
                Instant.EPOCH,
                null);
        return new Turn() {
            @Override
            public Session session() {
                return session;
            }

            @Override
            public Message message() {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean resumed() {
                return false;
            }

            @Override
            public Event emit(String type, String jsonData) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean stopRequested() {
                return false;
            }

            @Override
            public Sandbox sandbox() {
                return sandbox;
            }

            @Override
            public void onStop(Runnable action) {}
        };
    }
}

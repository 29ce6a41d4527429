package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * The agent calls a real MCP server (the SDK's own, over streamable HTTP on loopback) for a
 * session: the request carries a vault secret the sandbox never sees, an answer reaches the model,
 * a tool outside the allow-list is not there, and a timeout, an error and a 50 MB answer each become
 * a bounded tool error while the turn goes on. The secret's value is in no event, no model request
 * and not in the sandbox's environment.
 */
class McpToolsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SECRET = "trk-live-7f3a9c2e41d8";
    private static final int HUGE_CHARS = 50_000_000;

    /** A tracker's MCP server: the SDK's server transport as a servlet in Jetty, recording what it was sent. */
    static final class TrackerMcp implements AutoCloseable {
        final List<String> authorizations = new CopyOnWriteArrayList<>();
        final AtomicInteger deletes = new AtomicInteger();
        private final CountDownLatch release = new CountDownLatch(1);
        private final Server jetty;
        private final McpSyncServer mcp;

        TrackerMcp() throws Exception {
            var transport = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
                    .mcpEndpoint("/mcp")
                    .contextExtractor(request -> {
                        String authorization = request.getHeader("Authorization");
                        authorizations.add(Objects.requireNonNullElse(authorization, "(none)"));
                        return McpTransportContext.create(
                                Map.of("authorization", Objects.requireNonNullElse(authorization, "")));
                    })
                    .build();
            mcp = McpServer.sync(transport)
                    .serverInfo("tracker", "1")
                    .capabilities(
                            McpSchema.ServerCapabilities.builder().tools(false).build())
                    .tools(
                            tool(
                                    "get_issue",
                                    "Reads an issue by its number.",
                                    (x, r) -> text("ISSUE-" + r.arguments().get("id")
                                            + ": the login button does nothing on Safari")),
                            tool("delete_issue", "Deletes an issue.", (x, r) -> {
                                deletes.incrementAndGet();
                                return text("deleted");
                            }),
                            tool(
                                    "whoami",
                                    "Says which credential the request carried.",
                                    (x, r) -> text(
                                            "you sent " + x.transportContext().get("authorization"))),
                            tool("slow", "Never answers in time.", (x, r) -> {
                                try {
                                    release.await(60, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                return text("too late");
                            }),
                            tool("huge", "Answers with 50 MB.", (x, r) -> text("x".repeat(HUGE_CHARS))),
                            tool("list_issues", "Lists every issue.", (x, r) -> {
                                StringBuilder json = new StringBuilder("[");
                                for (int i = 1; i <= 3000; i++) {
                                    json.append(i == 1 ? "" : ",")
                                            .append("{\"id\":")
                                            .append(i)
                                            .append(",\"title\":\"issue ")
                                            .append(i)
                                            .append("\"}");
                                }
                                return text(json.append("]").toString());
                            }),
                            tool(
                                    "locked",
                                    "Fails.",
                                    (x, r) -> McpSchema.CallToolResult.builder()
                                            .addTextContent("the tracker is read-only today")
                                            .isError(true)
                                            .build()))
                    .build();
            jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
            ServletContextHandler context = new ServletContextHandler();
            ServletHolder servlet = new ServletHolder(transport);
            servlet.setAsyncSupported(true);
            context.addServlet(servlet, "/*");
            jetty.setHandler(context);
            jetty.start();
        }

        private static SyncToolSpecification tool(
                String name,
                String description,
                java.util.function.BiFunction<
                                McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult>
                        handler) {
            return SyncToolSpecification.builder()
                    .tool(McpSchema.Tool.builder()
                            .name(name)
                            .description(description)
                            .inputSchema(
                                    Map.of("type", "object", "properties", Map.of("id", Map.of("type", "integer"))))
                            .build())
                    .callHandler(handler)
                    .build();
        }

        private static McpSchema.CallToolResult text(String text) {
            return McpSchema.CallToolResult.builder().addTextContent(text).build();
        }

        String url() {
            return "http://127.0.0.1:" + jetty.getURI().getPort() + "/mcp";
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            mcp.close();
            jetty.stop();
        }
    }

    private static Map<String, String> settings(FakeModelServer model, String mcpServers) {
        return Map.of(
                "NIGHTSHIFT_MODEL",
                "openai-compatible/coder",
                "OPENAI_COMPATIBLE_BASE_URL",
                model.openAiBaseUrl(),
                "NIGHTSHIFT_MCP_SERVERS",
                mcpServers);
    }

    private static ToolCall call(String id, String tool, String arguments) {
        return new ToolCall(id, "mcp__tracker__" + tool, arguments);
    }

    @Test
    void theAgentCallsTheDeploymentsMcpServerWithAVaultSecretAndEveryFaultIsABoundedToolError() throws Exception {
        try (TrackerMcp tracker = new TrackerMcp();
                FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        settings(
                                model,
                                // the same server twice: once as the tracker, once with a short timeout (long enough to
                                // start)
                                "[{\"name\":\"tracker\",\"url\":\"" + tracker.url() + "\",\"secret\":\"TRACKER_MCP\","
                                        + "\"tools\":[\"get_issue\",\"whoami\",\"huge\",\"locked\",\"list_issues\"],"
                                        + "\"maxAnswerChars\":2000,\"timeoutSeconds\":60},"
                                        + "{\"name\":\"impatient\",\"url\":\"" + tracker.url()
                                        + "\",\"secret\":\"TRACKER_MCP\","
                                        + "\"tools\":[\"slow\"],\"timeoutSeconds\":5},"
                                        // and one that is not there at all
                                        + "{\"name\":\"gone\",\"url\":\"http://127.0.0.1:"
                                        + FakeModelServer.unusedPort() + "/mcp\",\"tools\":[\"*\"]}]"),
                        p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            ApiClient.Response stored = api.post(
                    "/api/secrets",
                    Map.of("name", "TRACKER_MCP", "value", SECRET, "delivery", "mcp", "hosts", List.of("127.0.0.1")));
            assertThat(stored.status()).as(stored.raw()).isEqualTo(201);
            String id = api.createSession("/srv/mcp");
            model.enqueue(
                    Reply.toolCalls(call("c1", "get_issue", "{\"id\":7}")),
                    Reply.toolCalls(call("c2", "delete_issue", "{\"id\":7}")),
                    Reply.toolCalls(new ToolCall("c3", "mcp__impatient__slow", "{}")),
                    Reply.toolCalls(call("c4", "huge", "{}")),
                    Reply.toolCalls(call("c5", "locked", "{}")),
                    Reply.toolCalls(call("c6", "whoami", "{}")),
                    Reply.toolCalls(call("c7", "list_issues", "{}")),
                    Reply.text("Issue 7 is a Safari bug; the tracker is read-only today."));
            api.prompt(id, "what is issue 7 about?", null);
            await().atMost(WAIT)
                    .until(() -> api.allEvents(id).stream()
                            .anyMatch(e -> e.path("type").asText().equals("turn_complete")));
            List<JsonNode> events = api.allEvents(id);
            assertThat(events.getLast().path("data").path("status").asText()).isEqualTo("completed");
            Function<String, JsonNode> result = callId -> events.stream()
                    .filter(e -> e.path("type").asText().equals("tool_result")
                            && e.path("data").path("callId").asText().equals(callId))
                    .findFirst()
                    .orElseThrow()
                    .path("data");

            // the allowed tools, and only those, were offered, with the server's descriptions
            String offered = model.requests().getFirst().tools().toString();
            assertThat(offered)
                    .contains("mcp__tracker__get_issue", "mcp__tracker__whoami", "mcp__impatient__slow")
                    .contains("[MCP server tracker] Reads an issue by its number.")
                    .doesNotContain("delete_issue")
                    .doesNotContain("mcp__impatient__get_issue")
                    .doesNotContain("mcp__gone__"); // a server that cannot be reached is left out of the turn

            // the answer reached the model; the server saw the vault's secret on every request
            assertThat(result.apply("c1").path("content").asText())
                    .isEqualTo("ISSUE-7: the login button does nothing on Safari");
            assertThat(model.requests().get(1).messages().toString()).contains("does nothing on Safari");
            assertThat(tracker.authorizations).isNotEmpty().allMatch(("Bearer " + SECRET)::equals);

            // outside the allow-list there is no such tool, and the server was never asked
            assertThat(result.apply("c2").path("error").asBoolean()).isTrue();
            assertThat(result.apply("c2").path("content").asText())
                    .contains("there is no tool 'mcp__tracker__delete_issue'");
            assertThat(tracker.deletes).hasValue(0);

            // a timeout, a 50 MB answer and an error are bounded tool errors, and the turn went on
            assertThat(result.apply("c3").path("error").asBoolean()).isTrue();
            assertThat(result.apply("c3").path("content").asText())
                    .isEqualTo("the MCP server impatient did not answer within 5 s; the call was abandoned "
                            + "(try a narrower request, or go on without it)");
            assertThat(result.apply("c4").path("error").asBoolean()).isTrue();
            assertThat(result.apply("c4").path("content").asText())
                    .startsWith("the answer of MCP server tracker was larger than 8 MiB and was dropped unread")
                    .hasSizeLessThan(2_000);
            assertThat(result.apply("c5").path("error").asBoolean()).isTrue();
            assertThat(result.apply("c5").path("content").asText())
                    .isEqualTo("the tool reported an error: the tracker is read-only today");

            // a long JSON answer is pretty-printed and cut, with a note on how to ask for less
            String listed = result.apply("c7").path("content").asText();
            assertThat(result.apply("c7").path("error").asBoolean()).isFalse();
            assertThat(listed)
                    .startsWith("[ {\n  \"id\" : 1,")
                    .containsPattern("\\[truncated: \\d+ more characters; ask for a narrower result")
                    .hasSizeLessThan(2_300);

            // an answer that echoes the secret has it replaced before the model or the log sees it
            assertThat(result.apply("c6").path("content").asText()).isEqualTo("you sent Bearer [secret TRACKER_MCP]");

            // the value is nowhere but in the requests to the MCP server
            assertThat(ApiClient.JSON.writeValueAsString(events)).doesNotContain(SECRET);
            assertThat(model.requests())
                    .allSatisfy(r -> assertThat(r.body().toString()).doesNotContain(SECRET));
            String env = s.server
                    .sandboxes()
                    .acquire(id)
                    .exec(ExecRequest.shell("env; cat /proc/self/environ | tr '\\0' '\\n'"), OutputListener.IGNORE)
                    .stdout();
            assertThat(env).contains("HOME=").doesNotContain(SECRET).doesNotContain("TRACKER_MCP");
        }
    }

    @Test
    void aBrokenServerEntryKeepsTheServerFromStartingNamingTheEntry() {
        try (FakeModelServer model = FakeModelServer.start()) {
            assertThatThrownBy(() -> TestServer.start(
                                    settings(model, "[{\"name\":\"tracker\",\"url\":\"https://mcp.example.com/mcp\"}]"),
                                    p -> {})
                            .close())
                    .hasStackTraceContaining("NIGHTSHIFT_MCP_SERVERS: entry 1 (tracker): 'tools' is required");
        }
    }
}

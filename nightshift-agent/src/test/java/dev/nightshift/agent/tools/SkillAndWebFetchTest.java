package dev.nightshift.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.egress.AllowlistPolicy;
import dev.nightshift.sandbox.egress.EgressListener;
import dev.nightshift.sandbox.egress.EgressProxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skill and web_fetch in a real sandbox; web_fetch through a real egress proxy with an allowlist. */
class SkillAndWebFetchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;

    static BubblewrapProvider provider;
    static Sandbox sandbox;
    static HttpServer origin;

    @BeforeAll
    static void start() throws Exception {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/page", exchange -> {
            byte[] body =
                    "<html><head><style>p{}</style></head><body><h1>Docs</h1><p>Use the <b>v2</b> API.</p></body></html>"
                            .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();
        int port = origin.getAddress().getPort();
        // the real proxy and policy; only the address guard is told to accept this loopback origin
        provider = new BubblewrapProvider(
                BubblewrapConfig.under(data.resolve("sandboxes")),
                (sessionId, socket) -> EgressProxy.start(
                        socket,
                        new AllowlistPolicy(
                                sessionId, List.of("docs.test"), Set.of(port), address -> Optional.empty(), host ->
                                        new java.net.InetAddress[] {java.net.InetAddress.getByName("127.0.0.1")}),
                        EgressListener.NONE));
        sandbox = provider.create(new SandboxSpec("ses_tools", SandboxLimits.DEFAULTS, Map.of()));
    }

    @AfterAll
    static void stop() {
        provider.close();
        origin.stop(0);
    }

    private static ToolResult call(Tool tool, String json) throws Exception {
        return tool.run(JSON.readTree(json), new ToolContext() {
            @Override
            public Sandbox sandbox() {
                return sandbox;
            }

            @Override
            public void emit(dev.nightshift.core.event.EventPayload payload) {}

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

    @Test
    void skillsAreListedAndLoadedWithTheirArguments() throws Exception {
        SkillTool skill = new SkillTool();
        assertThat(call(skill, "{}").content()).contains("no skills");
        sandbox.writeFile(
                ".agents/skills/deploy/SKILL.md",
                "---\nname: deploy\ndescription: Ship a service to staging\n---\nDeploy $ARGUMENTS with ./deploy.sh\n"
                        .getBytes(StandardCharsets.UTF_8));
        sandbox.writeFile(
                ".claude/skills/review/SKILL.md",
                "# Review a pull request\nLook at the diff.\n".getBytes(StandardCharsets.UTF_8));
        String listed = call(skill, "{}").content();
        assertThat(listed).contains("- deploy: Ship a service to staging").contains("- review: Review a pull request");
        ToolResult loaded = call(skill, "{\"name\":\"deploy\",\"arguments\":\"billing-api\"}");
        assertThat(loaded.error()).isFalse();
        assertThat(loaded.content())
                .contains("Deploy billing-api with ./deploy.sh")
                .doesNotContain("$ARGUMENTS");
        assertThat(call(skill, "{\"name\":\"nope\"}").content())
                .contains("no skill 'nope'")
                .contains("deploy");
    }

    @Test
    void webFetchGoesThroughTheProxyAndReturnsText() throws Exception {
        WebFetchTool fetch = new WebFetchTool();
        ToolResult page =
                call(fetch, "{\"url\":\"http://docs.test:" + origin.getAddress().getPort() + "/page\"}");
        assertThat(page.error()).as(page.content()).isFalse();
        assertThat(page.content())
                .startsWith("HTTP 200")
                .contains("Docs")
                .contains("Use the v2 API.")
                .doesNotContain("<b>")
                .doesNotContain("p{}");
        ToolResult refused = call(
                fetch, "{\"url\":\"http://elsewhere.test:" + origin.getAddress().getPort() + "/page\"}");
        assertThat(refused.error()).isTrue();
        assertThat(refused.content()).contains("HTTP 403").contains("nightshift egress");
        assertThat(call(fetch, "{\"url\":\"file:///etc/passwd\"}").content()).contains("http:// or https://");
        assertThat(call(fetch, "{}").error()).isTrue();
    }
}

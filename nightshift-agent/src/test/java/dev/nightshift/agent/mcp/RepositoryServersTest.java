package dev.nightshift.agent.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepositoryServersTest {
    @Test
    void commandServersAreTakenRemoteAndBrokenOnesSkippedWithANote() {
        RepositoryServers.Declared d = RepositoryServers.parse("""
                {"mcpServers": {
                  "Notes DB": {"command": "python3", "args": ["tools/notes.py", "--db", "x"], "env": {"LEVEL": "debug"}},
                  "remote": {"type": "http", "url": "https://mcp.example.com/mcp"},
                  "nothing": {"args": ["x"]},
                  "notes-db": {"command": "other"}
                }}""");
        assertThat(d.servers())
                .containsExactly(new RepositoryServers.StdioServer(
                        "notes-db", "python3", List.of("tools/notes.py", "--db", "x"), Map.of("LEVEL", "debug")));
        assertThat(d.skipped())
                .hasSize(3)
                .anySatisfy(n -> assertThat(n).startsWith("remote: a remote server"))
                .anySatisfy(n -> assertThat(n).startsWith("nothing: no \"command\""))
                .anySatisfy(n -> assertThat(n).startsWith("notes-db: its name"));
    }

    @Test
    void aBrokenFileIsANoteNotAnError() {
        assertThat(RepositoryServers.parse("{").skipped().getFirst()).contains("not valid JSON");
        assertThat(RepositoryServers.parse("{\"servers\":{}}").skipped().getFirst())
                .contains("no \"mcpServers\"");
        assertThat(RepositoryServers.parse("{\"servers\":{}}").servers()).isEmpty();
    }

    @Test
    void atMostTenServersAreStarted() {
        StringBuilder json = new StringBuilder("{\"mcpServers\":{");
        for (int i = 0; i < 12; i++) {
            json.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":{\"command\":\"x\"}");
        }
        RepositoryServers.Declared d = RepositoryServers.parse(json.append("}}").toString());
        assertThat(d.servers()).hasSize(RepositoryServers.MAX_SERVERS);
        assertThat(d.skipped()).hasSize(2).allSatisfy(n -> assertThat(n).contains("more than 10"));
    }

    @Test
    void namesAreMadeSafeForToolNames() {
        assertThat(RepositoryServers.safeName("My Server!")).isEqualTo("my-server");
        assertThat(RepositoryServers.safeName("--")).isEmpty();
        assertThat(RepositoryServers.safeName("x".repeat(40))).hasSize(32);
        assertThat(McpConnection.toolName("docs", "search.v2")).isEqualTo("mcp__docs__search_v2");
        String a = McpConnection.toolName("s".repeat(32), "t".repeat(40) + "a");
        String b = McpConnection.toolName("s".repeat(32), "t".repeat(40) + "b");
        assertThat(a).hasSize(McpConnection.MAX_TOOL_NAME).isNotEqualTo(b).matches("[A-Za-z0-9_-]+");
    }
}

package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.agent.mcp.RemoteServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP settings: servers inline or in a file, refused at start with the entry and the rule named. */
class McpConfigTest {
    private static final String ONE =
            "[{\"name\":\"docs\",\"url\":\"https://mcp.example.com/mcp\",\"tools\":[\"search\"]}]";

    @Test
    void serversAreReadInlineOrFromTheFileTheSettingNames(@TempDir Path dir) throws Exception {
        assertThat(NightshiftConfig.from(Map.of()).mcpServers()).isEmpty();
        assertThat(NightshiftConfig.from(Map.of("NIGHTSHIFT_MCP_SERVERS", ONE)).mcpServers())
                .extracting(RemoteServer::name)
                .containsExactly("docs");
        Path file = Files.writeString(dir.resolve("mcp.json"), ONE);
        assertThat(NightshiftConfig.from(Map.of("NIGHTSHIFT_MCP_SERVERS", file.toString()))
                        .mcpServers())
                .extracting(RemoteServer::name)
                .containsExactly("docs");
        assertThat(NightshiftConfig.from(Map.of()).mcpRepositoryServers()).isTrue();
        assertThat(NightshiftConfig.from(Map.of("NIGHTSHIFT_MCP_REPOSITORY_SERVERS", "false"))
                        .mcpRepositoryServers())
                .isFalse();
    }

    @Test
    void aBrokenSettingStopsTheStartNamingTheSettingTheFileAndTheEntry(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> NightshiftConfig.fromSources(Map.of(
                        "NIGHTSHIFT_MCP_SERVERS", dir.resolve("missing.json").toString())))
                .hasMessageStartingWith("NIGHTSHIFT_MCP_SERVERS is neither a JSON array nor a readable file");
        Path file = Files.writeString(dir.resolve("mcp.json"), "[{\"name\":\"docs\",\"url\":\"https://x.example\"}]");
        assertThatThrownBy(() -> NightshiftConfig.fromSources(Map.of("NIGHTSHIFT_MCP_SERVERS", file.toString())))
                .hasMessage("NIGHTSHIFT_MCP_SERVERS (" + file + "): entry 1 (docs): 'tools' is required: list the "
                        + "tools the agent may call, or [\"*\"] to allow every tool the server offers");
        assertThatThrownBy(() -> NightshiftConfig.fromSources(Map.of("NIGHTSHIFT_MCP_REPOSITORY_SERVERS", "maybe")))
                .hasMessageContaining("NIGHTSHIFT_MCP_REPOSITORY_SERVERS must be true or false");
    }
}

package dev.nightshift.agent.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class McpServersTest {
    @Test
    void anEntryTakesItsDefaultsOnce() {
        List<RemoteServer> servers =
                McpServers.parse("[{\"name\":\"docs\",\"url\":\"https://mcp.example.com/mcp\",\"tools\":[\"*\"]}]");
        assertThat(servers)
                .containsExactly(new RemoteServer(
                        "docs",
                        URI.create("https://mcp.example.com/mcp"),
                        null,
                        null,
                        List.of("*"),
                        List.of(),
                        RemoteServer.DEFAULT_MAX_ANSWER_CHARS,
                        RemoteServer.DEFAULT_TIMEOUT));
        assertThat(servers.getFirst().allows("anything")).isTrue();
        assertThat(servers.getFirst().servesRepository(null)).isTrue();
        assertThat(servers.getFirst().headerName()).isEqualTo("Authorization");
        assertThat(servers.getFirst().headerValue("v")).isEqualTo("Bearer v");
        assertThat(McpServers.parse("")).isEmpty();
        assertThat(McpServers.parse("[]")).isEmpty();
    }

    @Test
    void everyFieldIsRead() {
        RemoteServer s = McpServers.parse("""
                [{"name": "tracker", "url": "https://mcp.example.com/v1/mcp?team=x", "secret": "TRACKER_MCP",
                  "header": "X-Api-Key", "tools": ["list_issues", "get_issue"],
                  "repositories": ["github.com/acme/*"], "maxAnswerChars": 5000, "timeoutSeconds": 7}]""").getFirst();
        assertThat(s.secret()).isEqualTo("TRACKER_MCP");
        assertThat(s.headerName()).isEqualTo("X-Api-Key");
        assertThat(s.headerValue("v")).isEqualTo("v");
        assertThat(s.maxAnswerChars()).isEqualTo(5000);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.allows("get_issue")).isTrue();
        assertThat(s.allows("delete_issue")).isFalse();
        assertThat(s.servesRepository("https://github.com/acme/app.git")).isTrue();
        assertThat(s.servesRepository("https://github.com/other/app.git")).isFalse();
        assertThat(s.servesRepository(null)).isFalse();
        assertThat(s.servesRepository("::not a url")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"name\":\"x\"} | must be a JSON array",
                "[{] | not valid JSON",
                "[1] | entry 1: must be an object",
                "[{\"url\":\"https://a.b/mcp\",\"tools\":[\"*\"]}] | entry 1: 'name' is required",
                "[{\"name\":\"Docs\",\"url\":\"https://a.b/mcp\",\"tools\":[\"*\"]}] | entry 1 (Docs): 'name' must be",
                "[{\"name\":\"docs\",\"tools\":[\"*\"]}] | entry 1 (docs): 'url' is required",
                "[{\"name\":\"docs\",\"url\":\"ftp://a.b/x\",\"tools\":[\"*\"]}] | 'url' must be an https:// URL",
                "[{\"name\":\"docs\",\"url\":\"https://u:p@a.b/x\",\"tools\":[\"*\"]}] | belongs in the vault",
                "[{\"name\":\"docs\",\"url\":\"http://a.b/x\",\"secret\":\"K\",\"tools\":[\"*\"]}] | must be https:// to carry a secret",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\"}] | 'tools' is required",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\",\"tools\":[]}] | 'tools' is required",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\",\"tools\":\"*\"}] | 'tools' must be an array",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\",\"tools\":[\"*\"],\"secret\":\"1BAD\"}] | 'secret' names a vault secret",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\",\"tools\":[\"*\"],\"header\":\"X-Key\"}] | needs 'secret'",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\",\"tools\":[\"*\"],\"maxAnswerChars\":10}] | 'maxAnswerChars' must be a whole number from 1000",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\",\"tools\":[\"*\"],\"timeoutSeconds\":0}] | 'timeoutSeconds' must be a whole number from 1 to 600",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\",\"tools\":[\"*\"],\"timeout\":5}] | unknown field [timeout]",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\",\"tools\":[\"*\"],\"repositories\":[\"https:///x\"]}] | 'repositories' has 'https:///x'",
                "[{\"name\":\"docs\",\"url\":\"https://a.b/x\",\"tools\":[\"*\"]},{\"name\":\"docs\",\"url\":\"https://c.d/x\",\"tools\":[\"*\"]}] | entry 2 (docs): the name docs is used twice",
            })
    void aBrokenEntryIsRefusedNamingItAndTheRule(String json, String message) {
        assertThatThrownBy(() -> McpServers.parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message.strip());
    }

    @Test
    void plainHttpCarriesASecretOnlyOnLoopback() {
        assertThat(
                        McpServers.parse(
                                "[{\"name\":\"local\",\"url\":\"http://127.0.0.1:9000/mcp\",\"secret\":\"K\",\"tools\":[\"*\"]}]"))
                .hasSize(1);
        assertThat(
                        McpServers.parse(
                                "[{\"name\":\"local\",\"url\":\"http://localhost:9000/mcp\",\"secret\":\"K\",\"tools\":[\"*\"]}]"))
                .hasSize(1);
        assertThat(McpServers.parse("[{\"name\":\"open\",\"url\":\"http://intranet/mcp\",\"tools\":[\"*\"]}]"))
                .hasSize(1);
    }
}

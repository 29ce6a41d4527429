package dev.nightshift.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The tool set as a whole: specs, the explorer's subset, read-only refusals, and bad arguments for every tool. */
class ToolsTest {
    @TempDir
    static Path data;

    static TestSandbox box;

    @BeforeAll
    static void start() {
        box = TestSandbox.start(data, "ses_toolstest");
    }

    @AfterAll
    static void stop() {
        box.close();
    }

    private static Tool tool(String name) {
        return Tools.all().stream()
                .filter(t -> t.spec().name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void everyToolHasAUniqueNameADescriptionAndAStrictObjectSchema() throws Exception {
        List<String> names = new ArrayList<>();
        for (Tool tool : Tools.all()) {
            names.add(tool.spec().name());
            assertThat(tool.spec().description()).as(tool.spec().name()).hasSizeGreaterThan(40);
            JsonNode schema = TestSandbox.JSON.readTree(tool.spec().parametersJsonSchema());
            assertThat(schema.path("type").asText()).isEqualTo("object");
            assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
            assertThat(schema.path("properties").isObject()).isTrue();
            for (JsonNode required : schema.path("required")) {
                assertThat(schema.path("properties").has(required.asText()))
                        .as(tool.spec().name() + " " + required)
                        .isTrue();
            }
            schema.path("properties").forEach(p -> assertThat(p.has("type")).isTrue());
        }
        assertThat(names)
                .containsExactly(
                        "read", "write", "edit", "grep", "glob", "ls", "bash", "todo_write", "skill", "web_fetch");
    }

    @Test
    void anExplorerGetsTheToolsThatWriteNothing() {
        assertThat(Tools.readOnly().stream().map(t -> t.spec().name()))
                .containsExactly("read", "grep", "glob", "ls", "bash", "skill", "web_fetch");
    }

    @Test
    void writingToolsRefuseInAReadOnlyExplorerAndChangeNothing() throws Exception {
        box.write("ro/keep.txt", "original\n");
        TestSandbox.Context ctx = box.readOnlyContext();
        ToolResult write = ctx.call(tool("write"), "{\"path\":\"ro/new.txt\",\"content\":\"x\"}");
        ToolResult edit = ctx.call(
                tool("edit"), "{\"path\":\"ro/keep.txt\",\"old_string\":\"original\",\"new_string\":\"changed\"}");
        ToolResult todo = ctx.call(tool("todo_write"), "{\"todos\":[]}");
        for (ToolResult r : List.of(write, edit, todo)) {
            assertThat(r.error()).isTrue();
            assertThat(r.content()).startsWith("this is a read-only explorer: nothing may be written");
        }
        assertThat(box.sandbox.stat("ro/new.txt")).isEmpty();
        assertThat(box.read("ro/keep.txt")).isEqualTo("original\n");
        assertThat(ctx.events).isEmpty();
        assertThat(ctx.call(tool("read"), "{\"path\":\"ro/keep.txt\"}").content())
                .isEqualTo("     1\toriginal");
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                // every tool: not an object, an unknown field
                arguments("read", "[\"a.txt\"]", "the arguments must be a JSON object, got an array"),
                arguments("read", "\"a.txt\"", "the arguments must be a JSON object, got a string (\"a.txt\")"),
                arguments(
                        "read",
                        "{\"paht\":\"a.txt\"}",
                        "unknown argument 'paht'; the arguments are: path, offset, limit"),
                arguments("read", "null", "'path' is required (a string)"),
                arguments("read", "{}", "'path' is required (a string)"),
                arguments("read", "{\"path\":null}", "'path' is required (a string), got null"),
                arguments("read", "{\"path\":5}", "'path' must be a string, got an integer (5)"),
                arguments("read", "{\"path\":\"\"}", "'path' must not be empty"),
                arguments(
                        "read",
                        "{\"path\":\"a\",\"offset\":\"2\"}",
                        "'offset' must be an integer, got a string (\"2\")"),
                arguments("read", "{\"path\":\"a\",\"offset\":1.5}", "'offset' must be an integer, got a number (1.5)"),
                arguments("read", "{\"path\":\"a\",\"limit\":0}", "'limit' must be between 1 and 2147483647, got 0"),
                arguments("read", "{\"path\":\"a\",\"limit\":99999999999}", "'limit' must be between 1 and 2147483647"),
                arguments("read", "{\"path\":\".\"}", "'path' names the workspace itself"),
                arguments("write", "{\"path\":\"a.txt\"}", "'content' is required (a string)"),
                arguments(
                        "write", "{\"path\":\"a.txt\",\"content\":null}", "'content' is required (a string), got null"),
                arguments(
                        "write",
                        "{\"path\":\"a.txt\",\"content\":{\"x\":1}}",
                        "'content' must be a string, got an object"),
                arguments("write", "{\"path\":[\"a\"],\"content\":\"x\"}", "'path' must be a string, got an array"),
                arguments("write", "{\"path\":\"/etc/x\",\"content\":\"x\"}", "outside the workspace"),
                arguments("edit", "{\"path\":\"a.txt\",\"new_string\":\"b\"}", "'old_string' is required (a string)"),
                arguments("edit", "{\"path\":\"a.txt\",\"old_string\":\"a\"}", "'new_string' is required (a string)"),
                arguments(
                        "edit",
                        "{\"path\":\"a.txt\",\"old_string\":\"a\",\"new_string\":\"b\",\"replace_all\":\"yes\"}",
                        "'replace_all' must be true or false, got a string (\"yes\")"),
                arguments(
                        "edit",
                        "{\"path\":\"a.txt\",\"old_string\":1,\"new_string\":\"b\"}",
                        "'old_string' must be a string, got an integer (1)"),
                arguments("grep", "{}", "'pattern' is required (a string)"),
                arguments("grep", "{\"pattern\":null}", "'pattern' is required (a string), got null"),
                arguments("grep", "{\"pattern\":5}", "'pattern' must be a string, got an integer (5)"),
                arguments("grep", "{\"pattern\":\"\"}", "'pattern' is empty"),
                arguments(
                        "grep",
                        "{\"pattern\":\"x\",\"case_insensitive\":\"true\"}",
                        "'case_insensitive' must be true or false, got a string (\"true\")"),
                arguments("grep", "{\"pattern\":\"x\",\"glob\":3}", "'glob' must be a string, got an integer (3)"),
                arguments("grep", "{\"pattern\":\"x\",\"glob\":\"*.{ts\"}", "has a '{' without a '}'"),
                arguments("grep", "{\"pattern\":\"x\",\"path\":\"../..\"}", "leads outside the workspace"),
                arguments("glob", "{}", "'pattern' is required (a string)"),
                arguments("glob", "{\"pattern\":\" \"}", "'pattern' must not be empty"),
                arguments("glob", "{\"pattern\":\"*\",\"path\":5}", "'path' must be a string, got an integer (5)"),
                arguments("glob", "{\"pattern\":\"a}b\"}", "has a '}' without a '{'"),
                arguments("ls", "{\"path\":5}", "'path' must be a string, got an integer (5)"),
                arguments("ls", "{\"path\":true}", "'path' must be a string, got a boolean (true)"),
                arguments("ls", "{\"dir\":\"src\"}", "unknown argument 'dir'; the arguments are: path"),
                arguments("bash", "{}", "'command' is required (a string)"),
                arguments("bash", "{\"command\":null}", "'command' is required (a string), got null"),
                arguments("bash", "{\"command\":[\"ls\"]}", "'command' must be a string, got an array"),
                arguments("bash", "{\"command\":\"  \"}", "'command' must not be empty"),
                arguments(
                        "bash",
                        "{\"command\":\"ls\",\"timeout_ms\":700000}",
                        "'timeout_ms' must be between 1 and 600000, got 700000"),
                arguments(
                        "bash",
                        "{\"command\":\"ls\",\"timeout_ms\":\"1000\"}",
                        "'timeout_ms' must be an integer, got a string (\"1000\")"),
                arguments(
                        "bash",
                        "{\"command\":\"ls\",\"detached\":1}",
                        "'detached' must be true or false, got an integer (1)"),
                arguments(
                        "bash", "{\"command\":\"ls\",\"workdir\":7}", "'workdir' must be a string, got an integer (7)"),
                arguments("todo_write", "{}", "'todos' is required (an array)"),
                arguments("todo_write", "{\"todos\":null}", "'todos' is required (an array), got null"),
                arguments(
                        "todo_write",
                        "{\"todos\":\"write tests\"}",
                        "'todos' must be an array, got a string (\"write tests\")"),
                arguments("todo_write", "{\"todos\":{\"content\":\"a\"}}", "'todos' must be an array, got an object"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badArguments")
    void badArgumentsAreAnsweredWithAClearErrorNotAnException(String name, String json, String message)
            throws Exception {
        TestSandbox.Context ctx = box.context();
        ToolResult r = ctx.call(tool(name), json);
        assertThat(r.error()).as(r.content()).isTrue();
        assertThat(r.content()).contains(message);
        assertThat(ctx.events).isEmpty();
    }

    @Test
    void aJavaNullForArgumentsCountsAsNone() throws Exception {
        ToolResult r = tool("read").run(null, box.context());
        assertThat(r.error()).isTrue();
        assertThat(r.content()).isEqualTo("'path' is required (a string)");
        assertThat(tool("ls").run(null, box.context()).error()).isFalse();
    }

    @Test
    void nullsInOptionalFieldsCountAsAbsent() throws Exception {
        box.write("opt/x.txt", "one\ntwo\n");
        TestSandbox.Context ctx = box.context();
        assertThat(ctx.call(tool("read"), "{\"path\":\"opt/x.txt\",\"offset\":null,\"limit\":null}")
                        .content())
                .isEqualTo("     1\tone\n     2\ttwo");
        assertThat(ctx.call(
                                tool("bash"),
                                "{\"command\":\"echo hi\",\"timeout_ms\":null,\"detached\":null,\"workdir\":null}")
                        .content())
                .startsWith("hi\n");
        assertThat(ctx.call(
                                tool("grep"),
                                "{\"pattern\":\"two\",\"path\":\"opt\",\"glob\":null,\"case_insensitive\":null}")
                        .content())
                .endsWith("opt/x.txt:2: two");
    }
}

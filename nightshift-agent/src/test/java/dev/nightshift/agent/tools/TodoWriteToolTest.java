package dev.nightshift.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TodoWriteToolTest {
    @TempDir
    static Path data;

    static TestSandbox box;
    final Tool todo = new TodoWriteTool();

    @BeforeAll
    static void start() {
        box = TestSandbox.start(data, "ses_todotool");
    }

    @AfterAll
    static void stop() {
        box.close();
    }

    @Test
    void replacesTheListAndEmitsItAsATodoEvent() throws Exception {
        TestSandbox.Context ctx = box.context();
        ToolResult r = ctx.call(todo, """
                {"todos": [
                  {"content": "read the code", "status": "completed"},
                  {"content": "fix the bug", "status": "in_progress"},
                  {"content": "run the tests", "status": "pending"}
                ]}""");
        assertThat(r.error()).isFalse();
        assertThat(r.content())
                .isEqualTo("todo list updated: 3 items (1 completed, 1 in progress, 1 pending); now: fix the bug");
        assertThat(ctx.events).hasSize(1);
        assertThat(ctx.events.getFirst().type()).isEqualTo("todo");
        JsonNode event = TestSandbox.JSON.readTree(ctx.events.getFirst().json());
        assertThat(event).isEqualTo(TestSandbox.JSON.readTree("""
                {"todos": [
                  {"content": "read the code", "status": "completed"},
                  {"content": "fix the bug", "status": "in_progress"},
                  {"content": "run the tests", "status": "pending"}
                ]}"""));

        ToolResult cleared = ctx.call(todo, "{\"todos\":[]}");
        assertThat(cleared.content()).isEqualTo("the todo list is now empty");
        assertThat(ctx.events.getLast().json()).isEqualTo("{\"todos\":[]}");
    }

    @Test
    void refusesTwoItemsInProgressAndEmitsNothing() throws Exception {
        TestSandbox.Context ctx = box.context();
        ToolResult r = ctx.call(todo, """
                {"todos": [{"content": "a", "status": "in_progress"}, {"content": "b", "status": "in_progress"}]}""");
        assertThat(r.error()).isTrue();
        assertThat(r.content()).contains("at most one todo may be in_progress", "'a', 'b'");
        assertThat(ctx.events).isEmpty();
    }

    @Test
    void namesTheItemAndFieldThatIsWrong() throws Exception {
        TestSandbox.Context ctx = box.context();
        assertThat(ctx.call(
                                todo,
                                "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\"},{\"content\":\"b\",\"status\":\"done\"}]}")
                        .content())
                .isEqualTo("'todos[1].status' must be one of pending, in_progress, completed, got 'done'");
        assertThat(ctx.call(todo, "{\"todos\":[{\"status\":\"pending\"}]}").content())
                .isEqualTo("'todos[0].content' is required (a string)");
        assertThat(ctx.call(todo, "{\"todos\":[{\"content\":\"  \",\"status\":\"pending\"}]}")
                        .content())
                .isEqualTo("'todos[0].content' must not be empty");
        assertThat(ctx.call(todo, "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\",\"priority\":\"high\"}]}")
                        .content())
                .isEqualTo("unknown argument 'todos[0].priority'; the arguments are: content, status");
        assertThat(ctx.call(todo, "{\"todos\":[\"just text\"]}").content())
                .isEqualTo("todos[0] must be a JSON object, got a string (\"just text\")");
        assertThat(ctx.call(todo, "{\"todos\":[null]}").content()).isEqualTo("todos[0] must be an object, got null");
        assertThat(ctx.events).isEmpty();
    }

    @Test
    void aReadOnlyExplorerCannotWriteTodos() throws Exception {
        TestSandbox.Context ctx = box.readOnlyContext();
        ToolResult r = ctx.call(todo, "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\"}]}");
        assertThat(r.error()).isTrue();
        assertThat(r.content()).contains("this is a read-only explorer");
        assertThat(ctx.events).isEmpty();
    }
}

package dev.nightshift.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.event.EventPayload.TodoItem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces the session's todo list. The list lives in the session log (a {@code todo} event), where
 * the user sees it and the agent loop finds it again after a restart.
 */
public final class TodoWriteTool extends BaseTool {
    public static final String NAME = "todo_write";
    static final int MAX_TODOS = 100;
    static final List<String> STATUSES = List.of("pending", "in_progress", "completed");
    private static final Set<String> ITEM_FIELDS = new LinkedHashSet<>(List.of("content", "status"));

    private static final String DESCRIPTION = """
            Replaces the session's todo list, which the user sees, with `todos` (send the whole list every time). \
            Use it for work of several steps: plan the steps, keep exactly the current one `in_progress` (at most \
            one at a time), and mark each `completed` as soon as it is done.""";
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "todos": {
                  "type": "array",
                  "maxItems": %d,
                  "description": "the complete list, in order",
                  "items": {
                    "type": "object",
                    "properties": {
                      "content": {"type": "string", "description": "what to do, in a few words"},
                      "status": {"type": "string", "enum": ["pending", "in_progress", "completed"]}
                    },
                    "required": ["content", "status"],
                    "additionalProperties": false
                  }
                }
              },
              "required": ["todos"],
              "additionalProperties": false
            }""".formatted(MAX_TODOS);

    public TodoWriteTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid {
        JsonNode items = args.array("todos");
        if (items.size() > MAX_TODOS) {
            return ToolResult.error("'todos' has " + items.size() + " items; keep the list to at most " + MAX_TODOS);
        }
        List<TodoItem> todos = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Args item = Args.nested(items.get(i), ITEM_FIELDS, "todos[" + i + "]");
            String content = item.nonBlank("content").strip();
            String status = item.string("status");
            if (!STATUSES.contains(status)) {
                throw new Args.Invalid("'todos[" + i + "].status' must be one of " + String.join(", ", STATUSES)
                        + ", got '" + Format.cut(status, 40) + "'");
            }
            todos.add(new TodoItem(content, status));
        }
        List<String> inProgress = todos.stream()
                .filter(t -> t.status().equals("in_progress"))
                .map(TodoItem::content)
                .toList();
        if (inProgress.size() > 1) {
            return ToolResult.error("at most one todo may be in_progress, but " + inProgress.size() + " are: '"
                    + String.join("', '", inProgress)
                    + "'; keep the one you are working on and set the others to pending");
        }
        context.emit(new EventPayload.Todo(todos));
        return ToolResult.ok(summary(todos, inProgress));
    }

    private static String summary(List<TodoItem> todos, List<String> inProgress) {
        if (todos.isEmpty()) {
            return "the todo list is now empty";
        }
        long completed =
                todos.stream().filter(t -> t.status().equals("completed")).count();
        long pending = todos.stream().filter(t -> t.status().equals("pending")).count();
        return "todo list updated: " + Format.count(todos.size(), "item", "items") + " (" + completed + " completed, "
                + inProgress.size() + " in progress, " + pending + " pending)"
                + (inProgress.isEmpty() ? "" : "; now: " + inProgress.getFirst());
    }
}

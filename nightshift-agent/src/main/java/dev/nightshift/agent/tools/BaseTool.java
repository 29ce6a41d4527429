package dev.nightshift.agent.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.ToolSpec;
import dev.nightshift.core.sandbox.SandboxException;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What every tool does around its own work: refuses writing tools in a read-only explorer, reads
 * the arguments against the schema's field names, and turns the model's mistakes and the sandbox's
 * refusals (a missing file, a path out of the workspace) into error results instead of exceptions.
 */
abstract class BaseTool implements Tool {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String READ_ONLY_REFUSAL =
            "this is a read-only explorer: nothing may be written, so %s is not available; report what you found instead";

    private final ToolSpec spec;
    private final Set<String> fields;

    BaseTool(String name, String description, String parametersJsonSchema) {
        this.spec = new ToolSpec(name, description, parametersJsonSchema);
        this.fields = fieldsOf(name, parametersJsonSchema);
    }

    /** The schema's property names: the one list of what a call may contain. */
    private static Set<String> fieldsOf(String name, String schema) {
        try {
            Set<String> names = new LinkedHashSet<>();
            JSON.readTree(schema).path("properties").fieldNames().forEachRemaining(names::add);
            return Collections.unmodifiableSet(names);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the schema of tool " + name + " is not valid JSON", e);
        }
    }

    @Override
    public final ToolSpec spec() {
        return spec;
    }

    @Override
    public final ToolResult run(JsonNode arguments, ToolContext context) throws InterruptedException {
        if (!readOnly() && context.readOnly()) {
            return ToolResult.error(context.writeRefused(spec.name()));
        }
        try {
            return run(Args.of(arguments, fields), context);
        } catch (Args.Invalid e) {
            return ToolResult.error(e.getMessage());
        } catch (IOException | SandboxException e) {
            if (Thread.interrupted()) { // the sandbox's file operations report an interrupt as an IOException
                throw new InterruptedException("interrupted while running tool " + spec.name());
            }
            // the sandbox's own words: "'/workspace/x' does not exist", "… leads outside the workspace"
            return ToolResult.error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    abstract ToolResult run(Args args, ToolContext context) throws Args.Invalid, IOException, InterruptedException;
}

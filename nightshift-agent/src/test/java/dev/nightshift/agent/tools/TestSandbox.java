package dev.nightshift.agent.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.EgressAttachment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** A real bubblewrap sandbox for one test class, and tool contexts over it that record what they emit. */
final class TestSandbox implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final BubblewrapProvider provider;
    final Sandbox sandbox;

    private TestSandbox(Path dir, String session) {
        provider = new BubblewrapProvider(BubblewrapConfig.under(dir.resolve("sandboxes")), EgressAttachment.NONE);
        sandbox = provider.create(new SandboxSpec(session, SandboxLimits.DEFAULTS, Map.of()));
    }

    static TestSandbox start(Path dir, String session) {
        return new TestSandbox(dir, session);
    }

    Context context() {
        return new Context(sandbox, false);
    }

    Context readOnlyContext() {
        return new Context(sandbox, true);
    }

    void write(String path, String content) throws IOException {
        sandbox.writeFile(path, content.getBytes(StandardCharsets.UTF_8));
    }

    String read(String path) throws IOException {
        return new String(sandbox.readFile(path, 0, 1 << 20), StandardCharsets.UTF_8);
    }

    /** Runs a setup script in the sandbox; it must succeed. */
    String sh(String script) throws InterruptedException {
        ExecResult r =
                sandbox.exec(ExecRequest.shell(script).withTimeout(Duration.ofSeconds(60)), OutputListener.IGNORE);
        if (r.exitCode() != 0) {
            throw new AssertionError(
                    "setup failed (exit " + r.exitCode() + "): " + script + "\n" + r.stdout() + r.stderr());
        }
        return r.stdout();
    }

    @Override
    public void close() {
        sandbox.destroy();
        provider.close();
    }

    record Event(String type, String json) {}

    /** A tool context that records emitted events and can be told to stop. */
    static final class Context implements ToolContext {
        private final Sandbox sandbox;
        private final boolean readOnly;
        final List<Event> events = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();

        Context(Sandbox sandbox, boolean readOnly) {
            this.sandbox = sandbox;
            this.readOnly = readOnly;
        }

        @Override
        public Sandbox sandbox() {
            return sandbox;
        }

        @Override
        public void emit(dev.nightshift.core.event.EventPayload payload) {
            events.add(new Event(payload.eventType().wire(), payload.toJson()));
        }

        @Override
        public boolean readOnly() {
            return readOnly;
        }

        @Override
        public boolean stopRequested() {
            return stop.get();
        }

        /** Calls a tool with arguments written as JSON text ("null" for a JSON null). */
        ToolResult call(Tool tool, String argumentsJson) throws Exception {
            return tool.run(JSON.readTree(argumentsJson), this);
        }
    }
}

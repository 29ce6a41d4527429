package dev.nightshift.agent.mcp;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.QueuedInput;
import dev.nightshift.core.sandbox.Sandbox;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * MCP's stdio transport to a server running inside a session's sandbox: the command runs through
 * the {@link Sandbox} port (so in the sandbox's namespaces, limits and network), newline-delimited
 * JSON-RPC goes in on its standard input and comes out of its standard output. The SDK's own stdio
 * transport starts a host process, which is exactly what must not happen here.
 *
 * <p>A message longer than {@code maxMessageBytes} is dropped as it streams past, never held whole;
 * the requests waiting for an answer then fail with an error saying so, as do those still waiting
 * when the process ends. The command runs on a virtual thread of its own; output arrives on the
 * sandbox's pump thread; messages are sent from any thread.
 */
final class SandboxStdioTransport implements McpClientTransport {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxStdioTransport.class);
    private static final int STDERR_KEPT = 2_000;

    private final Sandbox sandbox;
    private final ExecRequest command;
    private final McpJsonMapper mapper;
    private final int maxMessageBytes;
    private final String server;
    private final QueuedInput input = new QueuedInput(Long.MAX_VALUE);
    /** Requests sent and not answered yet: what fails when an answer cannot be read. */
    private final Set<Object> waiting = ConcurrentHashMap.newKeySet();

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean skippingLine;
    private final StringBuilder stderr = new StringBuilder();

    private volatile Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler;
    private volatile Consumer<Throwable> exceptionHandler = t -> {};
    private volatile Thread runner;
    private volatile boolean closed;

    SandboxStdioTransport(
            Sandbox sandbox, ExecRequest command, McpJsonMapper mapper, int maxMessageBytes, String server) {
        this.sandbox = sandbox;
        this.command = command;
        this.mapper = mapper;
        this.maxMessageBytes = maxMessageBytes;
        this.server = server;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> {
            this.handler = handler;
            runner = Thread.ofVirtual().name("mcp-stdio-" + server).start(this::run);
        });
    }

    private void run() {
        String end;
        try {
            ExecResult result = sandbox.exec(command, input, this::output);
            end = "the server's process ended (exit " + result.exitCode() + ")";
        } catch (InterruptedException e) {
            end = "the server was stopped";
        } catch (RuntimeException e) {
            end = "the server could not run: " + e.getMessage();
        }
        closed = true;
        String tail = stderrTail();
        failWaiting(end + (tail.isEmpty() ? "" : "; it printed: " + tail));
    }

    private void output(OutputListener.Stream stream, byte[] chunk) {
        if (stream == OutputListener.Stream.STDERR) {
            synchronized (stderr) {
                stderr.append(new String(chunk, StandardCharsets.UTF_8));
                if (stderr.length() > STDERR_KEPT * 2) {
                    stderr.delete(0, stderr.length() - STDERR_KEPT);
                }
            }
            return;
        }
        List<String> complete = new ArrayList<>();
        synchronized (line) {
            int start = 0;
            for (int i = 0; i < chunk.length; i++) {
                if (chunk[i] != '\n') {
                    continue;
                }
                if (!skippingLine) {
                    line.write(chunk, start, i - start);
                    complete.add(line.toString(StandardCharsets.UTF_8));
                }
                line.reset();
                skippingLine = false;
                start = i + 1;
            }
            if (!skippingLine && start < chunk.length) {
                line.write(chunk, start, chunk.length - start);
                if (line.size() > maxMessageBytes) {
                    line.reset();
                    skippingLine = true;
                    complete.add(null); // stands for the message that was dropped
                }
            }
        }
        for (String message : complete) {
            if (message == null) {
                failWaiting("the answer " + McpTools.TOO_LARGE);
            } else if (!message.isBlank()) {
                deliver(message);
            }
        }
    }

    private void deliver(String text) {
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(mapper, text);
        } catch (IOException | RuntimeException e) {
            // servers print logs to stdout by mistake; the protocol's messages still get through
            LOG.debug("MCP server {} printed a line that is not JSON-RPC", server);
            return;
        }
        if (message instanceof McpSchema.JSONRPCResponse response) {
            waiting.remove(response.id());
        }
        handle(message);
    }

    private void handle(McpSchema.JSONRPCMessage message) {
        var h = handler;
        if (h != null) {
            h.apply(Mono.just(message)).subscribe(m -> {}, exceptionHandler);
        }
    }

    /** Answers every request still waiting with an error: the SDK's caller sees it at once, not at its timeout. */
    private void failWaiting(String why) {
        for (Object id : List.copyOf(waiting)) {
            if (waiting.remove(id)) {
                handle(McpSchema.JSONRPCResponse.error(
                        id, new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR, why)));
            }
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            if (closed) {
                throw new IllegalStateException("the MCP server " + server + " is not running: " + stderrTail());
            }
            String json;
            try {
                json = mapper.writeValueAsString(message);
            } catch (IOException e) {
                throw new IllegalStateException("could not write a message to MCP server " + server, e);
            }
            if (message instanceof McpSchema.JSONRPCRequest request) {
                waiting.add(request.id());
            }
            // JSON has no raw line breaks inside strings, so one message is one line
            if (!input.offer((json + "\n").getBytes(StandardCharsets.UTF_8))) {
                throw new IllegalStateException("the MCP server " + server + " is not running (its input is closed)");
            }
        });
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    /** Ends the server: end of input, then the command (and everything it started) is killed. */
    @Override
    public void close() {
        closed = true;
        input.close();
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return mapper.convertValue(data, typeRef);
    }

    private String stderrTail() {
        synchronized (stderr) {
            String s = stderr.toString().strip();
            return s.length() > STDERR_KEPT ? "…" + s.substring(s.length() - STDERR_KEPT) : s;
        }
    }
}

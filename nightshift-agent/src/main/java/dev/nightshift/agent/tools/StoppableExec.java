package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.SandboxException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a command in the sandbox while watching the session's stop signal. {@code exec} blocks
 * until the command ends, so it runs on a thread of its own; when a stop is requested that thread
 * is interrupted, which makes the sandbox kill the command and everything it started.
 */
final class StoppableExec {
    static final Duration STOP_POLL_INTERVAL = Duration.ofMillis(100);

    /** @param result null when the command was stopped before it ended */
    record Outcome(ExecResult result) {
        boolean stopped() {
            return result == null;
        }
    }

    private StoppableExec() {}

    static Outcome run(ToolContext context, ExecRequest request, OutputListener listener) throws InterruptedException {
        if (context.stopRequested()) {
            return new Outcome(null);
        }
        FutureTask<ExecResult> task = new FutureTask<>(() -> context.sandbox().exec(request, listener));
        Thread worker = Thread.ofVirtual().name("tool-exec").start(task);
        try {
            while (true) {
                try {
                    return new Outcome(task.get(STOP_POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    if (context.stopRequested()) {
                        worker.interrupt();
                        worker.join(); // the sandbox kills the command, then exec returns
                        return new Outcome(null);
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof InterruptedException) {
                return new Outcome(null);
            }
            throw new SandboxException("the command failed: " + cause, cause);
        } catch (InterruptedException e) {
            worker.interrupt(); // the caller gave up: the command goes with it
            throw e;
        }
    }
}

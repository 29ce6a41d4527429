package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.OutputListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every provider does with the host processes that run its commands: pump their output, track background ones. */
final class SandboxProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxProcesses.class);

    private SandboxProcesses() {}

    /** A background process and what it printed. */
    record Detached(String id, String command, Instant startedAt, Process process, OutputCapture output) {
        DetachedProcess view() {
            return new DetachedProcess(id, command, startedAt, process.isAlive() ? null : process.exitValue());
        }
    }

    /** Copies a stream into the capture and the listener on a virtual thread of its own, until end of stream. */
    static Thread pump(InputStream in, OutputListener.Stream stream, OutputListener listener, OutputCapture capture) {
        return Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    capture.add(buffer, n);
                    try {
                        listener.output(stream, Arrays.copyOf(buffer, n));
                    } catch (RuntimeException e) {
                        LOG.debug("output listener failed", e);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
    }

    /**
     * Streams {@code input} into a process's stdin on a virtual thread and closes it at the end;
     * an empty input closes it at once, so a command waiting on stdin sees end-of-file, not a hang.
     * Each chunk is passed on as soon as it is read (the process's stdin is buffered), so a
     * process the control plane talks to a line at a time gets each line when it is written.
     */
    static void feed(OutputStream stdin, InputStream input) {
        Thread.ofVirtual().start(() -> {
            try (stdin;
                    input) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = input.read(buffer)) >= 0) {
                    if (n > 0) {
                        stdin.write(buffer, 0, n);
                        stdin.flush();
                    }
                }
            } catch (IOException e) {
                // the command ended before reading everything; its exit status says why
            }
        });
    }
}

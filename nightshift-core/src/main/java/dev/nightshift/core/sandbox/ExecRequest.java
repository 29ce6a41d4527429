package dev.nightshift.core.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run inside a sandbox.
 *
 * @param argv the program and its arguments; {@link #shell} builds {@code bash -lc <script>}
 * @param workdir a directory relative to the workspace ("" for the workspace itself)
 * @param env extra environment for this command
 * @param timeout the command (and everything it started) is killed after this long
 * @param readOnly the workspace and home are mounted read-only for this command (an explorer's
 *     view): enforced by the sandbox, not by asking nicely
 */
public record ExecRequest(
        List<String> argv, String workdir, Map<String, String> env, Duration timeout, boolean readOnly) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    public ExecRequest {
        if (argv == null || argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program");
        }
        argv = List.copyOf(argv);
        workdir = workdir == null ? "" : workdir;
        env = env == null ? Map.of() : Map.copyOf(env);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    public ExecRequest(List<String> argv, String workdir, Map<String, String> env, Duration timeout) {
        this(argv, workdir, env, timeout, false);
    }

    public static ExecRequest shell(String script) {
        return new ExecRequest(List.of("bash", "-c", script), "", Map.of(), DEFAULT_TIMEOUT);
    }

    public ExecRequest withTimeout(Duration value) {
        return new ExecRequest(argv, workdir, env, value, readOnly);
    }

    public ExecRequest withWorkdir(String value) {
        return new ExecRequest(argv, value, env, timeout, readOnly);
    }

    public ExecRequest withEnv(Map<String, String> value) {
        return new ExecRequest(argv, workdir, value, timeout, readOnly);
    }

    public ExecRequest asReadOnly() {
        return new ExecRequest(argv, workdir, env, timeout, true);
    }
}

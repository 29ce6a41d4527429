package dev.nightshift.server.testing;

import dev.nightshift.server.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real server process ({@link TestServerMain}) on a data directory, for tests that kill it with
 * SIGKILL and start it again. Its output is drained so it never blocks on its own logging.
 */
public record ServerProcess(Process process, String url) {
    /** Starts one and waits until it listens; {@code env} adds or overrides settings. */
    public static ServerProcess start(Path dataDir, Map<String, String> env) throws IOException {
        return launch(dataDir, env, List.of(TestServerMain.class.getName()), "READY ");
    }

    /**
     * Starts the real {@code nightshift serve} ({@link Main}) and waits until it says where it runs;
     * {@code env} adds or overrides settings.
     */
    public static ServerProcess serve(Path dataDir, Map<String, String> env) throws IOException {
        return launch(dataDir, env, List.of(Main.class.getName(), "serve"), "Nightshift is running at ");
    }

    private static ServerProcess launch(Path dataDir, Map<String, String> env, List<String> main, String ready)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        argv.addAll(main);
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().put("NIGHTSHIFT_DATA_DIR", dataDir.toString());
        builder.environment().put("NIGHTSHIFT_PORT", "0");
        builder.environment()
                .put(
                        "NIGHTSHIFT_CONFIG_FILE",
                        dataDir.resolve("none.properties").toString());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        StringBuilder log = new StringBuilder();
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            log.append(line).append('\n');
            if (line.startsWith(ready)) {
                Thread.ofVirtual().start(() -> drain(out));
                return new ServerProcess(process, line.substring(ready.length()).trim());
            }
        }
        process.destroyForcibly();
        throw new AssertionError("server process did not start:\n" + log);
    }

    /** SIGKILL: no shutdown hook, no flush; returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the server process outlived SIGKILL");
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the pipe empty so the server never blocks on its own logging
            }
        } catch (IOException ignored) {
            // process gone
        }
    }
}

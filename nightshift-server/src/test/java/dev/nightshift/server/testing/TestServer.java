package dev.nightshift.server.testing;

import dev.nightshift.server.Nightshift;
import dev.nightshift.server.NightshiftConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real Nightshift on a free port with its own data directory, in one line:
 * {@code try (var s = TestServer.start(p -> p.executor = myExecutor)) { … }}.
 */
public final class TestServer implements AutoCloseable {
    public final Nightshift server;
    public final Path dataDir;
    public final ApiClient admin;
    private final boolean ownsDataDir;

    private TestServer(Nightshift server, Path dataDir, boolean ownsDataDir) {
        this.server = server;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.admin = client(server.adminToken());
    }

    public static TestServer start(Consumer<Nightshift.Plugins> plugins) {
        return start(Map.of(), plugins);
    }

    /** @param settings extra {@code NIGHTSHIFT_*} settings (e.g. a PostgreSQL database URL) */
    public static TestServer start(Map<String, String> settings, Consumer<Nightshift.Plugins> plugins) {
        Path dir = tempDir();
        return start(dir, true, settings, plugins);
    }

    public static TestServer start(
            Path dataDir, boolean ownsDataDir, Map<String, String> settings, Consumer<Nightshift.Plugins> plugins) {
        Map<String, String> values = new HashMap<>(settings);
        values.put("NIGHTSHIFT_DATA_DIR", dataDir.toString());
        values.putIfAbsent("NIGHTSHIFT_PORT", "0");
        // tests' users (not only the administrator) start sessions on made-up paths under /srv
        values.putIfAbsent("NIGHTSHIFT_LOCAL_REPOSITORY_ROOTS", "/srv");
        return new TestServer(
                Nightshift.start(NightshiftConfig.from(values), withoutSandboxes(plugins)), dataDir, ownsDataDir);
    }

    public static TestServer start(NightshiftConfig config, Consumer<Nightshift.Plugins> plugins) {
        return new TestServer(Nightshift.start(config, withoutSandboxes(plugins)), config.dataDir(), false);
    }

    /** Sandboxes are off unless a test asks for them ({@code p.sandboxes = true}): most tests are about the API. */
    private static Consumer<Nightshift.Plugins> withoutSandboxes(Consumer<Nightshift.Plugins> plugins) {
        return p -> {
            p.sandboxes = false;
            plugins.accept(p);
        };
    }

    public ApiClient client(String token) {
        return new ApiClient(server.url(), token);
    }

    public String url() {
        return server.url();
    }

    public String wsUrl(String sessionId) {
        return server.url().replaceFirst("^http", "ws") + "/api/sessions/" + sessionId + "/ws";
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("nightshift-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        if (ownsDataDir) {
            deleteTree(dataDir);
        }
    }
}

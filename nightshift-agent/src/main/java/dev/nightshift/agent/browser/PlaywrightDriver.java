package dev.nightshift.agent.browser;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Playwright's driver is and which Node.js runs it. Playwright for Java talks to a Node.js
 * process running the npm package {@code playwright-core}; Nightshift never uses the bundled driver
 * (it carries its own Node.js and downloads browsers). The driver is found, in this order: the
 * system property {@code playwright.cli.dir} (the tests' build unpacks the package there), or the
 * copy the server's build packs into its jar under {@value #RESOURCE_ROOT}, unpacked once into a
 * directory of its version under {@code java.io.tmpdir}. Node.js is {@code PLAYWRIGHT_NODEJS_PATH}
 * or {@code node} on the {@code PATH}. Called on a browser's own thread before it creates
 * Playwright; thread-safe (unpacking is serialised).
 */
public final class PlaywrightDriver {
    static final String CLI_DIR_PROPERTY = "playwright.cli.dir";

    /** The packed driver's place among the classpath resources: {@code index} lists its files. */
    static final String RESOURCE_ROOT = "playwright-driver";

    private PlaywrightDriver() {}

    /** Makes sure a driver and Node.js are there and {@code playwright.cli.dir} names the driver. */
    public static synchronized void prepare() throws IOException {
        node().orElseThrow(() -> new IOException("the browser tool needs Node.js on the server, which runs "
                + "Playwright's driver: install Node.js 18 or newer (the `node` command), or set "
                + "PLAYWRIGHT_NODEJS_PATH to its binary"));
        String configured = System.getProperty(CLI_DIR_PROPERTY);
        if (configured != null && Files.isRegularFile(Path.of(configured, "package", "cli.js"))) {
            return;
        }
        Path unpacked = unpack().orElseThrow(() -> new IOException("the browser tool has no Playwright driver: this "
                + "build carries no playwright-core package (build the server with npm available), and the "
                + "system property " + CLI_DIR_PROPERTY + " names no directory with package/cli.js"));
        System.setProperty(CLI_DIR_PROPERTY, unpacked.toString());
    }

    /** The Node.js binary Playwright will start, if there is one. */
    static Optional<Path> node() {
        String explicit = System.getenv("PLAYWRIGHT_NODEJS_PATH");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, "node");
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Unpacks the driver the jar carries, once per version; empty when the jar carries none. */
    private static Optional<Path> unpack() throws IOException {
        ClassLoader loader = PlaywrightDriver.class.getClassLoader();
        List<String> files;
        String version;
        try (InputStream index = loader.getResourceAsStream(RESOURCE_ROOT + "/index");
                InputStream v = loader.getResourceAsStream(RESOURCE_ROOT + "/version")) {
            if (index == null || v == null) {
                return Optional.empty();
            }
            files = new String(index.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
            version = new String(v.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        if (!version.matches("[0-9A-Za-z.+-]{1,40}")) {
            throw new IOException("the packed Playwright driver has a strange version: " + version);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "nightshift-playwright-" + version);
        Path done = dir.resolve(".complete");
        if (Files.isRegularFile(done)) {
            return Optional.of(dir);
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "nightshift-playwright-");
        for (String file : files) {
            Path target = work.resolve(file).normalize();
            if (!file.startsWith("package/") || !target.startsWith(work)) {
                throw new IOException("the packed Playwright driver names a file outside it: " + file);
            }
            try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + "/" + file)) {
                if (in == null) {
                    throw new IOException("the packed Playwright driver lacks " + file);
                }
                Files.createDirectories(target.getParent());
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(work.resolve(".complete"), version);
        try {
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // another process unpacked it first: theirs is as good
            if (!Files.isRegularFile(done)) {
                throw e;
            }
        }
        return Optional.of(dir);
    }

    /**
     * The environment Playwright's driver runs with: the Node.js found here (without it Playwright
     * looks for one inside the driver's directory) and never a browser download. Public for the
     * browser benchmark, whose floor is a Playwright of its own driving the host's Chromium.
     */
    public static Map<String, String> environment() throws IOException {
        Path node = node().orElseThrow(() -> new IOException("Node.js went away; install it again"));
        return Map.of("PLAYWRIGHT_NODEJS_PATH", node.toString(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    }
}

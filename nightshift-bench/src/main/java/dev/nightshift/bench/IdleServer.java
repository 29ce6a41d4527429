package dev.nightshift.bench;

import dev.nightshift.server.Nightshift;
import dev.nightshift.server.NightshiftConfig;
import dev.nightshift.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child JVM for measurement 4: a Nightshift on SQLite and nothing else, so its heap and RSS are the
 * server's alone. Prints {@code READY <url> <admin token>}; on {@code measure} prints
 * {@code MEASURE <heap used> <rss> <websocket connections> <live threads>}; exits on {@code quit}.
 */
public final class IdleServer {
    private IdleServer() {}

    public static void main(String[] args) throws Exception {
        Path dir = TestServer.tempDir();
        Nightshift ns = Nightshift.start(NightshiftConfig.from(Map.of(
                "NIGHTSHIFT_PORT", "0", "NIGHTSHIFT_DATA_DIR", dir.toString())), p -> {});
        try {
            System.out.println("READY " + ns.url() + " " + ns.adminToken());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                if (line.equals("measure")) {
                    long heap = Child.heapAfterGc();
                    System.out.println("MEASURE " + heap + " " + Child.selfRss() + " " + ns.webSocketConnections()
                            + " " + ManagementFactory.getThreadMXBean().getThreadCount());
                }
            }
        } finally {
            ns.close();
            TestServer.deleteTree(dir);
        }
        System.exit(0);
    }
}

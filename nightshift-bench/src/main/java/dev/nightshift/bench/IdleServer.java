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
import javax.management.ObjectName;

/**
 * Child JVM for measurement 4: a Nightshift on SQLite and nothing else, so its heap and RSS are the
 * server's alone. Prints {@code READY <url> <admin token>}; on {@code measure} prints
 * {@code MEASURE <heap used> <rss> <websocket connections> <live threads> <live Jetty HTTP sessions>}; exits on {@code quit}.
 */
public final class IdleServer {
    private IdleServer() {}

    /** Live instances of a class, from the JVM's own class histogram (-1 when unavailable). */
    static long liveInstances(String className) {
        try {
            Object histogram = ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "gcClassHistogram",
                            new Object[] {new String[0]},
                            new String[] {String[].class.getName()});
            for (String line : histogram.toString().split("\n")) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length >= 4 && cols[3].equals(className)) {
                    return Long.parseLong(cols[1]);
                }
            }
            return 0;
        } catch (Exception e) {
            return -1;
        }
    }

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        Path dir = TestServer.tempDir();
        Nightshift ns = Nightshift.start(
                NightshiftConfig.from(Map.of("NIGHTSHIFT_PORT", "0", "NIGHTSHIFT_DATA_DIR", dir.toString())), p -> {});
        try {
            System.out.println("READY " + ns.url() + " " + ns.adminToken());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                if (line.equals("measure")) {
                    long heap = Child.heapAfterGc();
                    long rss = Child.selfRss();
                    System.out.println("MEASURE " + heap + " " + rss + " " + ns.webSocketConnections()
                            + " " + ManagementFactory.getThreadMXBean().getThreadCount() + " "
                            + liveInstances("org.eclipse.jetty.session.ManagedSession"));
                }
            }
        } finally {
            ns.close();
            TestServer.deleteTree(dir);
        }
        System.exit(0);
    }
}

package dev.nightshift.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of every live thread of this JVM, virtual threads included (the JDK's JSON thread dump;
 * {@code Thread.getAllStackTraces} leaves virtual threads out), for tests that show what holds a thread.
 */
public final class ThreadDump {
    private ThreadDump() {}

    public static List<String> names() {
        try {
            Path dir = Files.createTempDirectory("threads");
            Path file = dir.resolve("dump.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                JsonNode dump = ApiClient.JSON.readTree(file.toFile());
                List<String> names = new ArrayList<>();
                for (JsonNode container : dump.path("threadDump").path("threadContainers")) {
                    for (JsonNode thread : container.path("threads")) {
                        names.add(thread.path("name").asText());
                    }
                }
                return names;
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

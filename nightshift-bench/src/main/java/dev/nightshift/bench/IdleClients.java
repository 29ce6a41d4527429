package dev.nightshift.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM for measurement 4: one subscribed WebSocket client per line of the pairs file
 * ({@code <ws url> <live token>}). Prints {@code READY <snapshots received>} and holds the
 * connections until {@code quit}.
 */
public final class IdleClients {
    private IdleClients() {}

    public static void main(String[] args) throws Exception {
        List<String> pairs = Files.readAllLines(Path.of(args[0]));
        HttpClient http = HttpClient.newHttpClient();
        List<Collector> clients = new ArrayList<>();
        for (String pair : pairs) {
            String[] p = pair.split(" ");
            Collector c = Collector.connect(http, p[0], 0, null);
            c.subscribe(p[1]);
            clients.add(c);
        }
        int snapshots = 0;
        for (Collector c : clients) {
            if (c.snapshot.await(60, TimeUnit.SECONDS)) {
                snapshots++;
            }
        }
        System.out.println("READY " + snapshots);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            // hold the connections
        }
        clients.parallelStream().forEach(Collector::close);
        System.exit(0);
    }
}

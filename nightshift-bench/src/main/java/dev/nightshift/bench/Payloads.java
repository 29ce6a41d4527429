package dev.nightshift.bench;

/** Event data shaped like an agent's output: about 200 bytes of JSON each. */
final class Payloads {
    private Payloads() {}

    private static final String[] KINDS = {"assistant_text", "tool_call", "tool_result", "thinking"};
    private static final String[] TEXT = {
        "Reading src/main/java/dev/nightshift/store/JdbcEvents.java to see how sequence numbers are assigned",
        "Running ./mvnw -q test in nightshift-server; 142 tests, 0 failures, build took 41 seconds overall",
        "The append path bumps sessions.last_seq and inserts the row in one transaction, so there is no gap",
        "Editing README.md: documenting NIGHTSHIFT_SQLITE_SYNCHRONOUS and what FULL costs on a slow disk",
    };

    /** A realistic event body, ~200 bytes. */
    static String realistic(int i) {
        String kind = KINDS[i % KINDS.length];
        String text = TEXT[i % TEXT.length];
        return "{\"kind\":\"" + kind + "\",\"index\":" + i + ",\"text\":\"" + text + "\",\"tokens\":" + (17 + i % 40)
                + ",\"final\":false}";
    }

    /** A fan-out event: its index, its append time (System.nanoTime of this JVM) and padding to ~200 bytes. */
    static String timed(int round, int i, long nanoTime) {
        return "{\"r\":" + round + ",\"i\":" + i + ",\"t\":" + nanoTime + ",\"text\":\"" + TEXT[i % TEXT.length]
                + " (fan-out probe)\"}";
    }
}

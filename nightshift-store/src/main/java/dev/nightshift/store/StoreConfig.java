package dev.nightshift.store;

import java.nio.file.Path;

/**
 * How to reach the database.
 *
 * @param jdbcUrl {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://…}
 * @param poolSize most open connections
 * @param sqliteSynchronous SQLite's {@code synchronous} pragma: NORMAL survives a killed process
 *     (the WAL is in the OS cache), FULL also survives power loss at the cost of an fsync per commit
 */
public record StoreConfig(String jdbcUrl, String user, String password, int poolSize, String sqliteSynchronous) {
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final String DEFAULT_SQLITE_SYNCHRONOUS = "NORMAL";

    public StoreConfig {
        if (jdbcUrl == null || !(jdbcUrl.startsWith("jdbc:sqlite:") || jdbcUrl.startsWith("jdbc:postgresql:"))) {
            throw new IllegalArgumentException(
                    "database URL must start with jdbc:sqlite: or jdbc:postgresql:, got " + jdbcUrl);
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("database pool size must be at least 1, got " + poolSize);
        }
        if (!java.util.Set.of("OFF", "NORMAL", "FULL", "EXTRA").contains(sqliteSynchronous)) {
            throw new IllegalArgumentException(
                    "SQLite synchronous must be OFF, NORMAL, FULL or EXTRA, got " + sqliteSynchronous);
        }
    }

    public static StoreConfig sqlite(Path file) {
        return new StoreConfig(
                "jdbc:sqlite:" + file.toAbsolutePath(), null, null, DEFAULT_POOL_SIZE, DEFAULT_SQLITE_SYNCHRONOUS);
    }

    public static StoreConfig postgres(String jdbcUrl, String user, String password) {
        return new StoreConfig(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_SQLITE_SYNCHRONOUS);
    }

    public boolean isSqlite() {
        return jdbcUrl.startsWith("jdbc:sqlite:");
    }
}

package dev.nightshift.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * Databases for tests: a SQLite file in a temporary directory, or a fresh PostgreSQL database that
 * is dropped again on close. PostgreSQL is found at {@code NIGHTSHIFT_TEST_POSTGRES_URL} (default:
 * the local server on 127.0.0.1:5432) as {@code NIGHTSHIFT_TEST_POSTGRES_USER} (default postgres).
 */
public final class TestDatabases {
    public static final String POSTGRES_URL =
            env("NIGHTSHIFT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    public static final String POSTGRES_USER = env("NIGHTSHIFT_TEST_POSTGRES_USER", "postgres");
    public static final String POSTGRES_PASSWORD = env("NIGHTSHIFT_TEST_POSTGRES_PASSWORD", "");

    private TestDatabases() {}

    public static StoreConfig sqlite(Path directory) {
        return StoreConfig.sqlite(directory.resolve("nightshift.db"));
    }

    /** Creates an empty PostgreSQL database; closing it drops the database. */
    public static Postgres postgres() {
        String name = "nightshift_test_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        admin("CREATE DATABASE " + name);
        String url = POSTGRES_URL.substring(0, POSTGRES_URL.lastIndexOf('/') + 1) + name;
        return new Postgres(name, StoreConfig.postgres(url, POSTGRES_USER, POSTGRES_PASSWORD));
    }

    public record Postgres(String name, StoreConfig config) implements AutoCloseable {
        @Override
        public void close() {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL is needed for this test and was not reachable at " + POSTGRES_URL + " as "
                            + POSTGRES_USER + " (set NIGHTSHIFT_TEST_POSTGRES_URL): " + e.getMessage(),
                    e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

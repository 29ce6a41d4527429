package dev.nightshift.bench;

import dev.nightshift.server.Nightshift;
import dev.nightshift.server.NightshiftConfig;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.store.StoreConfig;
import dev.nightshift.store.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/** One Nightshift under test, started exactly as {@code nightshift serve} would be, on SQLite or PostgreSQL. */
final class BenchServer implements AutoCloseable {
    final String db;
    final Nightshift ns;
    final ApiClient admin;
    private final Path dir;
    private final TestDatabases.Postgres pg;

    private BenchServer(String db, Nightshift ns, Path dir, TestDatabases.Postgres pg) {
        this.db = db;
        this.ns = ns;
        this.dir = dir;
        this.pg = pg;
        this.admin = new ApiClient(ns.url(), ns.adminToken());
    }

    static BenchServer sqlite() {
        return sqlite(Map.of(), p -> {});
    }

    /** {@code extra}: further {@code NIGHTSHIFT_*} settings; {@code plugins}: e.g. an executor, sandboxes off. */
    static BenchServer sqlite(Map<String, String> extra, Consumer<Nightshift.Plugins> plugins) {
        Path dir = TestServer.tempDir();
        try {
            Map<String, String> values = settings(dir);
            values.putAll(extra);
            return new BenchServer("SQLite", Nightshift.start(NightshiftConfig.from(values), plugins), dir, null);
        } catch (RuntimeException e) {
            TestServer.deleteTree(dir);
            throw e;
        }
    }

    static BenchServer postgres() {
        return postgres(Map.of(), p -> {});
    }

    static BenchServer postgres(Map<String, String> extra, Consumer<Nightshift.Plugins> plugins) {
        Path dir = TestServer.tempDir();
        TestDatabases.Postgres pg = TestDatabases.postgres();
        try {
            Map<String, String> values = settings(dir);
            values.putAll(extra);
            values.put("NIGHTSHIFT_DATABASE_URL", pg.config().jdbcUrl());
            values.put("NIGHTSHIFT_DATABASE_USER", pg.config().user());
            if (pg.config().password() != null && !pg.config().password().isEmpty()) {
                values.put("NIGHTSHIFT_DATABASE_PASSWORD", pg.config().password());
            }
            return new BenchServer("PostgreSQL", Nightshift.start(NightshiftConfig.from(values), plugins), dir, pg);
        } catch (RuntimeException e) {
            pg.close();
            TestServer.deleteTree(dir);
            throw e;
        }
    }

    static BenchServer start(boolean postgres) {
        return postgres ? postgres() : sqlite();
    }

    static BenchServer start(boolean postgres, Map<String, String> extra, Consumer<Nightshift.Plugins> plugins) {
        return postgres ? postgres(extra, plugins) : sqlite(extra, plugins);
    }

    private static Map<String, String> settings(Path dir) {
        Map<String, String> values = new HashMap<>();
        values.put("NIGHTSHIFT_PORT", "0");
        values.put("NIGHTSHIFT_DATA_DIR", dir.toString());
        return values;
    }

    String wsUrl(String sessionId) {
        return ns.url().replaceFirst("^http", "ws") + "/api/sessions/" + sessionId + "/ws";
    }

    /**
     * A plain JDBC connection to the server's own database with the same durability settings as
     * its pool (SQLite: WAL, the configured synchronous level; PostgreSQL: the server defaults).
     */
    Connection rawConnection() throws SQLException {
        StoreConfig store = ns.config().store();
        Properties props = new Properties();
        if (store.isSqlite()) {
            props.setProperty("journal_mode", "WAL");
            props.setProperty("synchronous", store.sqliteSynchronous());
            props.setProperty("busy_timeout", "30000");
        } else {
            props.setProperty("user", store.user());
            if (store.password() != null) {
                props.setProperty("password", store.password());
            }
            props.setProperty("reWriteBatchedInserts", "true");
        }
        return DriverManager.getConnection(store.jdbcUrl(), props);
    }

    boolean isSqlite() {
        return ns.config().store().isSqlite();
    }

    @Override
    public void close() {
        try {
            ns.close();
        } finally {
            try {
                if (pg != null) {
                    pg.close();
                }
            } finally {
                TestServer.deleteTree(dir);
            }
        }
    }
}

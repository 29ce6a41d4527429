package dev.nightshift.store;

import org.junit.jupiter.api.AfterEach;

class PostgresStoreTest extends StoreContractTest {
    private TestDatabases.Postgres database;

    @Override
    protected StoreConfig config() {
        if (database == null) {
            database = TestDatabases.postgres();
        }
        return database.config();
    }

    @AfterEach
    void dropDatabase() {
        store.close();
        database.close();
        database = null;
    }
}

package dev.nightshift.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected StoreConfig config() {
        return TestDatabases.sqlite(dir);
    }
}

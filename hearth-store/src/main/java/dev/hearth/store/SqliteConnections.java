package dev.hearth.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the connection pools for an SQLite file and migrates its schema.
 *
 * <p>SQLite lets one connection write at a time. Rather than let several pooled connections race
 * for the file lock inside SQLite's busy handler, all transactions share a single write
 * connection: writers then queue in Hikari, which parks a virtual thread cheaply, instead of
 * sleeping in native code where they would hold a carrier thread and could starve the very
 * writer they wait for. Autocommit reads go to a separate small pool of {@code query_only}
 * connections; in WAL mode they never wait for the writer. See README.md for the measurements.
 */
final class SqliteConnections {
    /**
     * How long SQLite itself waits for a lock held by another process (a CLI, a backup) before
     * failing with SQLITE_BUSY. Inside this process writers never contend for the lock.
     */
    private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);
    /** How long a transaction waits for the write connection before failing. */
    private static final Duration WRITE_QUEUE_TIMEOUT = Duration.ofSeconds(30);
    private static final int READ_POOL_SIZE = 4;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    private SqliteConnections() {}

    static ConnectionPools openMigrated(String jdbcUrl) {
        if (jdbcUrl.contains(":memory:") || jdbcUrl.contains("mode=memory")) {
            // Each pooled connection would see its own empty database.
            throw new IllegalArgumentException("In-memory SQLite is not supported; use a (temporary) file: " + jdbcUrl);
        }
        // Migrate over a plain connection before any pool exists, so Flyway never waits on the
        // single write connection and no reader sees a half-built schema.
        Migrations.apply(dataSource(jdbcUrl), Dialect.SQLITE);

        HikariConfig writer = new HikariConfig();
        writer.setPoolName("hearth-sqlite-writer");
        writer.setDataSource(dataSource(jdbcUrl));
        writer.setMaximumPoolSize(1);
        writer.setConnectionTimeout(WRITE_QUEUE_TIMEOUT.toMillis());
        // Checkpoints run in the background (WalCheckpointer), never inside a request's commit.
        writer.setConnectionInitSql("PRAGMA wal_autocheckpoint = 0");

        HikariConfig reader = new HikariConfig();
        reader.setPoolName("hearth-sqlite-reader");
        reader.setDataSource(dataSource(jdbcUrl));
        reader.setMaximumPoolSize(READ_POOL_SIZE);
        reader.setMinimumIdle(1);
        // A write through read() would bypass the write queue and could hit SQLITE_BUSY.
        reader.setConnectionInitSql("PRAGMA query_only = 1");

        HikariDataSource writerPool = new HikariDataSource(writer);
        HikariDataSource readerPool = null;
        try {
            readerPool = new HikariDataSource(reader);
            return new ConnectionPools(writerPool, readerPool, new WalCheckpointer(dataSource(jdbcUrl), CHECKPOINT_INTERVAL));
        } catch (SQLException | RuntimeException e) {
            if (readerPool != null) {
                readerPool.close();
            }
            writerPool.close();
            throw e instanceof RuntimeException r ? r : new StoreException("cannot open " + jdbcUrl, e);
        }
    }

    private static SQLiteDataSource dataSource(String jdbcUrl) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL is durable against application crashes in WAL mode; only an OS crash or power
        // loss can drop the last transactions, which is the usual trade for WAL's speed.
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
        // Take the write lock at BEGIN: a deferred transaction that reads and then writes can fail
        // with SQLITE_BUSY at once (no waiting) if another process wrote in between.
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(jdbcUrl);
        return dataSource;
    }
}

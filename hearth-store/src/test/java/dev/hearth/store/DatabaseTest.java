package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;
    Path file;
    Database db;

    @BeforeEach
    void open() {
        file = dir.resolve("nested/state/hearth.db");
        db = Database.openSqlite(file);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void freshFileIsCreatedWithParentDirectoriesAndMigrated() throws SQLException {
        assertThat(file).exists();
        assertThat(db.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(tables()).contains("projects", "project_allowed_models", "api_keys", "flyway_schema_history",
                "files", "uploads", "upload_parts", "batches", "batch_requests", "stored_completions",
                "stored_completion_metadata", "usage");
        assertThat(appliedMigrations()).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void reopeningKeepsDataAndAppliesNothingTwice() throws SQLException {
        db.inTransaction(c -> insertProject(c, "proj_kept", "kept"));
        db.close();

        db = Database.openSqlite(file);

        assertThat(appliedMigrations()).containsExactly("1", "2", "3", "4", "5");
        assertThat(count("projects")).isEqualTo(1);
    }

    @Test
    void openAcceptsAnSqliteJdbcUrl() {
        db.close();
        db = Database.open("jdbc:sqlite:" + file, null, null);
        assertThat(db.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(count("projects")).isZero();
    }

    @Test
    void rejectsUrlsItCannotServe() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://localhost/hearth", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:mysql");
        assertThatThrownBy(() -> Database.open("jdbc:sqlite::memory:", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("In-memory");
    }

    @Test
    void everyConnectionUsesWalWithBusyTimeoutForeignKeysAndNormalSync() {
        List<String> expected = List.of("wal", "10000", "1", "1");
        assertThat(db.inTransaction(DatabaseTest::pragmas)).isEqualTo(expected);
        assertThat(db.read(DatabaseTest::pragmas)).isEqualTo(expected);
    }

    @Test
    void transactionCommitsWhenWorkReturns() {
        db.inTransaction(c -> insertProject(c, "proj_a", "a"));
        assertThat(count("projects")).isEqualTo(1);
    }

    @Test
    void transactionRollsBackAndRethrowsUncheckedExceptionsUnchanged() {
        IllegalStateException failure = new IllegalStateException("boom");
        assertThatThrownBy(() -> db.inTransaction(c -> {
            insertProject(c, "proj_a", "a");
            throw failure;
        })).isSameAs(failure);
        assertThat(count("projects")).isZero();
    }

    @Test
    void sqlExceptionsRollBackAndBecomeStoreExceptions() {
        assertThatThrownBy(() -> db.inTransaction(c -> {
            insertProject(c, "proj_a", "a");
            return c.prepareStatement("SELECT * FROM no_such_table").executeQuery();
        })).isExactlyInstanceOf(StoreException.class).hasCauseInstanceOf(SQLException.class)
                .hasMessageContaining("no_such_table");
        assertThat(count("projects")).isZero();
    }

    @Test
    void uniqueViolationsBecomeConflictExceptions() {
        db.inTransaction(c -> insertProject(c, "proj_a", "same"));
        assertThatThrownBy(() -> db.inTransaction(c -> insertProject(c, "proj_b", "same")))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void nestedCallsJoinTheOuterTransaction() {
        assertThatThrownBy(() -> db.inTransaction(outer -> {
            db.inTransaction(inner -> insertProject(inner, "proj_a", "a"));
            // The inner write is visible to a nested read before commit...
            long visible = db.read(c -> countIn(c, "projects"));
            assertThat(visible).isEqualTo(1);
            throw new IllegalStateException("abort");
        })).hasMessage("abort");
        // ...and rolled back with the outer transaction.
        assertThat(count("projects")).isZero();
    }

    @Test
    void anotherProcessCanWriteBetweenTransactions() throws SQLException {
        db.inTransaction(c -> insertProject(c, "proj_a", "a"));

        // Like the sqlite3 CLI: its own connection, and no patience for a held lock.
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            other.createStatement().execute("PRAGMA busy_timeout = 0");
            assertThat(insertProject(other, "proj_b", "b")).isEqualTo(1);
        }
        assertThat(count("projects")).isEqualTo(2);
    }

    @Test
    void readConnectionsRefuseWrites() {
        assertThatThrownBy(() -> db.read(c -> insertProject(c, "proj_a", "a")))
                .isInstanceOf(StoreException.class).hasMessageContaining("readonly");
    }

    @Test
    void concurrentWritersFromVirtualThreadsAllSucceed() throws Exception {
        int threads = 16;
        int writesPerThread = 25;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(executor.submit(() -> {
                    for (int i = 0; i < writesPerThread; i++) {
                        String name = thread + "/" + i;
                        // Read-then-write, the shape that fails with SQLITE_BUSY under deferred locking.
                        db.inTransaction(c -> countIn(c, "projects") >= 0 ? insertProject(c, "proj_" + name, name) : 0);
                        long visible = db.read(c -> countIn(c, "projects"));
                        assertThat(visible).isPositive();
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(); // rethrows any writer's failure, SQLITE_BUSY included
            }
        }
        assertThat(count("projects")).isEqualTo(threads * writesPerThread);
    }

    /**
     * A transaction that parks its virtual thread (awaiting other work) must not let waiting
     * writers occupy every carrier thread. With several pooled write connections, waiters spin in
     * SQLite's native busy handler, pinning carriers, and this workload ran into SQLITE_BUSY.
     */
    @Test
    void writersThatParkInsideTransactionsDoNotStarveEachOther() throws Exception {
        int threads = 16;
        int writesPerThread = 5;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(executor.submit(() -> {
                    for (int i = 0; i < writesPerThread; i++) {
                        int n = i;
                        db.inTransaction(c -> {
                            insertProject(c, "proj_" + thread + "_" + n, thread + "/" + n);
                            // Needs a free carrier thread to complete.
                            return CompletableFuture.supplyAsync(() -> n, executor).join();
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        }
        assertThat(count("projects")).isEqualTo(threads * writesPerThread);
    }

    private long count(String table) {
        return db.read(c -> countIn(c, table));
    }

    private static long countIn(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int insertProject(Connection c, String id, String name) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(
                "INSERT INTO projects (id, name, retention_days, zero_data_retention, created_at) VALUES (?, ?, 30, 0, 0)")) {
            statement.setString(1, id);
            statement.setString(2, name);
            return statement.executeUpdate();
        }
    }

    private static List<String> pragmas(Connection c) throws SQLException {
        List<String> values = new ArrayList<>();
        for (String pragma : List.of("journal_mode", "busy_timeout", "foreign_keys", "synchronous")) {
            try (ResultSet rs = c.createStatement().executeQuery("PRAGMA " + pragma)) {
                rs.next();
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private List<String> tables() throws SQLException {
        return db.read(c -> {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }

    private List<String> appliedMigrations() throws SQLException {
        return db.read(c -> {
            List<String> versions = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT version FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL ORDER BY installed_rank")) {
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
            }
            return versions;
        });
    }

    @Test
    void checkpointsRunInTheBackgroundNotInsideCommits() throws Exception {
        long autoCheckpoint = db.inTransaction(c -> {
            try (var s = c.createStatement(); var r = s.executeQuery("PRAGMA wal_autocheckpoint")) {
                r.next();
                return r.getLong(1);
            }
        });
        assertThat(autoCheckpoint).as("the write connection never checkpoints inside a commit").isZero();
        for (int i = 0; i < 300; i++) {
            int n = i;
            db.inTransaction(c -> insertProject(c, "proj_wal" + n, "wal" + n));
        }
        db.close();
        db = Database.openSqlite(file);
        assertThat(count("projects")).isEqualTo(300);
    }
}

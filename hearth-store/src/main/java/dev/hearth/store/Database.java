package dev.hearth.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Hearth's state store: a migrated SQLite file or PostgreSQL database behind connection pools,
 * with transaction helpers that turn {@link SQLException} into unchecked {@link StoreException}s.
 *
 * <p>Calls nest: {@link #inTransaction} or {@link #read} inside an {@code inTransaction} on the
 * same thread and the same database join the outer transaction (and see its uncommitted writes)
 * instead of asking the pool for a second connection, which on SQLite's single write connection
 * would wait forever. The outer call alone commits or rolls back, so an exception from a nested
 * call that the outer work catches and swallows does not undo the nested writes.
 */
public final class Database implements AutoCloseable {
    private static final ScopedValue<ActiveTransaction> ACTIVE = ScopedValue.newInstance();

    private record ActiveTransaction(Database database, Connection connection) {}

    private final Dialect dialect;
    private final ConnectionPools pools;

    private Database(Dialect dialect, ConnectionPools pools) {
        this.dialect = dialect;
        this.pools = pools;
    }

    /**
     * Opens {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://...} and applies pending
     * migrations. {@code user} and {@code password} are ignored for SQLite. For SQLite the file's
     * directory must exist; {@link #openSqlite(Path)} creates it.
     */
    public static Database open(String jdbcUrl, String user, String password) {
        Dialect dialect = Dialect.ofJdbcUrl(jdbcUrl);
        ConnectionPools pools = switch (dialect) {
            case SQLITE -> SqliteConnections.openMigrated(jdbcUrl);
            case POSTGRES -> PostgresConnections.openMigrated(jdbcUrl, user, password);
        };
        return new Database(dialect, pools);
    }

    /** Opens (creating it and its parent directories if needed) an SQLite database file. */
    public static Database openSqlite(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new StoreException("Cannot create directory for database " + absolute, e);
        }
        return open("jdbc:sqlite:" + absolute, null, null);
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * A pooled data source for code that needs plain JDBC. On SQLite this is the single write
     * connection, so hold its connections briefly and prefer {@link #inTransaction}.
     */
    public DataSource dataSource() {
        return pools.writer();
    }

    /**
     * Runs {@code work} in a transaction: commits if it returns, rolls back if it throws. An
     * {@link SQLException} comes out as a {@link StoreException} (a {@link ConflictException} for
     * a unique-constraint violation); unchecked exceptions pass through unchanged.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        Objects.requireNonNull(work, "work");
        Connection joined = activeConnection();
        if (joined != null) {
            return runTranslated(work, joined);
        }
        try (Connection connection = pools.writer().getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = ScopedValue.where(ACTIVE, new ActiveTransaction(this, connection))
                        .call(() -> work.run(connection));
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(e);
        }
    }

    /**
     * Runs read-only {@code work} on an autocommit connection. On SQLite the connection refuses
     * writes ({@code query_only}); use {@link #inTransaction} to write.
     */
    public <T> T read(SqlWork<T> work) {
        Objects.requireNonNull(work, "work");
        Connection joined = activeConnection();
        if (joined != null) {
            return runTranslated(work, joined);
        }
        try (Connection connection = pools.reader().getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw SqlErrors.translate(e);
        }
    }

    @Override
    public void close() {
        pools.close();
    }

    private Connection activeConnection() {
        if (ACTIVE.isBound() && ACTIVE.get().database() == this) {
            return ACTIVE.get().connection();
        }
        return null;
    }

    private static <T> T runTranslated(SqlWork<T> work, Connection connection) {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw SqlErrors.translate(e);
        }
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}

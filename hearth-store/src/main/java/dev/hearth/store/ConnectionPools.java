package dev.hearth.store;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Where a {@link Database} gets its connections: transactions from {@code writer}, autocommit reads
 * from {@code reader}. PostgreSQL uses one pool for both; SQLite splits them (see
 * {@link SqliteConnections}).
 */
record ConnectionPools(HikariDataSource writer, HikariDataSource reader, AutoCloseable background) implements AutoCloseable {

    static ConnectionPools shared(HikariDataSource pool) {
        return new ConnectionPools(pool, pool, () -> {});
    }

    @Override
    public void close() {
        try {
            background.close();
        } catch (Exception e) {
            throw new StoreException("stopping background work failed", e);
        } finally {
            if (reader != writer) {
                reader.close();
            }
            writer.close();
        }
    }
}

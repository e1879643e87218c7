package dev.hearth.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Opens the connection pool for a PostgreSQL server and migrates its schema. */
final class PostgresConnections {
    /** PostgreSQL handles concurrent writers itself; a modest pool per replica is plenty. */
    private static final int POOL_SIZE = 10;

    private PostgresConnections() {}

    static ConnectionPools openMigrated(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("hearth-postgres");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(POOL_SIZE);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            // Hikari fails fast when the server is unreachable; say which database in our terms.
            throw new StoreException("Cannot connect to PostgreSQL at " + jdbcUrl + ": " + e.getMessage(), e);
        }
        try {
            Migrations.apply(pool, Dialect.POSTGRES);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return ConnectionPools.shared(pool);
    }
}

package dev.hearth.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A unit of JDBC work handed a connection by {@link Database}. It may throw {@link SQLException};
 * the database turns that into an unchecked {@link StoreException} after rolling back.
 */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}

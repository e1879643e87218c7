package dev.hearth.store;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads one domain object from the current row of a result set. */
@FunctionalInterface
public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
}

package dev.hearth.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Turns driver exceptions into the store's unchecked exceptions, in one place for both dialects. */
final class SqlErrors {
    /** SQLSTATE class 23, unique_violation; PostgreSQL reports it, SQLite's driver does not. */
    private static final String UNIQUE_VIOLATION = "23505";

    private SqlErrors() {}

    static StoreException translate(SQLException e) {
        if (isUniqueViolation(e)) {
            return new ConflictException("Conflicts with an existing row: " + e.getMessage(), e);
        }
        return new StoreException("Database operation failed: " + e.getMessage(), e);
    }

    static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException sqlite) {
                SQLiteErrorCode code = sqlite.getResultCode();
                if (code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                        || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                    return true;
                }
            } else if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}

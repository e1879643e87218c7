package dev.hearth.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Timestamps are stored as unix epoch seconds, the unit the OpenAI API reports ({@code created_at}),
 * in an integer column that both dialects treat alike.
 */
final class EpochSeconds {
    private EpochSeconds() {}

    /** {@code instant} cut to whole seconds, so what callers get back equals what a read returns. */
    static Instant truncate(Instant instant) {
        return Instant.ofEpochSecond(instant.getEpochSecond());
    }

    static Instant read(ResultSet row, String column) throws SQLException {
        return Instant.ofEpochSecond(row.getLong(column));
    }

    static Instant readNullable(ResultSet row, String column) throws SQLException {
        long seconds = row.getLong(column);
        return row.wasNull() ? null : Instant.ofEpochSecond(seconds);
    }

    static void bind(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, instant.getEpochSecond());
        }
    }
}

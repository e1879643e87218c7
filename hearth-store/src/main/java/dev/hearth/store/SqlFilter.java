package dev.hearth.store;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An extra SQL condition for a {@link KeysetPager} query, e.g. {@code status = ?} with its
 * parameters. The SQL text must come from code, never from a request: only {@code params} may
 * carry user input.
 */
public record SqlFilter(String sql, List<Object> params) {
    public static final SqlFilter NONE = new SqlFilter("", List.of());

    public SqlFilter {
        Objects.requireNonNull(sql, "sql");
        params = List.copyOf(params);
        long placeholders = sql.chars().filter(c -> c == '?').count();
        if (placeholders != params.size()) {
            throw new IllegalArgumentException(
                    "Filter has " + placeholders + " placeholder(s) but " + params.size() + " parameter(s): " + sql);
        }
    }

    public static SqlFilter of(String sql, Object... params) {
        return new SqlFilter(sql, Arrays.asList(params));
    }

    boolean isEmpty() {
        return sql.isBlank();
    }
}

package dev.hearth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cursor pagination for a project-scoped table, the way every OpenAI list endpoint pages.
 *
 * <p>The table must have an {@code id} (the object id), a {@code project_id} and a {@code seq}
 * that grows with every insert, with an index on {@code (project_id, seq)}. Ids are random, so
 * rows are ordered by {@code seq}; a cursor id is looked up to its {@code seq} within the same
 * project, and the page is a keyset range on {@code seq} of {@code limit + 1} rows, the extra row
 * only telling whether there are more.
 *
 * <p>A cursor id that does not exist in the project (never did, was deleted, or belongs to
 * another project) is an {@link InvalidPageRequest} on {@code after} or {@code before}. Answering
 * with an empty page instead would look like the end of the list, and a client walking the list
 * would stop silently with rows left unseen.
 *
 * <p>Organization-level tables (projects themselves) have no {@code project_id}: build their pager
 * with {@link #unscoped} and page them with {@link #page(Connection, SqlFilter, PageRequest)}.
 *
 * <p>Build one pager per table and reuse it; it holds only the SQL text.
 */
public final class KeysetPager<T> {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern COLUMN_LIST = Pattern.compile("[a-z_][a-z0-9_]*(\\s*,\\s*[a-z_][a-z0-9_]*)*");

    private final String table;
    private final String columns;
    private final RowMapper<T> mapper;
    private final boolean scoped;

    /**
     * @param table a project-scoped table, e.g. {@code files}
     * @param columns the select list the mapper reads, e.g. {@code id, bytes, created_at}
     */
    public KeysetPager(String table, String columns, RowMapper<T> mapper) {
        this(table, columns, mapper, true);
    }

    /** A pager for a table that is not scoped by project (it needs {@code id} and {@code seq}). */
    public static <T> KeysetPager<T> unscoped(String table, String columns, RowMapper<T> mapper) {
        return new KeysetPager<>(table, columns, mapper, false);
    }

    private KeysetPager(String table, String columns, RowMapper<T> mapper, boolean scoped) {
        this.scoped = scoped;
        // Both become SQL text, so only plain identifiers are accepted.
        if (!IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("Not a plain table name: " + table);
        }
        if (!COLUMN_LIST.matcher(columns.strip()).matches()) {
            throw new IllegalArgumentException("Not a plain column list: " + columns);
        }
        this.table = table;
        this.columns = columns.strip();
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    public Page<T> page(Connection connection, String projectId, PageRequest request) throws SQLException {
        return page(connection, projectId, SqlFilter.NONE, request);
    }

    /** The page of {@code projectId}'s rows matching {@code filter} that {@code request} asks for. */
    public Page<T> page(Connection connection, String projectId, SqlFilter filter, PageRequest request)
            throws SQLException {
        Objects.requireNonNull(projectId, "projectId");
        if (!scoped) {
            throw new IllegalStateException(table + " is not scoped by project");
        }
        return query(connection, projectId, filter, request);
    }

    /** The page of an {@link #unscoped} table's rows matching {@code filter}. */
    public Page<T> page(Connection connection, SqlFilter filter, PageRequest request) throws SQLException {
        if (scoped) {
            throw new IllegalStateException(table + " is scoped by project: pass the project id");
        }
        return query(connection, null, filter, request);
    }

    private Page<T> query(Connection connection, String projectId, SqlFilter filter, PageRequest request)
            throws SQLException {
        boolean backwards = request.before() != null;
        // Paging "before" a cursor walks against the requested order, then flips the page back.
        boolean scanAscending = (request.order() == SortOrder.ASC) != backwards;
        Long cursorSeq = resolveCursor(connection, projectId, request);

        StringBuilder sql = new StringBuilder("SELECT ").append(columns).append(" FROM ").append(table)
                .append(scoped ? " WHERE project_id = ?" : " WHERE 1 = 1");
        if (cursorSeq != null) {
            sql.append(scanAscending ? " AND seq > ?" : " AND seq < ?");
        }
        if (!filter.isEmpty()) {
            sql.append(" AND (").append(filter.sql()).append(')');
        }
        sql.append(" ORDER BY seq ").append(scanAscending ? "ASC" : "DESC").append(" LIMIT ?");

        List<T> rows = new ArrayList<>(request.limit() + 1);
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int index = 1;
            if (scoped) {
                statement.setString(index++, projectId);
            }
            if (cursorSeq != null) {
                statement.setLong(index++, cursorSeq);
            }
            for (Object param : filter.params()) {
                statement.setObject(index++, param);
            }
            statement.setInt(index, request.limit() + 1);
            try (ResultSet resultSet = statement.executeQuery()) {
                while (resultSet.next()) {
                    rows.add(mapper.map(resultSet));
                }
            }
        }
        boolean hasMore = rows.size() > request.limit();
        if (hasMore) {
            rows.removeLast();
        }
        if (backwards) {
            Collections.reverse(rows);
        }
        return new Page<>(rows, hasMore);
    }

    private Long resolveCursor(Connection connection, String projectId, PageRequest request) throws SQLException {
        String param = request.after() != null ? "after" : "before";
        String cursorId = request.after() != null ? request.after() : request.before();
        if (cursorId == null) {
            return null;
        }
        try (PreparedStatement statement = connection.prepareStatement(scoped
                ? "SELECT seq FROM " + table + " WHERE project_id = ? AND id = ?"
                : "SELECT seq FROM " + table + " WHERE id = ?")) {
            int index = 1;
            if (scoped) {
                statement.setString(index++, projectId);
            }
            statement.setString(index, cursorId);
            try (ResultSet resultSet = statement.executeQuery()) {
                if (!resultSet.next()) {
                    throw new InvalidPageRequest(param, "No object with id '" + cursorId + "' to page " + param);
                }
                return resultSet.getLong(1);
            }
        }
    }
}

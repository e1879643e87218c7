package dev.hearth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Stored chat completions ({@code store: true}) and their metadata, scoped to a project.
 *
 * <p>A completion is one row in {@code stored_completions} plus one row per metadata pair in
 * {@code stored_completion_metadata}, written in one transaction, so a crash never leaves a
 * completion without its metadata. Listing filtered by {@code metadata[key]=value} walks the index
 * {@code (project_id, meta_key, meta_value, completion_seq)} in {@code seq} order and stops after
 * {@code limit + 1} rows; further pairs and the model are checked per row.
 *
 * <p>Rows past their {@code expires_at} are invisible at once, whether or not {@link #purgeExpired}
 * has removed them yet.
 */
public final class StoredCompletionStore {
    private static final String LIST_COLUMNS = "c.seq, c.id, c.project_id, c.model, c.created_at, c.expires_at, c.response";
    private static final String ALL_COLUMNS = LIST_COLUMNS + ", c.request_messages";

    private final Database db;
    private final InstantSource clock;

    public StoredCompletionStore(Database db, InstantSource clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static final String INSERT = "INSERT INTO stored_completions"
            + " (id, project_id, model, created_at, expires_at, request_messages, response)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq";
    private static final String INSERT_METADATA = "INSERT INTO stored_completion_metadata"
            + " (completion_seq, project_id, meta_key, meta_value) VALUES (?, ?, ?, ?)";

    /** Stores one completion and its metadata in one transaction. */
    public void insert(StoredCompletion completion) {
        insertAll(List.of(completion));
    }

    /** Stores completions and their metadata in one transaction (one for many: bulk loads, benchmarks). */
    public void insertAll(List<StoredCompletion> completions) {
        db.inTransaction(c -> {
            try (PreparedStatement row = c.prepareStatement(INSERT);
                    PreparedStatement pairs = c.prepareStatement(INSERT_METADATA)) {
                for (StoredCompletion s : completions) {
                    row.setString(1, s.id());
                    row.setString(2, s.projectId());
                    row.setString(3, s.model());
                    row.setLong(4, s.createdAt().getEpochSecond());
                    row.setLong(5, s.expiresAt().getEpochSecond());
                    row.setString(6, s.requestMessages() == null ? "[]" : s.requestMessages());
                    row.setString(7, s.response());
                    long seq;
                    try (ResultSet rs = row.executeQuery()) {
                        rs.next();
                        seq = rs.getLong(1);
                    }
                    addMetadata(pairs, seq, s.projectId(), s.metadata());
                }
                pairs.executeBatch();
            }
            return null;
        });
    }

    private static void addMetadata(PreparedStatement pairs, long seq, String projectId, Map<String, String> metadata)
            throws SQLException {
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            pairs.setLong(1, seq);
            pairs.setString(2, projectId);
            pairs.setString(3, e.getKey());
            pairs.setString(4, e.getValue());
            pairs.addBatch();
        }
    }

    private static void insertMetadata(Connection c, long seq, String projectId, Map<String, String> metadata)
            throws SQLException {
        if (metadata.isEmpty()) {
            return;
        }
        try (PreparedStatement pairs = c.prepareStatement(INSERT_METADATA)) {
            addMetadata(pairs, seq, projectId, metadata);
            pairs.executeBatch();
        }
    }

    /** The completion with its request messages, if it exists in the project and has not expired. */
    public Optional<StoredCompletion> find(String projectId, String id) {
        return db.read(c -> {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("SELECT " + ALL_COLUMNS + " FROM stored_completions c"
                    + " WHERE c.project_id = ? AND c.id = ? AND c.expires_at > ?")) {
                st.setString(1, projectId);
                st.setString(2, id);
                st.setLong(3, now());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(map(rs, true));
                    }
                }
            }
            return withMetadata(c, rows).stream().findFirst();
        });
    }

    /**
     * A page of the project's completions, optionally only those of {@code model} and carrying every
     * pair of {@code metadata}; without request messages.
     *
     * @throws InvalidPageRequest for a cursor that is not a live completion of the project
     */
    public Page<StoredCompletion> list(String projectId, String model, Map<String, String> metadata, PageRequest request) {
        Objects.requireNonNull(projectId, "projectId");
        return db.read(c -> {
            long now = now();
            boolean backwards = request.before() != null;
            boolean ascending = (request.order() == SortOrder.ASC) != backwards;
            Long cursor = cursor(c, projectId, request, now);
            List<Map.Entry<String, String>> pairs = drivingPairFirst(c, projectId, metadata);
            List<Object> params = new ArrayList<>();
            StringBuilder sql = new StringBuilder("SELECT ").append(LIST_COLUMNS);
            String seqColumn;
            if (pairs.isEmpty()) {
                sql.append(" FROM stored_completions c WHERE c.project_id = ?");
                params.add(projectId);
                seqColumn = "c.seq";
            } else {
                // the first pair drives the scan through the metadata index, already in seq order
                sql.append(" FROM stored_completion_metadata m JOIN stored_completions c ON c.seq = m.completion_seq"
                        + " WHERE m.project_id = ? AND m.meta_key = ? AND m.meta_value = ? AND c.project_id = ?");
                params.add(projectId);
                params.add(pairs.getFirst().getKey());
                params.add(pairs.getFirst().getValue());
                params.add(projectId);
                seqColumn = "m.completion_seq";
                for (Map.Entry<String, String> pair : pairs.subList(1, pairs.size())) {
                    sql.append(" AND EXISTS (SELECT 1 FROM stored_completion_metadata x WHERE x.completion_seq = c.seq"
                            + " AND x.meta_key = ? AND x.meta_value = ?)");
                    params.add(pair.getKey());
                    params.add(pair.getValue());
                }
            }
            if (model != null) {
                sql.append(" AND c.model = ?");
                params.add(model);
            }
            if (cursor != null) {
                sql.append(" AND ").append(seqColumn).append(ascending ? " > ?" : " < ?");
                params.add(cursor);
            }
            sql.append(" AND c.expires_at > ?");
            params.add(now);
            sql.append(" ORDER BY ").append(seqColumn).append(ascending ? " ASC" : " DESC").append(" LIMIT ?");
            params.add(request.limit() + 1);
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    st.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(map(rs, false));
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
            return new Page<>(withMetadata(c, rows), hasMore);
        });
    }

    /** Rows a pair's count is estimated up to: enough to tell a selective pair from an unselective one. */
    static final int SELECTIVITY_PROBE = 1000;

    /**
     * The pairs with the most selective first: it drives the scan, the others are checked per row.
     * Each pair's matches are counted up to {@link #SELECTIVITY_PROBE} in the index, so choosing
     * costs at most a few thousand index entries, while driving by an unselective pair could walk a
     * third of the table to fill a page.
     */
    private static List<Map.Entry<String, String>> drivingPairFirst(Connection c, String projectId,
            Map<String, String> metadata) throws SQLException {
        List<Map.Entry<String, String>> pairs = new ArrayList<>(new TreeMap<>(metadata).entrySet());
        if (pairs.size() < 2) {
            return pairs;
        }
        Map<String, Integer> counts = new HashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM stored_completion_metadata"
                + " WHERE project_id = ? AND meta_key = ? AND meta_value = ? LIMIT ?) probe")) {
            for (Map.Entry<String, String> pair : pairs) {
                st.setString(1, projectId);
                st.setString(2, pair.getKey());
                st.setString(3, pair.getValue());
                st.setInt(4, SELECTIVITY_PROBE);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    counts.put(pair.getKey(), rs.getInt(1));
                }
            }
        }
        pairs.sort(java.util.Comparator.comparingInt(p -> counts.get(p.getKey())));
        return pairs;
    }

    private static Long cursor(Connection c, String projectId, PageRequest request, long now) throws SQLException {
        String param = request.after() != null ? "after" : "before";
        String id = request.after() != null ? request.after() : request.before();
        if (id == null) {
            return null;
        }
        try (PreparedStatement st = c.prepareStatement(
                "SELECT seq FROM stored_completions WHERE project_id = ? AND id = ? AND expires_at > ?")) {
            st.setString(1, projectId);
            st.setString(2, id);
            st.setLong(3, now);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new InvalidPageRequest(param, "No chat completion with id '" + id + "' to page " + param);
                }
                return rs.getLong(1);
            }
        }
    }

    /** Replaces the metadata; empty when the completion is not a live one of the project. */
    public Optional<StoredCompletion> replaceMetadata(String projectId, String id, Map<String, String> metadata) {
        return db.inTransaction(c -> {
            Long seq = liveSeq(c, projectId, id);
            if (seq == null) {
                return Optional.empty();
            }
            try (PreparedStatement st = c.prepareStatement("DELETE FROM stored_completion_metadata WHERE completion_seq = ?")) {
                st.setLong(1, seq);
                st.executeUpdate();
            }
            insertMetadata(c, seq, projectId, metadata);
            return find(projectId, id);
        });
    }

    /** Deletes the completion; false when it is not a live one of the project. */
    public boolean delete(String projectId, String id) {
        return db.inTransaction(c -> {
            Long seq = liveSeq(c, projectId, id);
            if (seq == null) {
                return false;
            }
            try (PreparedStatement st = c.prepareStatement("DELETE FROM stored_completions WHERE seq = ?")) {
                st.setLong(1, seq);
                return st.executeUpdate() == 1;
            }
        });
    }

    /**
     * Deletes up to {@code batchSize} completions whose {@code expires_at} has passed, in one short
     * transaction; returns how many. Call it again while it returns {@code batchSize}.
     */
    public int purgeExpired(int batchSize) {
        long now = now();
        return db.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM stored_completions WHERE seq IN"
                    + " (SELECT seq FROM stored_completions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)")) {
                st.setLong(1, now);
                st.setInt(2, batchSize);
                return st.executeUpdate();
            }
        });
    }

    /** How many completion rows exist, expired or not (operations and tests). */
    public long count() {
        return db.read(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM stored_completions");
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private Long liveSeq(Connection c, String projectId, String id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT seq FROM stored_completions WHERE project_id = ? AND id = ? AND expires_at > ?")) {
            st.setString(1, projectId);
            st.setString(2, id);
            st.setLong(3, now());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private record Row(long seq, StoredCompletion completion) {}

    private static Row map(ResultSet rs, boolean withMessages) throws SQLException {
        return new Row(rs.getLong("seq"), new StoredCompletion(rs.getString("id"), rs.getString("project_id"),
                rs.getString("model"), EpochSeconds.read(rs, "created_at"), EpochSeconds.read(rs, "expires_at"),
                withMessages ? rs.getString("request_messages") : null, rs.getString("response"), Map.of()));
    }

    /** Reads the metadata of {@code rows} in one query. */
    private static List<StoredCompletion> withMetadata(Connection c, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, Map<String, String>> bySeq = new HashMap<>();
        StringBuilder sql = new StringBuilder(
                "SELECT completion_seq, meta_key, meta_value FROM stored_completion_metadata WHERE completion_seq IN (");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(')');
        try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < rows.size(); i++) {
                st.setLong(i + 1, rows.get(i).seq());
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    bySeq.computeIfAbsent(rs.getLong(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        List<StoredCompletion> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            out.add(row.completion().withMetadata(bySeq.getOrDefault(row.seq(), Map.of())));
        }
        return out;
    }

    /** For tests and operations: when a completion expires, computed from a retention in days. */
    public static Instant expiry(Instant created, int retentionDays) {
        return EpochSeconds.truncate(created).plusSeconds(retentionDays * 86_400L);
    }
}

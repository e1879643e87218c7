package dev.hearth.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Usage counters: requests and tokens per project, API key, model and endpoint, summed into
 * one-minute buckets. Counts only, never request or response bodies.
 */
public final class UsageStore {
    /** Seconds per bucket. */
    public static final long BUCKET_SECONDS = 60;

    /** One bucket's counters; {@code apiKeyId} is empty for requests made without a key. */
    public record Usage(String projectId, Instant bucketStart, String apiKeyId, String model, String endpoint,
            boolean batch, long requests, long inputTokens, long outputTokens) {}

    private final Database db;

    public UsageStore(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Adds one request's counts to its bucket (created on first use). */
    public void add(String projectId, String apiKeyId, String model, String endpoint, boolean batch, Instant at,
            long inputTokens, long outputTokens) {
        long bucket = Math.floorDiv(at.getEpochSecond(), BUCKET_SECONDS) * BUCKET_SECONDS;
        db.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO usage (project_id, bucket_start, api_key_id,"
                    + " model, endpoint, batch, requests, input_tokens, output_tokens) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)"
                    + " ON CONFLICT (project_id, bucket_start, api_key_id, model, endpoint, batch) DO UPDATE SET"
                    + " requests = usage.requests + 1,"
                    + " input_tokens = usage.input_tokens + excluded.input_tokens,"
                    + " output_tokens = usage.output_tokens + excluded.output_tokens")) {
                st.setString(1, projectId);
                st.setLong(2, bucket);
                st.setString(3, apiKeyId == null ? "" : apiKeyId);
                st.setString(4, model);
                st.setString(5, endpoint);
                st.setBoolean(6, batch);
                st.setLong(7, inputTokens);
                st.setLong(8, outputTokens);
                st.executeUpdate();
            }
            return null;
        });
    }

    /** The project's buckets, oldest first. */
    public List<Usage> list(String projectId) {
        return db.read(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT project_id, bucket_start, api_key_id, model, endpoint,"
                    + " batch, requests, input_tokens, output_tokens FROM usage WHERE project_id = ?"
                    + " ORDER BY bucket_start, api_key_id, model, endpoint, batch")) {
                st.setString(1, projectId);
                List<Usage> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Usage(rs.getString(1), Instant.ofEpochSecond(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getBoolean(6), rs.getLong(7), rs.getLong(8),
                                rs.getLong(9)));
                    }
                }
                return out;
            }
        });
    }
}

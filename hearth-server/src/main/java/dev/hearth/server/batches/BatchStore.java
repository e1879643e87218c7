package dev.hearth.server.batches;

import dev.hearth.store.Database;
import dev.hearth.store.KeysetPager;
import dev.hearth.store.Page;
import dev.hearth.store.PageRequest;
import dev.hearth.store.RowMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code batches} and {@code batch_requests} tables. Work is leased: a runner owns a batch
 * while {@code lease_until} lies ahead and it keeps renewing; a batch whose lease ran out (its
 * runner died) is taken over by any runner, which resumes at the first line without a result.
 */
final class BatchStore {
  static final String COLUMNS = "id, project_id, endpoint, model, input_file_id, completion_window, status, created_at, expires_at,"
      + " in_progress_at, finalizing_at, completed_at, failed_at, expired_at, cancelling_at, cancelled_at, total, completed,"
      + " failed, output_file_id, error_file_id, errors_json, metadata_json, output_expires_after";
  private static final KeysetPager<BatchRecord> PAGER = new KeysetPager<>("batches", COLUMNS, BatchStore::map);
  static final List<String> ACTIVE = List.of("validating", "in_progress", "finalizing", "cancelling");

  /** One input line: where it is in the input file. */
  record Request(int line, String customId, long offset, int length) {}

  /** One line's outcome: {@code succeeded} null if it never ran. */
  record Result(int line, String customId, Boolean succeeded, String result) {}

  private final Database db;

  BatchStore(Database db) {
    this.db = db;
  }

  void insert(BatchRecord b) {
    db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO batches (id, project_id, endpoint, input_file_id,"
          + " completion_window, status, created_at, expires_at, metadata_json, output_expires_after)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        s.setString(1, b.id());
        s.setString(2, b.projectId());
        s.setString(3, b.endpoint());
        s.setString(4, b.inputFileId());
        s.setString(5, b.completionWindow());
        s.setString(6, b.status());
        s.setLong(7, b.createdAt().getEpochSecond());
        s.setLong(8, b.expiresAt().getEpochSecond());
        s.setString(9, b.metadataJson());
        setLong(s, 10, b.outputExpiresAfter());
        s.executeUpdate();
      }
      return null;
    });
  }

  Optional<BatchRecord> find(String projectId, String id) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM batches WHERE project_id = ? AND id = ?")) {
        s.setString(1, projectId);
        s.setString(2, id);
        return one(s);
      }
    });
  }

  Optional<BatchRecord> find(String id) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM batches WHERE id = ?")) {
        s.setString(1, id);
        return one(s);
      }
    });
  }

  Page<BatchRecord> page(String projectId, PageRequest request) {
    return db.read(c -> PAGER.page(c, projectId, request));
  }

  /**
   * Takes the lease of one active batch nobody holds (or whose holder's lease ran out), oldest
   * first; its id, or empty when there is no work.
   */
  Optional<String> lease(String owner, Instant now, Instant until) {
    return db.inTransaction(c -> {
      String id;
      try (PreparedStatement s = c.prepareStatement("SELECT id FROM batches WHERE status IN (?, ?, ?, ?)"
          + " AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?) ORDER BY seq LIMIT 1")) {
        for (int i = 0; i < ACTIVE.size(); i++) {
          s.setString(i + 1, ACTIVE.get(i));
        }
        s.setLong(5, now.getEpochSecond());
        s.setString(6, owner);
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            return Optional.empty();
          }
          id = r.getString(1);
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE batches SET lease_owner = ?, lease_until = ? WHERE id = ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)")) {
        s.setString(1, owner);
        s.setLong(2, until.getEpochSecond());
        s.setString(3, id);
        s.setLong(4, now.getEpochSecond());
        s.setString(5, owner);
        return s.executeUpdate() == 1 ? Optional.of(id) : Optional.empty();
      }
    });
  }

  /** Extends the lease if {@code owner} still holds it; false if another runner took it over. */
  boolean renew(String id, String owner, Instant until) {
    return db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE batches SET lease_until = ? WHERE id = ? AND lease_owner = ?")) {
        s.setLong(1, until.getEpochSecond());
        s.setString(2, id);
        s.setString(3, owner);
        return s.executeUpdate() == 1;
      }
    });
  }

  void release(String id, String owner) {
    db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE batches SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?")) {
        s.setString(1, id);
        s.setString(2, owner);
        s.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Moves a batch from one of {@code from} to {@code to}, stamping {@code timestampColumn};
   * false if it was in none of them (another transition won).
   */
  boolean transition(String id, List<String> from, String to, String timestampColumn, Instant at) {
    return db.inTransaction(c -> {
      String placeholders = String.join(", ", from.stream().map(x -> "?").toList());
      try (PreparedStatement s = c.prepareStatement("UPDATE batches SET status = ?, " + timestampColumn + " = ?"
          + " WHERE id = ? AND status IN (" + placeholders + ")")) {
        s.setString(1, to);
        s.setLong(2, at.getEpochSecond());
        s.setString(3, id);
        for (int i = 0; i < from.size(); i++) {
          s.setString(4 + i, from.get(i));
        }
        return s.executeUpdate() == 1;
      }
    });
  }

  /** Records the input lines and the total, and moves validating → in_progress, in one transaction. */
  boolean start(String id, String model, List<Request> requests, Instant at) {
    return db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE batches SET status = 'in_progress', in_progress_at = ?, total = ?,"
          + " model = ? WHERE id = ? AND status = 'validating'")) {
        s.setLong(1, at.getEpochSecond());
        s.setLong(2, requests.size());
        s.setString(3, model);
        s.setString(4, id);
        if (s.executeUpdate() == 0) {
          return false;
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO batch_requests (batch_id, line, custom_id, byte_offset, byte_length) VALUES (?, ?, ?, ?, ?)")) {
        int n = 0;
        for (Request r : requests) {
          s.setString(1, id);
          s.setInt(2, r.line());
          s.setString(3, r.customId());
          s.setLong(4, r.offset());
          s.setInt(5, r.length());
          s.addBatch();
          if (++n % 1000 == 0) {
            s.executeBatch();
          }
        }
        s.executeBatch();
      }
      return true;
    });
  }

  void fail(String id, String errorsJson, Instant at) {
    db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE batches SET status = 'failed', failed_at = ?, errors_json = ? WHERE id = ? AND status IN ('validating', 'in_progress', 'finalizing', 'cancelling')")) {
        s.setLong(1, at.getEpochSecond());
        s.setString(2, errorsJson);
        s.setString(3, id);
        s.executeUpdate();
      }
      return null;
    });
  }

  /** Up to {@code limit} lines without a result, in line order. */
  List<Request> pending(String id, int limit) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT line, custom_id, byte_offset, byte_length FROM batch_requests"
          + " WHERE batch_id = ? AND succeeded IS NULL ORDER BY line LIMIT ?")) {
        s.setString(1, id);
        s.setInt(2, limit);
        return RowMapper.list(s, r -> new Request(r.getInt(1), r.getString(2), r.getLong(3), r.getInt(4)));
      }
    });
  }

  /** Stores one line's output and counts it, if {@code owner} still holds the lease; false otherwise. */
  boolean record(String id, String owner, int line, boolean succeeded, String result) {
    return db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE batch_requests SET succeeded = ?, result = ?"
          + " WHERE batch_id = ? AND line = ? AND succeeded IS NULL"
          + " AND EXISTS (SELECT 1 FROM batches WHERE id = ? AND lease_owner = ?)")) {
        s.setBoolean(1, succeeded);
        s.setString(2, result);
        s.setString(3, id);
        s.setInt(4, line);
        s.setString(5, id);
        s.setString(6, owner);
        if (s.executeUpdate() == 0) {
          return false;
        }
      }
      try (PreparedStatement s = c.prepareStatement("UPDATE batches SET "
          + (succeeded ? "completed = completed + 1" : "failed = failed + 1") + " WHERE id = ?")) {
        s.setString(1, id);
        s.executeUpdate();
      }
      return true;
    });
  }

  /** Every line in order, to write the output and error files. */
  void results(String id, Consumer<Result> sink) {
    db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT line, custom_id, succeeded, result FROM batch_requests WHERE batch_id = ? ORDER BY line")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            boolean ok = r.getBoolean(3);
            Boolean succeeded = r.wasNull() ? null : ok;
            sink.accept(new Result(r.getInt(1), r.getString(2), succeeded, r.getString(4)));
          }
        }
      }
      return null;
    });
  }

  /** Sets the files and the terminal status, from {@code from}. */
  boolean finish(String id, String from, String to, String timestampColumn, Instant at, String outputFileId,
      String errorFileId, boolean countUnrunAsFailed) {
    return db.inTransaction(c -> {
      String failed = countUnrunAsFailed
          ? ", failed = failed + (SELECT COUNT(*) FROM batch_requests WHERE batch_id = ? AND succeeded IS NULL)" : "";
      try (PreparedStatement s = c.prepareStatement("UPDATE batches SET status = ?, " + timestampColumn + " = ?,"
          + " output_file_id = ?, error_file_id = ?, lease_owner = NULL, lease_until = NULL" + failed
          + " WHERE id = ? AND status = ?")) {
        int i = 1;
        s.setString(i++, to);
        s.setLong(i++, at.getEpochSecond());
        s.setString(i++, outputFileId);
        s.setString(i++, errorFileId);
        if (countUnrunAsFailed) {
          s.setString(i++, id);
        }
        s.setString(i++, id);
        s.setString(i, from);
        return s.executeUpdate() == 1;
      }
    });
  }

  private static Optional<BatchRecord> one(PreparedStatement s) throws SQLException {
    try (ResultSet r = s.executeQuery()) {
      return r.next() ? Optional.of(map(r)) : Optional.empty();
    }
  }

  private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, value);
    }
  }

  private static Instant instant(ResultSet r, String column) throws SQLException {
    long v = r.getLong(column);
    return r.wasNull() ? null : Instant.ofEpochSecond(v);
  }

  static BatchRecord map(ResultSet r) throws SQLException {
    long after = r.getLong("output_expires_after");
    Long outputExpiresAfter = r.wasNull() ? null : after;
    return new BatchRecord(r.getString("id"), r.getString("project_id"), r.getString("endpoint"), r.getString("model"),
        r.getString("input_file_id"),
        r.getString("completion_window"), r.getString("status"), instant(r, "created_at"), instant(r, "expires_at"),
        instant(r, "in_progress_at"), instant(r, "finalizing_at"), instant(r, "completed_at"), instant(r, "failed_at"),
        instant(r, "expired_at"), instant(r, "cancelling_at"), instant(r, "cancelled_at"), r.getLong("total"),
        r.getLong("completed"), r.getLong("failed"), r.getString("output_file_id"), r.getString("error_file_id"),
        r.getString("errors_json"), r.getString("metadata_json"), outputExpiresAfter);
  }

}

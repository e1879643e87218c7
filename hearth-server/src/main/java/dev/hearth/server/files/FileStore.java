package dev.hearth.server.files;

import dev.hearth.store.Database;
import dev.hearth.store.KeysetPager;
import dev.hearth.store.Page;
import dev.hearth.store.PageRequest;
import dev.hearth.store.RowMapper;
import dev.hearth.store.SqlFilter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code files} table. Every query is scoped to a project; a file whose {@code expires_at} has
 * passed is treated as gone even before the sweep deletes it.
 */
public final class FileStore {
  static final String COLUMNS =
      "id, project_id, filename, purpose, bytes, content_type, status, status_details, created_at, expires_at";
  private static final KeysetPager<StoredFile> PAGER = new KeysetPager<>("files", COLUMNS, FileStore::map);

  private final Database db;

  public FileStore(Database db) {
    this.db = db;
  }

  /** Thrown inside the insert transaction when the project would exceed its storage. */
  public static final class QuotaExceeded extends RuntimeException {
    final long used;

    QuotaExceeded(long used) {
      super(null, null, false, false);
      this.used = used;
    }
  }

  /** Inserts the row unless the project's stored bytes would exceed {@code maxProjectBytes}. */
  public void insert(StoredFile f, long maxProjectBytes) {
    db.inTransaction(c -> {
      long used = totalBytes(f.projectId());
      if (used + f.bytes() > maxProjectBytes) {
        throw new QuotaExceeded(used);
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO files (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        s.setString(1, f.id());
        s.setString(2, f.projectId());
        s.setString(3, f.filename());
        s.setString(4, f.purpose());
        s.setLong(5, f.bytes());
        s.setString(6, f.contentType());
        s.setString(7, f.status());
        s.setString(8, f.statusDetails());
        s.setLong(9, f.createdAt().getEpochSecond());
        if (f.expiresAt() == null) {
          s.setNull(10, Types.BIGINT);
        } else {
          s.setLong(10, f.expiresAt().getEpochSecond());
        }
        s.executeUpdate();
      }
      return null;
    });
  }

  /** The bytes a project stores (expired files count until swept). */
  public long totalBytes(String projectId) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(bytes), 0) FROM files WHERE project_id = ?")) {
        s.setString(1, projectId);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getLong(1);
        }
      }
    });
  }

  public Optional<StoredFile> find(String projectId, String id, Instant now) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM files WHERE project_id = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)")) {
        s.setString(1, projectId);
        s.setString(2, id);
        s.setLong(3, now.getEpochSecond());
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(map(r)) : Optional.empty();
        }
      }
    });
  }

  public Page<StoredFile> page(String projectId, String purpose, PageRequest request, Instant now) {
    SqlFilter filter = purpose == null
        ? SqlFilter.of("expires_at IS NULL OR expires_at > ?", now.getEpochSecond())
        : SqlFilter.of("purpose = ? AND (expires_at IS NULL OR expires_at > ?)", purpose, now.getEpochSecond());
    return db.read(c -> PAGER.page(c, projectId, filter, request));
  }

  /** Deletes the row; false if the project has no such file. */
  public boolean delete(String projectId, String id) {
    return db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("DELETE FROM files WHERE project_id = ? AND id = ?")) {
        s.setString(1, projectId);
        s.setString(2, id);
        return s.executeUpdate() > 0;
      }
    });
  }

  /** Ids of the project's files with this name and purpose (expired or not). */
  public List<String> idsNamed(String projectId, String filename, String purpose) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id FROM files WHERE project_id = ? AND filename = ? AND purpose = ?")) {
        s.setString(1, projectId);
        s.setString(2, filename);
        s.setString(3, purpose);
        return RowMapper.list(s, r -> r.getString(1));
      }
    });
  }

  /** Up to {@code limit} ids of files expired at {@code now}, oldest expiry first. */
  public List<String> expired(Instant now, int limit) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id FROM files WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?")) {
        s.setLong(1, now.getEpochSecond());
        s.setInt(2, limit);
        return RowMapper.list(s, r -> r.getString(1));
      }
    });
  }

  /** Deletes these rows (whatever their project) in one transaction. */
  public void deleteAll(List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("DELETE FROM files WHERE id = ?")) {
        for (String id : ids) {
          s.setString(1, id);
          s.addBatch();
        }
        s.executeBatch();
      }
      return null;
    });
  }

  /** Whether a file row (or, for {@code part_} ids, an upload part row) names this id: the orphan check for bytes on disk. */
  public boolean exists(String id) {
    String table = id.startsWith("part_") ? "upload_parts" : "files";
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          return r.next();
        }
      }
    });
  }

  static StoredFile map(ResultSet r) throws SQLException {
    long expires = r.getLong("expires_at");
    Instant expiresAt = r.wasNull() ? null : Instant.ofEpochSecond(expires);
    return new StoredFile(
        r.getString("id"),
        r.getString("project_id"),
        r.getString("filename"),
        r.getString("purpose"),
        r.getLong("bytes"),
        r.getString("content_type"),
        r.getString("status"),
        r.getString("status_details"),
        Instant.ofEpochSecond(r.getLong("created_at")),
        expiresAt);
  }
}

package dev.hearth.server.files;

import dev.hearth.server.http.ApiException;
import dev.hearth.store.Database;
import dev.hearth.store.RowMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code uploads} and {@code upload_parts} tables, scoped to a project. */
final class UploadStore {
  private static final String COLUMNS =
      "id, project_id, filename, purpose, bytes, mime_type, status, created_at, expires_at, file_expires_after, file_id";

  record Part(String id, String uploadId, long bytes, Instant createdAt) {}

  private final Database db;

  UploadStore(Database db) {
    this.db = db;
  }

  void insert(UploadRecord u) {
    db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO uploads (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        s.setString(1, u.id());
        s.setString(2, u.projectId());
        s.setString(3, u.filename());
        s.setString(4, u.purpose());
        s.setLong(5, u.bytes());
        s.setString(6, u.mimeType());
        s.setString(7, u.status());
        s.setLong(8, u.createdAt().getEpochSecond());
        s.setLong(9, u.expiresAt().getEpochSecond());
        if (u.fileExpiresAfter() == null) {
          s.setNull(10, Types.BIGINT);
        } else {
          s.setLong(10, u.fileExpiresAfter());
        }
        s.setString(11, u.fileId());
        s.executeUpdate();
      }
      return null;
    });
  }

  Optional<UploadRecord> find(String projectId, String id) {
    return db.read(c -> find(c, projectId, id));
  }

  private static Optional<UploadRecord> find(Connection c, String projectId, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM uploads WHERE project_id = ? AND id = ?")) {
      s.setString(1, projectId);
      s.setString(2, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(map(r)) : Optional.empty();
      }
    }
  }

  /**
   * Records a part whose bytes are already in place, if the upload is still pending at
   * {@code now} and the parts stay within the declared size; else throws a 400.
   */
  void addPart(String projectId, String uploadId, Part part, Instant now) {
    db.inTransaction(c -> {
      UploadRecord upload = find(c, projectId, uploadId).orElseThrow(() -> UploadsService.notFound(uploadId));
      UploadsService.requirePending(upload, now);
      long used;
      try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(bytes), 0) FROM upload_parts WHERE upload_id = ?")) {
        s.setString(1, uploadId);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          used = r.getLong(1);
        }
      }
      if (used + part.bytes() > upload.bytes()) {
        throw ApiException.invalidRequest("data", "The parts would hold " + (used + part.bytes())
            + " bytes, more than the " + upload.bytes() + " bytes the Upload was created with.");
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO upload_parts (id, project_id, upload_id, bytes, created_at) VALUES (?, ?, ?, ?, ?)")) {
        s.setString(1, part.id());
        s.setString(2, projectId);
        s.setString(3, uploadId);
        s.setLong(4, part.bytes());
        s.setLong(5, part.createdAt().getEpochSecond());
        s.executeUpdate();
      }
      return null;
    });
  }

  /** The bytes held in parts of the project's uploads: they count against its storage until completed. */
  long partBytes(String projectId) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(bytes), 0) FROM upload_parts WHERE project_id = ?")) {
        s.setString(1, projectId);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getLong(1);
        }
      }
    });
  }

  List<Part> parts(String uploadId) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, upload_id, bytes, created_at FROM upload_parts WHERE upload_id = ? ORDER BY seq")) {
        s.setString(1, uploadId);
        return RowMapper.list(s, r -> new Part(r.getString(1), r.getString(2), r.getLong(3), Instant.ofEpochSecond(r.getLong(4))));
      }
    });
  }

  /**
   * Moves a pending upload to {@code status} (completed with its file, cancelled, expired) and
   * deletes its part rows; returns the ids of the parts, whose bytes the caller removes. Empty
   * if the upload was no longer pending.
   */
  Optional<List<String>> finish(String uploadId, String status, String fileId) {
    return db.inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE uploads SET status = ?, file_id = ? WHERE id = ? AND status = 'pending'")) {
        s.setString(1, status);
        s.setString(2, fileId);
        s.setString(3, uploadId);
        if (s.executeUpdate() == 0) {
          return Optional.empty();
        }
      }
      List<String> ids = new ArrayList<>();
      for (Part p : parts(uploadId)) {
        ids.add(p.id());
      }
      try (PreparedStatement s = c.prepareStatement("DELETE FROM upload_parts WHERE upload_id = ?")) {
        s.setString(1, uploadId);
        s.executeUpdate();
      }
      return Optional.of(ids);
    });
  }

  /** Ids of up to {@code limit} pending uploads whose expiry has passed. */
  List<String> expiredPending(Instant now, int limit) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id FROM uploads WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?")) {
        s.setLong(1, now.getEpochSecond());
        s.setInt(2, limit);
        return RowMapper.list(s, r -> r.getString(1));
      }
    });
  }

  private static UploadRecord map(ResultSet r) throws SQLException {
    long after = r.getLong("file_expires_after");
    Long fileExpiresAfter = r.wasNull() ? null : after;
    return new UploadRecord(r.getString("id"), r.getString("project_id"), r.getString("filename"), r.getString("purpose"),
        r.getLong("bytes"), r.getString("mime_type"), r.getString("status"), Instant.ofEpochSecond(r.getLong("created_at")),
        Instant.ofEpochSecond(r.getLong("expires_at")), fileExpiresAfter, r.getString("file_id"));
  }
}

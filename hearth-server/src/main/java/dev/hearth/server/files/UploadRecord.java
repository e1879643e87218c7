package dev.hearth.server.files;

import java.time.Instant;

/** An {@code uploads} row. {@code status} is pending, completed, cancelled or expired. */
record UploadRecord(
    String id,
    String projectId,
    String filename,
    String purpose,
    long bytes,
    String mimeType,
    String status,
    Instant createdAt,
    Instant expiresAt,
    Long fileExpiresAfter,
    String fileId) {

  /** The status a client sees: a pending upload past its expiry is expired even before the sweep. */
  String visibleStatus(Instant now) {
    return status.equals("pending") && !expiresAt.isAfter(now) ? "expired" : status;
  }
}

package dev.hearth.server.files;

import java.time.Instant;

/** A file's metadata row; its bytes are at {@link FileBlobs#pathOf(String)}. */
public record StoredFile(
    String id,
    String projectId,
    String filename,
    String purpose,
    long bytes,
    String contentType,
    String status,
    String statusDetails,
    Instant createdAt,
    Instant expiresAt) {}

package dev.hearth.server.batches;

import java.time.Instant;

/** A {@code batches} row. */
record BatchRecord(
    String id,
    String projectId,
    String endpoint,
    String model,
    String inputFileId,
    String completionWindow,
    String status,
    Instant createdAt,
    Instant expiresAt,
    Instant inProgressAt,
    Instant finalizingAt,
    Instant completedAt,
    Instant failedAt,
    Instant expiredAt,
    Instant cancellingAt,
    Instant cancelledAt,
    long total,
    long completed,
    long failed,
    String outputFileId,
    String errorFileId,
    String errorsJson,
    String metadataJson,
    Long outputExpiresAfter) {}

package dev.hearth.server.config;

import java.time.Duration;

/**
 * Limits and housekeeping of uploaded files ({@code /v1/files}, {@code /v1/uploads}).
 *
 * @param maxFileBytes the largest single file accepted by {@code POST /v1/files}
 * @param maxProjectBytes the total bytes of files one project may store
 * @param maxUploadBytes the largest file an Upload may declare and assemble
 * @param sweepInterval how often expired files and uploads are removed
 * @param sweepBatch how many expired objects one sweep transaction removes at most
 */
public record FilesConfig(
    long maxFileBytes, long maxProjectBytes, long maxUploadBytes, Duration sweepInterval, int sweepBatch) {

  public static final FilesConfig DEFAULTS =
      new FilesConfig(512L << 20, 2_500L * 1024 * 1024 * 1024, 8L << 30, Duration.ofMinutes(1), 100);
}

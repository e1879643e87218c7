package dev.hearth.server.files;

import dev.hearth.api.files.DeleteFileResponse;
import dev.hearth.api.files.FileExpirationAfter;
import dev.hearth.api.files.ListFilesResponse;
import dev.hearth.api.files.OpenAIFile;
import dev.hearth.server.config.FilesConfig;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.store.Database;
import tools.jackson.databind.json.JsonMapper;
import dev.hearth.server.http.ApiException;
import dev.hearth.store.Ids;
import dev.hearth.store.Page;
import dev.hearth.store.PageRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Files: metadata in the store, bytes in {@link FileBlobs}, limits from {@link FilesConfig}. */
public final class FilesService {
  private static final Logger log = LoggerFactory.getLogger(FilesService.class);

  /** The purposes {@code POST /v1/files} accepts (the spec's {@code CreateFileRequest.purpose}). */
  public static final Set<String> PURPOSES = Set.of("assistants", "batch", "fine-tune", "vision", "user_data", "evals");
  /** "By default, files with purpose=batch expire after 30 days". */
  static final Duration BATCH_DEFAULT_EXPIRY = Duration.ofDays(30);
  static final int MAX_FILENAME_LENGTH = 1024;

  private final FileStore store;
  private final FileBlobs blobs;
  private final FilesConfig config;
  private final InstantSource clock;
  private final BatchInputValidator batchValidator;

  public FilesService(FileStore store, FileBlobs blobs, FilesConfig config, InstantSource clock, BatchInputValidator batchValidator) {
    this.store = store;
    this.blobs = blobs;
    this.config = config;
    this.clock = clock;
    this.batchValidator = batchValidator;
  }

  /** The service over {@code <data_dir>/files} and the store, as the server runs it. */
  public static FilesService open(HearthConfig config, Database database, InstantSource clock, JsonMapper mapper) {
    return new FilesService(new FileStore(database), new FileBlobs(config.dataDir().resolve("files")), config.files(), clock,
        new BatchInputValidator(mapper));
  }

  public FilesConfig config() {
    return config;
  }

  public FileBlobs blobs() {
    return blobs;
  }

  /** A file's bytes, already complete in a temp file of {@link FileBlobs}. */
  public record Incoming(Path temp, String filename, String contentType, long bytes) {}

  /** Rejects early (before bytes are read) what the declared length already rules out. */
  public void checkRoom(String projectId, long declaredBytes) {
    long used = store.totalBytes(projectId);
    if (used + declaredBytes > config.maxProjectBytes()) {
      throw quotaExceeded(used);
    }
  }

  /**
   * Makes {@code incoming} a file of the project: validates, moves the bytes into place, inserts
   * the row. The temp file is consumed or deleted whatever happens.
   */
  public StoredFile create(String projectId, String purpose, Long expiresAfterSeconds, Incoming incoming) {
    return create(projectId, purpose, expiresAfterSeconds, incoming, config.maxFileBytes());
  }

  /** As {@link #create(String, String, Long, Incoming)}, with the size limit of the caller (uploads have their own). */
  StoredFile create(String projectId, String purpose, Long expiresAfterSeconds, Incoming incoming, long maxBytes) {
    try {
      if (incoming.bytes() > maxBytes) {
        throw fileTooLarge(maxBytes);
      }
      String filename = validFilename(incoming.filename());
      if (purpose.equals("batch")) {
        try (InputStream in = Files.newInputStream(incoming.temp())) {
          batchValidator.validate(in);
        }
      }
      Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
      Instant expiresAt = expiresAfterSeconds != null
          ? now.plusSeconds(expiresAfterSeconds)
          : purpose.equals("batch") ? now.plus(BATCH_DEFAULT_EXPIRY) : null;
      String id = Ids.newId("file-");
      StoredFile file = new StoredFile(id, projectId, filename, purpose, incoming.bytes(),
          ContentTypes.of(incoming.contentType(), filename), "processed", null, now, expiresAt);
      blobs.commit(incoming.temp(), id);
      try {
        store.insert(file, config.maxProjectBytes());
      } catch (FileStore.QuotaExceeded e) {
        blobs.delete(id);
        throw quotaExceeded(e.used);
      } catch (RuntimeException e) {
        blobs.delete(id);
        throw e;
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      FileBlobs.deleteQuietly(incoming.temp());
    }
  }

  /** Stores bytes the server itself produced (batch output, error files) as a file of the project. */
  public StoredFile createInternal(String projectId, String filename, String purpose, Path temp, Long expiresAfterSeconds) {
    try {
      long size = Files.size(temp);
      return create(projectId, purpose, expiresAfterSeconds, new Incoming(temp, filename, "application/jsonl", size),
          Math.max(config.maxFileBytes(), config.maxUploadBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes the project's files of this name and purpose, rows then bytes: a batch runner that
   * resumes finalizing removes the output files a crashed predecessor wrote but never recorded.
   */
  public int deleteNamed(String projectId, String filename, String purpose) {
    List<String> ids = store.idsNamed(projectId, filename, purpose);
    for (String id : ids) {
      if (store.delete(projectId, id)) {
        blobs.delete(id);
      }
    }
    return ids.size();
  }

  public ListFilesResponse list(String projectId, String purpose, PageRequest request) {
    Page<StoredFile> page = store.page(projectId, purpose, request, clock.instant());
    return ListFilesResponse.of(page.data().stream().map(FilesService::toWire).toList(), page.hasMore());
  }

  public StoredFile find(String projectId, String id) {
    return store.find(projectId, id, clock.instant())
        .orElseThrow(() -> ApiException.notFound("No such File object: " + id));
  }

  public InputStream open(StoredFile file) {
    try {
      return blobs.open(file.id());
    } catch (IOException e) {
      throw new UncheckedIOException("bytes of " + file.id() + " are missing", e);
    }
  }

  /** Deletes row then bytes: a crash in between leaves unreferenced bytes, which the sweep removes. */
  public DeleteFileResponse delete(String projectId, String id) {
    find(projectId, id);
    if (!store.delete(projectId, id)) {
      throw ApiException.notFound("No such File object: " + id);
    }
    blobs.delete(id);
    return DeleteFileResponse.of(id);
  }

  /** Deletes up to {@code sweepBatch} expired files per transaction until none is left; returns how many. */
  public int sweepExpired() {
    int total = 0;
    while (true) {
      List<String> ids = store.expired(clock.instant(), config.sweepBatch());
      if (ids.isEmpty()) {
        return total;
      }
      store.deleteAll(ids);
      ids.forEach(blobs::delete);
      total += ids.size();
      if (ids.size() < config.sweepBatch()) {
        return total;
      }
    }
  }

  /** Removes bytes on disk that no row references (a crash between rename and insert, or delete and unlink). */
  public int removeOrphans(Instant olderThan) {
    int removed = 0;
    try (var shards = Files.newDirectoryStream(blobs.root(), Files::isDirectory)) {
      for (Path shard : shards) {
        if (shard.equals(blobs.tempDir())) {
          continue;
        }
        try (var entries = Files.newDirectoryStream(shard, p -> p.getFileName().toString().startsWith("file-") || p.getFileName().toString().startsWith("part_"))) {
          for (Path p : entries) {
            String id = p.getFileName().toString();
            if (Files.getLastModifiedTime(p).toInstant().isBefore(olderThan) && !store.exists(id)) {
              Files.deleteIfExists(p);
              removed++;
            }
          }
        }
      }
    } catch (IOException e) {
      log.warn("could not scan {} for orphaned files", blobs.root(), e);
    }
    return removed;
  }

  public static Long expiresAfterSeconds(FileExpirationAfter after, String paramPrefix) {
    if (after == null) {
      return null;
    }
    if (after.anchor() == null) {
      throw ApiException.missingParameter(paramPrefix + ".anchor");
    }
    if (!after.anchor().equals("created_at")) {
      throw ApiException.invalidRequest(paramPrefix + ".anchor",
          "Invalid value for '" + paramPrefix + ".anchor': the only supported anchor is 'created_at'.");
    }
    if (after.seconds() == null) {
      throw ApiException.missingParameter(paramPrefix + ".seconds");
    }
    long s = after.seconds();
    if (s < FileExpirationAfter.MIN_SECONDS || s > FileExpirationAfter.MAX_SECONDS) {
      throw ApiException.invalidRequest(paramPrefix + ".seconds",
          "Invalid value for '" + paramPrefix + ".seconds': must be between " + FileExpirationAfter.MIN_SECONDS
              + " and " + FileExpirationAfter.MAX_SECONDS + ", got " + s + ".");
    }
    return s;
  }

  public static String validPurpose(String purpose, Set<String> allowed) {
    if (purpose == null || purpose.isEmpty()) {
      throw ApiException.missingParameter("purpose");
    }
    if (!allowed.contains(purpose)) {
      throw ApiException.invalidRequest("purpose", "Invalid value for 'purpose': '" + purpose + "'. Supported values are: "
          + String.join(", ", allowed.stream().sorted().toList()) + ".");
    }
    return purpose;
  }

  static String validFilename(String filename) {
    if (filename == null || filename.isBlank()) {
      throw ApiException.invalidRequest("file", "The uploaded file must have a file name.");
    }
    if (filename.length() > MAX_FILENAME_LENGTH) {
      throw ApiException.invalidRequest("file",
          "The file name is too long: " + filename.length() + " characters, the maximum is " + MAX_FILENAME_LENGTH + ".");
    }
    if (filename.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ApiException.invalidRequest("file", "The file name must not contain control characters.");
    }
    return filename;
  }

  public static ApiException fileTooLarge(long limit) {
    return new ApiException(413, "invalid_request_error",
        "File too large: the limit is " + limit + " bytes (files.max_file_bytes).", "file", "file_too_large");
  }

  ApiException quotaExceeded(long used) {
    return new ApiException(413, "invalid_request_error",
        "This project's file storage is full: " + used + " of " + config.maxProjectBytes()
            + " bytes used (files.max_project_bytes). Delete files to make room.", "file", "storage_quota_exceeded");
  }

  public static OpenAIFile toWire(StoredFile f) {
    return new OpenAIFile(f.id(), OpenAIFile.OBJECT, f.bytes(), f.createdAt().getEpochSecond(),
        f.expiresAt() == null ? null : f.expiresAt().getEpochSecond(), f.filename(), f.purpose(), f.status(),
        f.statusDetails());
  }
}

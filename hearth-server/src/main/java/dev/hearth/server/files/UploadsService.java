package dev.hearth.server.files;

import dev.hearth.api.files.OpenAIFile;
import dev.hearth.api.uploads.CompleteUploadRequest;
import dev.hearth.api.uploads.CreateUploadRequest;
import dev.hearth.api.uploads.Upload;
import dev.hearth.api.uploads.UploadPart;
import dev.hearth.server.http.ApiException;
import dev.hearth.store.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Multi-part uploads: an Upload collects parts of up to 64 MB (bytes on disk, like files) for an
 * hour; completing it concatenates the parts in the order given into a File.
 */
public final class UploadsService {
  /** "Each Part can be at most 64 MB". */
  public static final long MAX_PART_BYTES = 64L << 20;
  /** "Uploads expire after an hour". */
  static final Duration LIFETIME = Duration.ofHours(1);
  static final int MAX_MIME_TYPE_LENGTH = 255;

  private final UploadStore store;
  private final FilesService files;
  private final InstantSource clock;

  UploadsService(UploadStore store, FilesService files, InstantSource clock) {
    this.store = store;
    this.files = files;
    this.clock = clock;
  }

  private Instant now() {
    return Instant.ofEpochSecond(clock.instant().getEpochSecond());
  }

  public Upload create(String projectId, CreateUploadRequest request) {
    String filename = request.filename();
    if (filename == null) {
      throw ApiException.missingParameter("filename");
    }
    try {
      FilesService.validFilename(filename);
    } catch (ApiException e) {
      throw ApiException.invalidRequest("filename", e.getMessage());
    }
    String purpose = FilesService.validPurpose(request.purpose(), FilesService.PURPOSES);
    if (request.bytes() == null) {
      throw ApiException.missingParameter("bytes");
    }
    long max = files.config().maxUploadBytes();
    if (request.bytes() < 0 || request.bytes() > max) {
      throw ApiException.invalidRequest("bytes", "'bytes' must be between 0 and " + max
          + " (files.max_upload_bytes), got " + request.bytes() + ".");
    }
    String mimeType = request.mimeType();
    if (mimeType == null || mimeType.isBlank()) {
      throw ApiException.missingParameter("mime_type");
    }
    if (mimeType.length() > MAX_MIME_TYPE_LENGTH || mimeType.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ApiException.invalidRequest("mime_type", "'mime_type' is not a valid MIME type.");
    }
    Long fileExpiresAfter = FilesService.expiresAfterSeconds(request.expiresAfter(), "expires_after");
    files.checkRoom(projectId, request.bytes());
    Instant now = now();
    UploadRecord upload = new UploadRecord(Ids.newId("upload_"), projectId, filename, purpose, request.bytes(),
        mimeType.strip(), "pending", now, now.plus(LIFETIME), fileExpiresAfter, null);
    store.insert(upload);
    return toWire(upload, null);
  }

  /** Stores a part already spooled to {@code temp} (consumed or deleted whatever happens). */
  public UploadPart addPart(String projectId, String uploadId, Path temp, long size) {
    try {
      UploadRecord upload = find(projectId, uploadId);
      requirePending(upload, now());
      if (size > MAX_PART_BYTES) {
        throw partTooLarge();
      }
      files.checkRoom(projectId, size + store.partBytes(projectId));
      String partId = Ids.newId("part_");
      files.blobs().commit(temp, partId);
      UploadStore.Part part = new UploadStore.Part(partId, uploadId, size, now());
      try {
        store.addPart(projectId, uploadId, part, now());
      } catch (RuntimeException e) {
        files.blobs().delete(partId);
        throw e;
      }
      return new UploadPart(partId, UploadPart.OBJECT, part.createdAt().getEpochSecond(), uploadId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      FileBlobs.deleteQuietly(temp);
    }
  }

  public Upload complete(String projectId, String uploadId, CompleteUploadRequest request) {
    UploadRecord upload = find(projectId, uploadId);
    requirePending(upload, now());
    List<String> partIds = request.partIds();
    if (partIds == null) {
      throw ApiException.missingParameter("part_ids");
    }
    Map<String, UploadStore.Part> parts = new HashMap<>();
    store.parts(uploadId).forEach(p -> parts.put(p.id(), p));
    Set<String> seen = new HashSet<>();
    long total = 0;
    for (int i = 0; i < partIds.size(); i++) {
      String id = partIds.get(i);
      UploadStore.Part part = parts.get(id);
      if (part == null) {
        throw ApiException.invalidRequest("part_ids[" + i + "]", "No part '" + id + "' in Upload " + uploadId + ".");
      }
      if (!seen.add(id)) {
        throw ApiException.invalidRequest("part_ids[" + i + "]", "Part '" + id + "' is listed twice.");
      }
      total += part.bytes();
    }
    if (total != upload.bytes()) {
      throw ApiException.invalidRequest("part_ids", "The parts hold " + total + " bytes, but the Upload was created with "
          + upload.bytes() + " bytes.");
    }
    Path temp = files.blobs().tempDir().resolve(Ids.newId("assemble_") + ".upload");
    String md5;
    try {
      MessageDigest digest = MessageDigest.getInstance("MD5");
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
        for (String id : partIds) {
          try (InputStream in = Files.newInputStream(files.blobs().pathOf(id))) {
            in.transferTo(out);
          }
        }
      }
      md5 = HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      FileBlobs.deleteQuietly(temp);
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      FileBlobs.deleteQuietly(temp);
      throw new IllegalStateException(e);
    }
    if (request.md5() != null && !request.md5().equalsIgnoreCase(md5)) {
      FileBlobs.deleteQuietly(temp);
      throw ApiException.invalidRequest("md5", "The MD5 of the assembled file is " + md5 + ", not " + request.md5() + ".",
          "md5_mismatch");
    }
    StoredFile file = files.create(projectId, upload.purpose(), upload.fileExpiresAfter(),
        new FilesService.Incoming(temp, upload.filename(), upload.mimeType(), total), files.config().maxUploadBytes());
    Optional<List<String>> finished = store.finish(uploadId, "completed", file.id());
    if (finished.isEmpty()) { // completed, cancelled or expired meanwhile
      files.delete(projectId, file.id());
      throw notPending(find(projectId, uploadId), now());
    }
    // Parts not listed are dropped with the listed ones: the Upload is done.
    finished.get().forEach(files.blobs()::delete);
    return toWire(find(projectId, uploadId), FilesService.toWire(file));
  }

  public Upload cancel(String projectId, String uploadId) {
    UploadRecord upload = find(projectId, uploadId);
    requirePending(upload, now());
    Optional<List<String>> parts = store.finish(uploadId, "cancelled", null);
    if (parts.isEmpty()) {
      throw notPending(find(projectId, uploadId), now());
    }
    parts.get().forEach(files.blobs()::delete);
    return toWire(find(projectId, uploadId), null);
  }

  /** Marks pending uploads past their hour expired and deletes their parts, in bounded batches. */
  public int sweepExpired() {
    int total = 0;
    int batch = files.config().sweepBatch();
    while (true) {
      List<String> ids = store.expiredPending(clock.instant(), batch);
      for (String id : ids) {
        store.finish(id, "expired", null).ifPresent(parts -> parts.forEach(files.blobs()::delete));
      }
      total += ids.size();
      if (ids.size() < batch) {
        return total;
      }
    }
  }

  private UploadRecord find(String projectId, String uploadId) {
    return store.find(projectId, uploadId).orElseThrow(() -> notFound(uploadId));
  }

  static ApiException notFound(String uploadId) {
    return ApiException.notFound("No such Upload object: " + uploadId);
  }

  static void requirePending(UploadRecord upload, Instant now) {
    if (!upload.visibleStatus(now).equals("pending")) {
      throw notPending(upload, now);
    }
  }

  static ApiException notPending(UploadRecord upload, Instant now) {
    return ApiException.invalidRequest(null,
        "Upload " + upload.id() + " is " + upload.visibleStatus(now) + ", not pending.", "upload_not_pending");
  }

  static ApiException partTooLarge() {
    return new ApiException(413, "invalid_request_error",
        "Part too large: each part may hold at most " + MAX_PART_BYTES + " bytes (64 MB).", "data", "part_too_large");
  }

  Upload toWire(UploadRecord u, OpenAIFile file) {
    return new Upload(u.id(), Upload.OBJECT, u.bytes(), u.createdAt().getEpochSecond(), u.expiresAt().getEpochSecond(),
        u.filename(), u.purpose(), u.visibleStatus(clock.instant()), file);
  }
}

package dev.hearth.server.files;

import dev.hearth.api.files.FileExpirationAfter;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.Pagination;
import dev.hearth.api.uploads.CompleteUploadRequest;
import dev.hearth.api.uploads.CreateUploadRequest;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.store.Database;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/files} (upload, list, retrieve, download, delete) and {@code /v1/uploads} (large
 * files in parts), which share the bytes on disk, the limits and the expiry sweep.
 */
public final class FilesRoutes implements ApiRoutes {
  static final String EXPIRES_ANCHOR = "expires_after[anchor]";
  static final String EXPIRES_SECONDS = "expires_after[seconds]";

  private final FilesService service;
  private final UploadsService uploads;
  private final JsonBodies bodies;
  private final FilesSweeper sweeper;

  FilesRoutes(FilesService service, UploadsService uploads, JsonBodies bodies, FilesSweeper sweeper) {
    this.service = service;
    this.uploads = uploads;
    this.bodies = bodies;
    this.sweeper = sweeper;
  }

  /**
   * The family as the server runs it: bytes under {@code <data_dir>/files}, what a crash left in
   * the temp directory removed, and the expiry sweep started.
   */
  public static FilesRoutes create(HearthConfig config, Database database, InstantSource clock, JsonMapper mapper) {
    FilesService service = FilesService.open(config, database, clock, mapper);
    service.blobs().clearTemp();
    UploadsService uploads = new UploadsService(new UploadStore(database), service, clock);
    FilesSweeper sweeper = new FilesSweeper(config.files().sweepInterval());
    sweeper.every("expired files", service::sweepExpired);
    sweeper.every("expired uploads", uploads::sweepExpired);
    // Bytes older than an hour that no row names: left by a crash between rename and insert, or
    // by a deleted project. Compared with file modification times, hence the system clock.
    sweeper.once("orphaned file bytes", () -> service.removeOrphans(Instant.now().minusSeconds(3600)));
    return new FilesRoutes(service, uploads, new JsonBodies(mapper), sweeper);
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/files", this::create);
    routes.get("/v1/files", ctx -> {
      String purpose = ctx.queryParam("purpose");
      ctx.json(service.list(projectId(ctx), purpose == null || purpose.isEmpty() ? null : purpose,
          Pagination.request(ctx, 10_000, 10_000)));
    });
    routes.get("/v1/files/{file_id}", ctx ->
        ctx.json(FilesService.toWire(service.find(projectId(ctx), ctx.pathParam("file_id")))));
    routes.delete("/v1/files/{file_id}", ctx -> ctx.json(service.delete(projectId(ctx), ctx.pathParam("file_id"))));
    routes.get("/v1/files/{file_id}/content", this::content);

    routes.post("/v1/uploads", ctx -> ctx.json(uploads.create(projectId(ctx), bodies.read(ctx, CreateUploadRequest.class))));
    routes.post("/v1/uploads/{upload_id}/parts", this::addPart);
    routes.post("/v1/uploads/{upload_id}/complete", ctx -> ctx.json(
        uploads.complete(projectId(ctx), ctx.pathParam("upload_id"), bodies.read(ctx, CompleteUploadRequest.class))));
    routes.post("/v1/uploads/{upload_id}/cancel", ctx -> ctx.json(uploads.cancel(projectId(ctx), ctx.pathParam("upload_id"))));
  }

  private void addPart(Context ctx) {
    String projectId = projectId(ctx);
    MultipartForm form = MultipartForm.read(ctx, service.blobs().tempDir(), UploadsService.MAX_PART_BYTES, Set.of("data"),
        Set.of(), UploadsService.partTooLarge());
    Part part = form.file("data");
    if (part == null) {
      throw ApiException.missingParameter("data");
    }
    Path temp = spool(part);
    ctx.json(uploads.addPart(projectId, ctx.pathParam("upload_id"), temp, part.getSize()));
  }

  /** Moves the part Jetty spooled into a temp file of ours. */
  private Path spool(Part part) {
    Path temp = service.blobs().tempDir().resolve(UUID.randomUUID() + ".upload");
    try {
      part.write(temp.toString());
      return temp;
    } catch (IOException e) {
      FileBlobs.deleteQuietly(temp);
      throw new UncheckedIOException(e);
    }
  }

  private void create(Context ctx) {
    String projectId = projectId(ctx);
    long max = service.config().maxFileBytes();
    service.checkRoom(projectId, Math.max(0, ctx.req().getContentLengthLong() - MultipartForm.OVERHEAD_BYTES));
    MultipartForm form = MultipartForm.read(ctx, service.blobs().tempDir(), max, Set.of("file"),
        Set.of("purpose", EXPIRES_ANCHOR, EXPIRES_SECONDS), FilesService.fileTooLarge(max));
    Part part = form.file("file");
    if (part == null) {
      throw ApiException.missingParameter("file");
    }
    String purpose = FilesService.validPurpose(form.field("purpose"), FilesService.PURPOSES);
    Long expiresAfter = FilesService.expiresAfterSeconds(expiration(form), "expires_after");
    Path temp = spool(part);
    // The SDKs send raw bytes without a file name; such a file is named after its part.
    String filename = part.getSubmittedFileName() == null ? "file" : part.getSubmittedFileName();
    StoredFile file = service.create(projectId, purpose, expiresAfter,
        new FilesService.Incoming(temp, filename, part.getContentType(), part.getSize()));
    ctx.json(FilesService.toWire(file));
  }

  private static FileExpirationAfter expiration(MultipartForm form) {
    String anchor = form.field(EXPIRES_ANCHOR);
    String seconds = form.field(EXPIRES_SECONDS);
    if (anchor == null && seconds == null) {
      return null;
    }
    Long value = null;
    if (seconds != null) {
      try {
        value = Long.valueOf(seconds.trim());
      } catch (NumberFormatException e) {
        throw ApiException.invalidRequest("expires_after.seconds",
            "Invalid type for 'expires_after.seconds': expected an integer, got '" + seconds + "'.", "invalid_type");
      }
    }
    return new FileExpirationAfter(anchor, value);
  }

  private void content(Context ctx) {
    StoredFile file = service.find(projectId(ctx), ctx.pathParam("file_id"));
    ctx.contentType(file.contentType());
    // Streamed as stored, past Javalin's response compression: with gzip on, the body would no longer
    // match the Content-Length we announce (clients send Accept-Encoding: gzip by default).
    ctx.res().setContentLengthLong(file.bytes());
    ctx.header("Content-Disposition", disposition(file.filename()));
    // User content served from the API's origin: never let a browser sniff it into something executable.
    ctx.header("X-Content-Type-Options", "nosniff");
    try (InputStream in = service.open(file); OutputStream out = ctx.res().getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** RFC 6266: an ASCII fallback plus the exact name in RFC 5987 encoding. */
  static String disposition(String filename) {
    StringBuilder ascii = new StringBuilder();
    for (char c : filename.toCharArray()) {
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
    }
    String encoded = URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  static String projectId(Context ctx) {
    Principal principal = ctx.attribute(Principal.ATTRIBUTE);
    return principal.projectId();
  }

  @Override
  public void close() {
    sweeper.close();
  }
}

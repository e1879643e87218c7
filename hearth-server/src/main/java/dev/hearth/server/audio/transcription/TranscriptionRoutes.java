package dev.hearth.server.audio.transcription;

import dev.hearth.server.usage.UsageRecorder;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.ApiRoutes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code POST /v1/audio/transcriptions} and {@code POST /v1/audio/translations} (multipart forms). */
public final class TranscriptionRoutes implements ApiRoutes {
  private static final Set<String> TRANSCRIPTION_FIELDS = Set.of("file", "model", "language", "prompt",
      "response_format", "temperature", "timestamp_granularities[]", "timestamp_granularities", "include[]",
      "include", "stream", "chunking_strategy");
  private static final Set<String> TRANSLATION_FIELDS = Set.of("file", "model", "prompt", "response_format",
      "temperature");

  private final TranscriptionService service;
  private final ProjectSettings settings;

  public TranscriptionRoutes(TranscriptionService service, ProjectSettings settings) {
    this.service = service;
    this.settings = settings;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/audio/transcriptions", ctx -> handle(ctx, false));
    routes.post("/v1/audio/translations", ctx -> handle(ctx, true));
  }

  private void handle(Context ctx, boolean translate) {
    if (!ctx.isMultipartFormData()) {
      throw ApiException.invalidRequest(null,
          "This endpoint expects a multipart/form-data body with the audio in 'file'.");
    }
    Set<String> known = translate ? TRANSLATION_FIELDS : TRANSCRIPTION_FIELDS;
    for (String name : ctx.formParamMap().keySet()) {
      if (!known.contains(name)) {
        throw ApiException.invalidRequest(name, "Unrecognized request argument supplied: " + name);
      }
    }
    if (!translate && "true".equalsIgnoreCase(ctx.formParam("stream"))) {
      throw ApiException.invalidRequest("stream", "Streaming transcriptions are not supported by this server.",
          "unsupported_value");
    }
    List<String> granularities = new ArrayList<>();
    if (!translate) {
      granularities.addAll(ctx.formParams("timestamp_granularities[]"));
      granularities.addAll(ctx.formParams("timestamp_granularities"));
    }
    TranscriptionService.Job job = service.check(translate, ctx.formParam("model"),
        translate ? null : ctx.formParam("language"), ctx.formParam("prompt"), ctx.formParam("response_format"),
        ctx.formParam("temperature"), granularities, settings.of(ctx).allowedModels());
    UploadedFile file = ctx.uploadedFile("file");
    if (file == null) {
      throw ApiException.missingParameter("file");
    }
    if (file.size() > TranscriptionService.MAX_FILE_BYTES) {
      throw new ApiException(413, "invalid_request_error",
          "Maximum content size limit (" + TranscriptionService.MAX_FILE_BYTES + ") exceeded (" + file.size()
              + " bytes read).", "file", "file_too_large");
    }
    Path upload = null;
    try {
      upload = Files.createTempFile("hearth-audio-", suffix(file.filename()));
      try (InputStream in = file.content()) {
        Files.copy(in, upload, StandardCopyOption.REPLACE_EXISTING);
      }
      TranscriptionService.Rendered out = service.render(job, UsageRecorder.seconds(ctx, job.model(), service.run(job, upload)));
      if (out.json() != null) {
        ctx.json(out.json());
      } else {
        ctx.contentType(out.mediaType()).result(out.text());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (upload != null) {
        try {
          Files.deleteIfExists(upload);
        } catch (IOException ignored) {
          // a temp file; the OS cleans it eventually
        }
      }
    }
  }

  /** Keeps a short plain extension, which helps ffmpeg guess the container. */
  private static String suffix(String filename) {
    if (filename == null) {
      return ".audio";
    }
    int dot = filename.lastIndexOf('.');
    String ext = dot < 0 ? "" : filename.substring(dot);
    return ext.matches("\\.[A-Za-z0-9]{1,5}") ? ext : ".audio";
  }
}

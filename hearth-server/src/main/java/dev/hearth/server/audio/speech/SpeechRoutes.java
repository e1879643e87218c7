package dev.hearth.server.audio.speech;

import dev.hearth.server.usage.UsageRecorder;
import dev.hearth.api.audio.SpeechRequest;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.JsonBodies;
import io.javalin.config.RoutesConfig;
import dev.hearth.server.http.ApiException;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/audio/speech}. Errors found before the first sentence is synthesized are JSON
 * envelopes; after that the audio streams (chunked) and a failure can only cut the stream short
 * (it is logged, and nothing else is written).
 */
public final class SpeechRoutes implements ApiRoutes {
  private static final Logger log = LoggerFactory.getLogger(SpeechRoutes.class);
  private final SpeechService service;
  private final JsonBodies bodies;
  private final ProjectSettings settings;

  public SpeechRoutes(SpeechService service, JsonBodies bodies, ProjectSettings settings) {
    this.service = service;
    this.bodies = bodies;
    this.settings = settings;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/audio/speech", ctx -> {
      SpeechRequest request = bodies.read(ctx, SpeechRequest.class);
      SpeechService.Plan plan = service.plan(request, settings.of(ctx).allowedModels());
      UsageRecorder.record(ctx, plan.model(), request.input().length(), 0); // units: input characters
      short[] first = service.first(plan);
      ctx.status(200);
      ctx.res().setCharacterEncoding(null); // binary: no charset parameter
      ctx.res().setContentType(plan.format().mediaType());
      ctx.header("Cache-Control", "no-cache");
      ctx.header("X-Accel-Buffering", "no");
      OutputStream out = ctx.res().getOutputStream();
      try {
        service.stream(plan, first, out);
      } catch (IOException e) {
        log.debug("speech stream ended early: {}", e.toString()); // the client went away
      } catch (ApiException e) {
        // Audio is already on the wire: an error envelope now would be appended to it. End the stream.
        log.warn("speech stream cut short: {}", e.getMessage());
      }
    });
  }
}

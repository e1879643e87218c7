package dev.hearth.server.completions;

import dev.hearth.api.completions.CompletionRequest;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.chat.ChatRoutes;
import dev.hearth.server.generation.LlmModels;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.http.SseStreams;
import dev.hearth.server.models.ModelRegistry;
import io.javalin.config.RoutesConfig;
import java.time.InstantSource;

/** {@code POST /v1/completions} (legacy text completions). */
public final class CompletionsRoutes implements ApiRoutes {
  private final CompletionService service;
  private final ProjectSettings settings;
  private final JsonBodies bodies;
  private final SseStreams streams;

  public CompletionsRoutes(ModelRegistry registry, LlmModels models, ProjectSettings settings, JsonBodies bodies,
      SseStreams streams, InstantSource clock) {
    this.service = new CompletionService(registry, models, clock);
    this.settings = settings;
    this.bodies = bodies;
    this.streams = streams;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/completions", ctx -> {
      LegacyCompletionRequest request = CompletionRequestValidator.validate(bodies.read(ctx, CompletionRequest.class));
      try (CompletionService.Prepared prepared =
          ChatRoutes.admit(ctx, () -> service.prepare(request, settings.of(ctx).allowedModels()))) {
        if (request.stream()) {
          service.stream(prepared, streams.open(ctx));
        } else {
          ctx.json(service.complete(prepared));
        }
      }
    });
  }
}

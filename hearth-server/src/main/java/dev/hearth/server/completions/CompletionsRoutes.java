package dev.hearth.server.completions;

import dev.hearth.server.usage.UsageRecorder;
import dev.hearth.api.completions.CompletionRequest;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.chat.ChatRoutes;
import dev.hearth.server.generation.ClientDisconnect;
import dev.hearth.server.generation.LlmModels;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.http.SseStreams;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.server.upstream.Upstream;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.batches.BatchDispatcher;
import dev.hearth.server.batches.BatchResponse;
import dev.hearth.server.http.ApiException;
import io.javalin.config.RoutesConfig;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import java.time.InstantSource;

/** {@code POST /v1/completions} (legacy text completions). */
public final class CompletionsRoutes implements ApiRoutes {
  private final CompletionService service;
  private final ProjectSettings settings;
  private final JsonBodies bodies;
  private final SseStreams streams;

  public CompletionsRoutes(ModelRegistry registry, LlmModels models, ProjectSettings settings, JsonBodies bodies,
      SseStreams streams, InstantSource clock, BatchDispatcher batches) {
    this.service = new CompletionService(registry, models, clock);
    this.settings = settings;
    this.bodies = bodies;
    this.streams = streams;
    batches.register("/v1/completions", this::batchLine);
  }

  /** One line of a batch: the live path without streaming; waits for a model slot rather than 429. */
  private BatchResponse batchLine(Principal caller, JsonNode body) {
    LegacyCompletionRequest request = CompletionRequestValidator.validate(
        bodies.parse(body.toString().getBytes(StandardCharsets.UTF_8), CompletionRequest.class));
    if (request.stream()) {
      throw ApiException.invalidRequest("stream", "Streaming is not available for batch requests.");
    }
    try (CompletionService.Prepared prepared =
        service.prepare(request, settings.of(caller.projectId()).allowedModels(), true)) {
      return new BatchResponse(200, service.complete(prepared));
    }
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/completions", ctx -> {
      if (Upstream.forwarded(ctx)) { // engine: upstream models go to their server
        return;
      }
      LegacyCompletionRequest request = CompletionRequestValidator.validate(UsageRecorder.withStreamUsage(ctx, bodies.read(ctx, CompletionRequest.class)));
      try (ClientDisconnect watch = ClientDisconnect.watch(ctx, request.stream()); CompletionService.Prepared prepared =
          ChatRoutes.admit(ctx, () -> service.prepare(request, settings.of(ctx).allowedModels()))) {
        if (request.stream()) {
          service.stream(prepared, UsageRecorder.tap(ctx, streams.open(ctx)));
        } else {
          ctx.json(UsageRecorder.recorded(ctx, service.complete(prepared)));
        }
      }
    });
  }
}

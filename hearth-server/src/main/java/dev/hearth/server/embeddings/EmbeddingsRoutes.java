package dev.hearth.server.embeddings;

import dev.hearth.server.usage.UsageRecorder;
import dev.hearth.api.embeddings.CreateEmbeddingRequest;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.upstream.Upstream;
import io.javalin.config.RoutesConfig;

/** {@code POST /v1/embeddings}. */
public final class EmbeddingsRoutes implements ApiRoutes {
  private final EmbeddingsService service;
  private final JsonBodies bodies;
  private final ProjectSettings settings;

  public EmbeddingsRoutes(EmbeddingsService service, JsonBodies bodies, ProjectSettings settings) {
    this.service = service;
    this.bodies = bodies;
    this.settings = settings;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/embeddings", ctx -> {
      if (!Upstream.forwarded(ctx)) { // engine: upstream models go to their server
        ctx.json(UsageRecorder.recorded(ctx,
            service.create(bodies.read(ctx, CreateEmbeddingRequest.class), settings.of(ctx).allowedModels())));
      }
    });
  }
}

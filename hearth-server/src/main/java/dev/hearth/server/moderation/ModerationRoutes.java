package dev.hearth.server.moderation;

import dev.hearth.server.usage.UsageRecorder;
import dev.hearth.api.moderation.CreateModerationRequest;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.upstream.Upstream;
import io.javalin.config.RoutesConfig;

/** {@code POST /v1/moderations}. */
public final class ModerationRoutes implements ApiRoutes {
  private final ModerationService service;
  private final JsonBodies bodies;
  private final ProjectSettings settings;

  public ModerationRoutes(ModerationService service, JsonBodies bodies, ProjectSettings settings) {
    this.service = service;
    this.bodies = bodies;
    this.settings = settings;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/moderations", ctx -> {
      if (!Upstream.forwarded(ctx)) { // engine: upstream models go to their server
        ctx.json(UsageRecorder.recorded(ctx,
            service.create(bodies.read(ctx, CreateModerationRequest.class), settings.of(ctx).allowedModels())));
      }
    });
  }
}

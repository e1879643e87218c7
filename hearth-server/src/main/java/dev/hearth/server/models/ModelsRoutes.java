package dev.hearth.server.models;

import dev.hearth.api.models.ListModelsResponse;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.ApiRoutes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code /v1/models}: list, retrieve, delete. Model names may contain slashes
 * ({@code org/name}), hence the {@code <model>} path parameter.
 */
public final class ModelsRoutes implements ApiRoutes {
  private final ModelRegistry registry;
  private final ProjectSettings settings;

  public ModelsRoutes(ModelRegistry registry, ProjectSettings settings) {
    this.registry = registry;
    this.settings = settings;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/v1/models", ctx -> ctx.json(ListModelsResponse.of(registry.list(allowed(ctx)))));
    routes.get("/v1/models/<model>", ctx -> {
      String name = ctx.pathParam("model");
      ctx.json(registry.describe(name, allowed(ctx)).orElseThrow(() -> ApiException.modelNotFound(name)));
    });
    routes.delete("/v1/models/<model>", ctx -> {
      String name = ctx.pathParam("model");
      if (registry.describe(name, allowed(ctx)).isEmpty()) {
        throw ApiException.modelNotFound(name);
      }
      // Only fine-tuned models can be deleted, and Hearth has none yet.
      throw new ApiException(
          404, "invalid_request_error",
          "The model `" + name + "` is not a fine-tuned model: only fine-tuned models can be deleted.",
          "model", "model_not_found");
    });
  }

  private List<String> allowed(Context ctx) {
    return settings.of(ctx).allowedModels();
  }
}

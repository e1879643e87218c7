package dev.hearth.server.storedcompletions;

import dev.hearth.api.storedcompletions.UpdateChatCompletionRequest;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.ErrorResponses;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.http.QueryParams;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.store.Database;
import dev.hearth.store.PageRequest;
import dev.hearth.store.StoredCompletionStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stored chat completions ({@code store: true}): {@code GET /v1/chat/completions} (filters
 * {@code model}, {@code metadata[key]=value}), {@code GET|POST|DELETE /v1/chat/completions/{completion_id}}
 * and {@code GET /v1/chat/completions/{completion_id}/messages}. Also installs {@link ChatStorage},
 * the hook the chat endpoint calls, and runs the retention purge.
 */
public final class StoredCompletionsRoutes implements ApiRoutes {
  private final StoredCompletionsService service;
  private final ChatStorage storage;
  private final ModelRegistry registry;
  private final JsonBodies bodies;
  private final RetentionPurge purge;
  private final ProjectSettings settings;

  private StoredCompletionsRoutes(StoredCompletionsService service, ChatStorage storage, ModelRegistry registry,
      JsonBodies bodies, RetentionPurge purge, ProjectSettings settings) {
    this.settings = settings;
    this.service = service;
    this.storage = storage;
    this.registry = registry;
    this.bodies = bodies;
    this.purge = purge;
  }

  /**
   * The family as the server runs it; the purge runs every {@code files.sweep_interval_seconds},
   * {@code files.sweep_batch} rows per transaction, its counters in {@code metrics}.
   */
  public static StoredCompletionsRoutes create(HearthConfig config, Database database, InstantSource clock,
      JsonMapper mapper, ProjectSettings settings, ModelRegistry registry, MeterRegistry metrics) {
    StoredCompletionsService service = new StoredCompletionsService(new StoredCompletionStore(database, clock), mapper, clock);
    RetentionPurge purge = new RetentionPurge(service, config.files().sweepInterval(), config.files().sweepBatch(), metrics);
    return new StoredCompletionsRoutes(service, new ChatStorage(service, settings, mapper), registry,
        new JsonBodies(mapper), purge, settings);
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.before("/v1/*", ctx -> {
      ctx.attribute(ChatStorage.ATTRIBUTE, storage);
      if (ctx.attribute(Principal.ATTRIBUTE) != null && settings.of(ctx).zeroDataRetention()) {
        ctx.attribute(ErrorResponses.WITHHOLD_DETAILS, true);
      }
    });
    routes.get("/v1/chat/completions", ctx -> ctx.json(service.list(projectId(ctx), model(ctx), metadata(ctx), page(ctx))));
    routes.get("/v1/chat/completions/{completion_id}", ctx -> ctx.json(service.get(projectId(ctx), id(ctx))));
    routes.post("/v1/chat/completions/{completion_id}", ctx -> ctx.json(service.update(projectId(ctx), id(ctx),
        bodies.read(ctx, UpdateChatCompletionRequest.class).metadata())));
    routes.delete("/v1/chat/completions/{completion_id}", ctx -> ctx.json(service.delete(projectId(ctx), id(ctx))));
    routes.get("/v1/chat/completions/{completion_id}/messages", ctx ->
        ctx.json(service.messages(projectId(ctx), id(ctx), page(ctx))));
  }

  private static String projectId(Context ctx) {
    Principal p = ctx.attribute(Principal.ATTRIBUTE);
    return p.projectId();
  }

  private static String id(Context ctx) {
    return ctx.pathParam("completion_id");
  }

  /** Both list endpoints default to ascending order, as the spec says. */
  private static PageRequest page(Context ctx) {
    String order = ctx.queryParam("order");
    return PageRequest.of(ctx.queryParam("after"), ctx.queryParam("before"), QueryParams.integer(ctx, "limit"),
        order == null || order.isEmpty() ? "asc" : order, StoredCompletionsService.DEFAULT_LIMIT,
        StoredCompletionsService.MAX_LIMIT);
  }

  /** The canonical id of a configured model or alias (what is stored), else the name as given. */
  private String model(Context ctx) {
    String model = ctx.queryParam("model");
    if (model == null || model.isEmpty()) {
      return null;
    }
    return registry.resolve(model).map(m -> m.id()).orElse(model);
  }

  /** {@code metadata[key]=value} query parameters. */
  static Map<String, String> metadata(Context ctx) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      String name = e.getKey();
      if (name.startsWith("metadata[") && name.endsWith("]")) {
        String key = name.substring("metadata[".length(), name.length() - 1);
        if (key.isEmpty() || e.getValue().size() != 1) {
          throw ApiException.invalidRequest(name, "Filter by metadata as metadata[key]=value, each key once.");
        }
        out.put(key, e.getValue().getFirst());
      } else if (name.equals("metadata")) {
        throw ApiException.invalidRequest("metadata", "Filter by metadata as metadata[key]=value.");
      }
    }
    return out;
  }

  @Override
  public void close() {
    purge.close();
  }
}

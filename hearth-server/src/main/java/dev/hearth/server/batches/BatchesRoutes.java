package dev.hearth.server.batches;

import dev.hearth.api.batches.CreateBatchRequest;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.files.FilesService;
import dev.hearth.server.http.ApiRoutes;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.http.Pagination;
import dev.hearth.store.Database;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** {@code /v1/batches}: create, list, retrieve, cancel; a {@link BatchRunner} does the work in the background. */
public final class BatchesRoutes implements ApiRoutes {
  private final BatchesService service;
  private final BatchRunner runner;
  private final JsonBodies bodies;
  private final LiveTraffic traffic;

  /**
   * Live endpoints whose requests batch lines yield to, and the resource they use: embeddings and
   * the default moderation model share the embedding encoder (chat and completions lines yield in
   * the model's scheduler instead).
   */
  static final Map<String, String> LIVE_RESOURCES = Map.of("/v1/embeddings", "encoder", "/v1/moderations", "encoder");
  /** How long a batch line yields to live requests at most, so that batches finish under constant load. */
  static final Duration YIELD_MAX_WAIT = Duration.ofSeconds(30);
  /** For this long after a live request, batch lines for its resource run one at a time. */
  static final Duration YIELD_QUIET_PERIOD = Duration.ofSeconds(1);
  private static final String LIVE_ATTRIBUTE = "hearth.batches.live";

  BatchesRoutes(BatchesService service, BatchRunner runner, JsonBodies bodies, LiveTraffic traffic) {
    this.service = service;
    this.runner = runner;
    this.bodies = bodies;
    this.traffic = traffic;
  }

  /**
   * The family as the server runs it. {@code dispatcher} maps batch endpoints to the handlers of
   * the families that serve them; lines for any other endpoint fail as a live request would.
   */
  public static BatchesRoutes create(HearthConfig config, Database database, InstantSource clock, JsonMapper mapper,
      BatchDispatcher dispatcher) {
    FilesService files = FilesService.open(config, database, clock, mapper);
    BatchStore store = new BatchStore(database);
    LiveTraffic traffic = new LiveTraffic(0, YIELD_QUIET_PERIOD, YIELD_MAX_WAIT);
    LIVE_RESOURCES.forEach((endpoint, resource) -> dispatcher.yieldTo(endpoint, traffic, resource));
    BatchRunner runner = new BatchRunner(store, files, dispatcher, clock, mapper, config.batches().lease(),
        config.batches().concurrency());
    BatchesService service = new BatchesService(store, files, clock, mapper, runner::wake);
    return new BatchesRoutes(service, runner.start(), new JsonBodies(mapper), traffic);
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/batches", ctx -> ctx.json(service.create(projectId(ctx), bodies.read(ctx, CreateBatchRequest.class))));
    routes.get("/v1/batches", ctx -> ctx.json(service.list(projectId(ctx), Pagination.request(ctx, 20, 100))));
    routes.get("/v1/batches/{batch_id}", ctx -> ctx.json(service.retrieve(projectId(ctx), ctx.pathParam("batch_id"))));
    routes.post("/v1/batches/{batch_id}/cancel", ctx -> ctx.json(service.cancel(projectId(ctx), ctx.pathParam("batch_id"))));
    // Live requests that batch lines yield to are counted from before their handler to after it
    // (after-handlers run whatever the outcome; the attribute makes sure only counted ones end).
    LIVE_RESOURCES.forEach((path, resource) -> {
      routes.before(path, ctx -> {
        if (ctx.method() == HandlerType.POST) {
          traffic.begin(resource);
          ctx.attribute(LIVE_ATTRIBUTE, resource);
        }
      });
      routes.after(path, ctx -> {
        String counted = ctx.attribute(LIVE_ATTRIBUTE);
        if (counted != null) {
          ctx.attribute(LIVE_ATTRIBUTE, null);
          traffic.end(counted);
        }
      });
    });
  }

  /** Live requests in flight that batch lines yield to (tests and metrics). */
  public LiveTraffic liveTraffic() {
    return traffic;
  }

  private static String projectId(Context ctx) {
    Principal principal = ctx.attribute(Principal.ATTRIBUTE);
    return principal.projectId();
  }

  @Override
  public void close() {
    runner.close();
  }
}

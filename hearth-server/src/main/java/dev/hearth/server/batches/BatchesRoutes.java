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
import java.time.InstantSource;
import tools.jackson.databind.json.JsonMapper;

/** {@code /v1/batches}: create, list, retrieve, cancel; a {@link BatchRunner} does the work in the background. */
public final class BatchesRoutes implements ApiRoutes {
  private final BatchesService service;
  private final BatchRunner runner;
  private final JsonBodies bodies;

  BatchesRoutes(BatchesService service, BatchRunner runner, JsonBodies bodies) {
    this.service = service;
    this.runner = runner;
    this.bodies = bodies;
  }

  /**
   * The family as the server runs it. {@code dispatcher} maps batch endpoints to the handlers of
   * the families that serve them; lines for any other endpoint fail as a live request would.
   */
  public static BatchesRoutes create(HearthConfig config, Database database, InstantSource clock, JsonMapper mapper,
      BatchDispatcher dispatcher) {
    FilesService files = FilesService.open(config, database, clock, mapper);
    BatchStore store = new BatchStore(database);
    BatchRunner runner = new BatchRunner(store, files, dispatcher, clock, mapper, config.batches().lease());
    BatchesService service = new BatchesService(store, files, clock, mapper, runner::wake);
    return new BatchesRoutes(service, runner.start(), new JsonBodies(mapper));
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/v1/batches", ctx -> ctx.json(service.create(projectId(ctx), bodies.read(ctx, CreateBatchRequest.class))));
    routes.get("/v1/batches", ctx -> ctx.json(service.list(projectId(ctx), Pagination.request(ctx, 20, 100))));
    routes.get("/v1/batches/{batch_id}", ctx -> ctx.json(service.retrieve(projectId(ctx), ctx.pathParam("batch_id"))));
    routes.post("/v1/batches/{batch_id}/cancel", ctx -> ctx.json(service.cancel(projectId(ctx), ctx.pathParam("batch_id"))));
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

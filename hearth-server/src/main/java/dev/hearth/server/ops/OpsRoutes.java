package dev.hearth.server.ops;

import dev.hearth.server.http.ApiRoutes;
import io.javalin.config.RoutesConfig;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code GET /health} (liveness + database) and {@code GET /metrics} (Prometheus text format). */
public final class OpsRoutes implements ApiRoutes {
  private final RequestMetrics metrics;
  private final BooleanSupplier databaseHealthy;

  public OpsRoutes(RequestMetrics metrics, BooleanSupplier databaseHealthy) {
    this.metrics = metrics;
    this.databaseHealthy = databaseHealthy;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/health", ctx -> {
      boolean db = databaseHealthy.getAsBoolean();
      ctx.status(db ? 200 : 503).json(Map.of("status", db ? "ok" : "degraded", "database", db ? "ok" : "unavailable"));
    });
    routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }
}

package dev.hearth.server.usage;

import dev.hearth.server.http.ApiRoutes;
import io.javalin.config.RoutesConfig;

/**
 * Usage records: no endpoint yet (the usage API comes later); puts the server's
 * {@link UsageRecorder} on every {@code /v1} request for the families' one-line hooks.
 */
public final class UsageRoutes implements ApiRoutes {
  private final UsageRecorder recorder;

  public UsageRoutes(UsageRecorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.before("/v1/*", ctx -> ctx.attribute(UsageRecorder.ATTRIBUTE, recorder));
  }
}
